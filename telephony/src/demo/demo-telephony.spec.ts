import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterEach, describe, expect, it } from 'vitest';

import { DemoTelephony } from '@telephony/demo/demo-telephony';
import { recordingsOf, rewriteTrace, traceCallers } from '@telephony/demo/demo-trace';
import type { CallEvent, TelephonyEvent } from '@telephony/model/call-event';

const DIR = fileURLToPath(new URL('../../../test/fixtures/ami/22/', import.meta.url));
const trace = (name: string) => readFileSync(path.join(DIR, `${name}.txt`), 'utf8');

const rewrite = (startMs: number) => {
  let id = 0;
  let ch = 0;
  return {
    callers: new Map([['9161234567', '9035551234']]),
    extensions: new Map([
      ['1001', '1003'],
      ['1003', '1001'],
    ]),
    startMs,
    stretch: 2,
    nextUniqueid: () => `demo-1.${id++}`,
    nextChannelSuffix: () => (ch++).toString(16).padStart(8, '0'),
  };
};

describe('rewriteTrace: a recorded Asterisk trace as a new call', () => {
  it('swaps caller, extensions, ids and times, and keeps the events', () => {
    const text = trace('queue-answered');
    expect(traceCallers(text)).toEqual(['9161234567']);
    const frames = rewriteTrace(text, rewrite(Date.parse('2027-01-01T00:00:00Z')));
    const all = frames.map((f) => f.text).join('');
    expect(all).not.toMatch(/9161234567|zvonok-\d|Ivan Petrov/);
    expect(all).toContain('CallerIDNum: +79035551234');
    expect(all).toMatch(/Channel: PJSIP\/1003-0000000\d/);
    expect(all).toContain('Linkedid: demo-1.0');
    // The recorded gaps, doubled, starting at the new time.
    expect(frames[0]!.atMs).toBe(0);
    expect(frames.at(-1)!.atMs).toBeGreaterThan(8_000);
    expect(all).toMatch(/Timestamp: 1798761600\.0+\r\n/);
    expect(frames.every((f, i) => i === 0 || f.atMs >= frames[i - 1]!.atMs)).toBe(true);
    expect(recordingsOf(frames).map((r) => path.basename(r.file))).toEqual([expect.stringMatching(/demo-1\.0/)]);
  });
});

describe('DemoTelephony: recorded calls through the real AMI adapter and tracker (AMI surrogate as the PBX)', () => {
  let demo: DemoTelephony | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await demo?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('rings the given operators with the given numbers, answers, ends and leaves the recording', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'zv-demo-'));
    demo = new DemoTelephony({
      kind: 'demo',
      extensions: async () => ['2001', '2002', '2003', '2004'],
      knownNumbers: async () => ['+79035551234'],
      recordingsDir: dir,
      firstCallSeconds: 0,
      intervalSeconds: [600, 600],
      stretch: 0.2,
    });
    const events: TelephonyEvent[] = [];
    demo.onEvent((e) => events.push(e));
    await demo.start();
    const ended = () => events.find((e): e is Extract<CallEvent, { type: 'call.ended' }> => e.type === 'call.ended');
    await expect.poll(ended, { timeout: 10_000 }).toBeTruthy();
    expect(demo.isUp()).toBe(true);
    const rang = new Set(events.flatMap((e) => (e.type === 'call.ringing' ? [e.agentId] : [])));
    expect([...rang].sort()).toEqual(['2001', '2002', '2003', '2004']);
    expect(ended()).toMatchObject({ direction: 'inbound', queue: 'support', answered: true });
    expect(['+79035551234', expect.stringMatching(/^\+79\d{9}$/)]).toContainEqual(ended()!.from.e164);
    expect(readdirSync(dir)).toEqual([expect.stringMatching(/\.wav$/)]);
  });

  it('click-to-call plays the recorded outbound call with this operator and this number', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'zv-demo-'));
    demo = new DemoTelephony({
      kind: 'demo',
      extensions: async () => ['2001'],
      knownNumbers: async () => [],
      recordingsDir: dir,
      firstCallSeconds: 600,
      stretch: 0.2,
    });
    const events: TelephonyEvent[] = [];
    demo.onEvent((e) => events.push(e));
    await demo.start();
    await demo.originate({ agentExtension: '2002', destination: '8 (903) 555-00-11', requestId: 'r1' });
    const ended = () => events.find((e): e is Extract<CallEvent, { type: 'call.ended' }> => e.type === 'call.ended');
    await expect.poll(ended, { timeout: 10_000 }).toBeTruthy();
    expect(ended()).toMatchObject({ direction: 'outbound', answered: true, agentId: '2002' });
    expect(ended()!.to.e164).toBe('+79035550011');
  });
});
