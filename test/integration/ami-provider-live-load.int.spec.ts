import { rm } from 'node:fs/promises';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type CallEnded, type CallEvent } from '@telephony';
import { expectRecordingWithAudio, expectWellFormed, LiveAmi, recordingOnHost, until } from '@test/support/ami-live';
import { runSipp } from '@test/support/sipp';

// 100 concurrent calls through the real Asterisk 22 (DID 7099: Asterisk answers, records and echoes, 3 s each),
// driven by sipp at 50 calls/s: every call must be reported, and end exactly once with the right disposition.
const CALLS = 100;
const LOAD_CALLER = /^\+7999000(\d+)$/;

describe('AMI provider against live Asterisk 22: 100 concurrent calls (sipp load)', () => {
  let ami: LiveAmi;
  const files: string[] = [];

  beforeAll(async () => {
    ami = await LiveAmi.start();
  });
  afterAll(async () => {
    await ami?.stop();
    // 100 recordings of echo are of no use to anyone afterwards.
    await Promise.all(files.map((f) => rm(recordingOnHost(f), { force: true })));
  });

  it('every call is created once and ends once: answered by the PBX, normal clearing, ~3 s talk, recorded', async () => {
    const mark = ami.mark();
    const started = Date.now();
    const sipp = await runSipp('uac-load-echo-expect-200.xml', {
      service: '7099',
      calls: CALLS,
      limit: CALLS,
      rate: 50,
      timeoutMs: 40_000,
    });
    expect(sipp, sipp.stderr).toMatchObject({ code: 0, timedOut: false, successful: CALLS, failed: 0 });
    const ofLoad = () => ami.received.slice(mark).filter((r) => LOAD_CALLER.test(r.event.from.raw));
    const endedCount = () => ofLoad().filter((r) => r.event.type === 'call.ended').length;
    await until(() => (endedCount() >= CALLS ? true : undefined), `${CALLS} call.ended`, 15_000);
    await new Promise((r) => setTimeout(r, 1000)); // a duplicate end or a late event would show up now
    const elapsedMs = Date.now() - started;

    const byCall = new Map<string, { events: CallEvent[]; at: number[] }>();
    for (const r of ofLoad()) {
      const entry = byCall.get(r.event.callId) ?? { events: [], at: [] };
      entry.events.push(r.event);
      entry.at.push(r.at);
      byCall.set(r.event.callId, entry);
    }
    expect(byCall.size).toBe(CALLS);
    // One call per sipp call number, none merged into another.
    const callers = new Set([...byCall.values()].map((c) => c.events[0]!.from.raw));
    expect(callers.size).toBe(CALLS);

    let peak = 0;
    const edges: Array<[number, number]> = [];
    for (const { events, at } of byCall.values()) {
      expectWellFormed(events);
      const ended = events.at(-1) as CallEnded;
      expect(ended).toMatchObject({ cause: 'normal-clearing', answered: true, abandoned: false, to: { raw: '7099' } });
      // Answered by the PBX (echo), not by an operator: no call.answered, no agent, but an answered end.
      expect(ended.agentId).toBeUndefined();
      expect(events.some((e) => e.type === 'call.answered')).toBe(false);
      expect(Math.abs(ended.talkSeconds - 3)).toBeLessThanOrEqual(1);
      const recording = events.find((e) => e.type === 'recording.ready');
      expect(recording?.type).toBe('recording.ready');
      if (recording?.type === 'recording.ready') files.push(recording.file);
      edges.push([at[0]!, 1], [at.at(-1)!, -1]);
    }
    // They really overlapped: count calls open at once, by our receipt of created/ended.
    let open = 0;
    for (const [, d] of edges.sort((a, b) => a[0] - b[0] || a[1] - b[1])) peak = Math.max(peak, (open += d));
    expect(peak).toBeGreaterThanOrEqual(80);
    for (const f of files) await expectRecordingWithAudio(f);
    expect(elapsedMs).toBeLessThan(60_000);
    console.log(`[ami-live] load: ${CALLS} calls, peak ${peak} open at once, ${elapsedMs} ms until all ended`);
  });
});
