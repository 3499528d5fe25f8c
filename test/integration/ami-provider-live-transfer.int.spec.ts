import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type CallEvent, type CallTransferred } from '@telephony';
import { projectCall } from '@server/common/calls/call-projection';
import { expectRecordingWithAudio, expectWellFormed, LiveAmi, plugPhone, type Received } from '@test/support/ami-live';
import { PHONE_PORTS, runSipp, startUas, TRUNK_PORT, type Phone } from '@test/support/sipp';

// Transfers and click-to-call on the real Asterisk 22 (reference profile), driven by sipp phones: the scenarios
// the unit specs otherwise only prove by replaying recorded traces (test/fixtures/ami/22/transfer-*, click-to-call).
const types = (events: readonly CallEvent[]) => events.map((e) => e.type);
const ofType = <T extends CallEvent['type']>(events: readonly CallEvent[], type: T) =>
  events.filter((e): e is Extract<CallEvent, { type: T }> => e.type === type);

/** Our wall-clock wait (created → answered) against the provider's PBX-clock waitSeconds: within 1 s. */
function expectWaitMatchesWallClock(received: readonly Received[], waitSeconds: number): void {
  const created = received.find((r) => r.event.type === 'call.created');
  const answered = received.find((r) => r.event.type === 'call.answered');
  expect(created && answered).toBeTruthy();
  expect(Math.abs(waitSeconds - ((answered?.at ?? 0) - (created?.at ?? 0)) / 1000)).toBeLessThanOrEqual(1);
}

async function withPhones<T>(phones: Array<[string, string]>, run: () => Promise<T>): Promise<T> {
  const plugged: Phone[] = [];
  try {
    for (const [ext, scenario] of phones) plugged.push(await plugPhone(ext, scenario));
    return await run();
  } finally {
    await Promise.all(plugged.map((p) => p.stop()));
  }
}

/** Times (ms since epoch) at which a sipp UAS received each INVITE, from its -trace_msg log. */
async function inviteTimes(messageFile: string): Promise<number[]> {
  const log = await readFile(messageFile, 'utf8');
  const times: number[] = [];
  // Each entry starts "----…--- YYYY-MM-DD HH:MM:SS.uuuuuu" followed by "UDP message received" and the message.
  for (const m of log.matchAll(
    /-{10,} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)\s+UDP message received[^\n]*\n+INVITE /g,
  )) {
    times.push(Date.parse(`${m[1]!.replace(' ', 'T').slice(0, 23)}`));
  }
  return times;
}

describe('AMI provider against live Asterisk 22: transfers and click-to-call (sipp)', () => {
  let ami: LiveAmi;

  beforeAll(async () => {
    ami = await LiveAmi.start();
  });
  afterAll(async () => {
    await ami?.stop();
  });

  it('blind transfer 1001 → 1002 (REFER): the call follows to 1002, one record, recording with audio', async () => {
    await ami.waitIdle('1001', '1002');
    const mark = ami.mark();
    const outcome = await withPhones(
      [
        ['1001', 'uas-operator-refer-blind.xml'],
        ['1002', 'uas-operator-answer.xml'],
      ],
      async () => {
        const sipp = await runSipp('uac-transfer-blind-expect-200.xml', { service: '7001', timeoutMs: 30_000 });
        expect(sipp, sipp.stderr).toMatchObject({ code: 0, timedOut: false });
        return ami.call(mark, (e) => e.from.e164 === '+79161234599', 'blind transfer');
      },
    );
    const { events, ended } = outcome;
    expectWellFormed(events);
    // created → ringing 1001 → answered 1001 → transferred(blind 1001→1002) → ringing 1002 → bridged 1002 → … ended
    const order = types(events).filter((t) => t !== 'recording.ready' && t !== 'call.ring-stopped');
    expect(order).toEqual([
      'call.created',
      'call.ringing',
      'call.answered',
      'call.transferred',
      'call.ringing',
      'call.bridged',
      'call.ended',
    ]);
    expect(ofType(events, 'call.ringing').map((e) => e.agentId)).toEqual(['1001', '1002']);
    expect(ofType(events, 'call.answered')).toEqual([expect.objectContaining({ agentId: '1001' })]);
    expect(ofType(events, 'call.transferred')).toEqual([
      expect.objectContaining<Partial<CallTransferred>>({ kind: 'blind', fromAgentId: '1001', agentId: '1002' }),
    ]);
    expect(ofType(events, 'call.bridged').map((e) => e.agentId)).toEqual(['1002']);
    expect(ended).toMatchObject({
      cause: 'normal-clearing',
      answered: true,
      abandoned: false,
      agentId: '1002',
      from: { e164: '+79161234599' },
    });
    // The caller stays 10 s after its ACK; the talk time counts from the first answer, transfer included.
    expect(Math.abs(ended.talkSeconds - 10)).toBeLessThanOrEqual(1);
    expectWaitMatchesWallClock(outcome.received, ended.waitSeconds);

    const record = projectCall(events);
    expect(record).toMatchObject({
      status: 'ended',
      direction: 'inbound',
      disposition: 'answered',
      agentExtension: '1002',
      handledBy: ['1001', '1002'],
      fromE164: '+79161234599',
      hangupCause: 'normal-clearing',
    });
    const recordings = ofType(events, 'recording.ready');
    expect(recordings.length).toBeGreaterThan(0);
    expect(record?.recordingFile).toBe(recordings.at(-1)?.file);
    for (const r of recordings) await expectRecordingWithAudio(r.file);
    console.log(`[ami-live] blind transfer: talk ${ended.talkSeconds}s; ${types(events).join(' → ')}`);
  });

  it('attended transfer 1001 → 1003 (*2): consult, then the caller is bridged to 1003; one record with audio', async () => {
    await ami.waitIdle('1001', '1003');
    const mark = ami.mark();
    const outcome = await withPhones(
      [
        ['1001', 'uas-operator-atxfer.xml'],
        ['1003', 'uas-operator-answer.xml'],
      ],
      async () => {
        const sipp = await runSipp('uac-transfer-attended-expect-200.xml', { service: '7001', timeoutMs: 40_000 });
        expect(sipp, sipp.stderr).toMatchObject({ code: 0, timedOut: false });
        return ami.call(mark, (e) => e.from.e164 === '+79161234598', 'attended transfer', 30_000);
      },
    );
    const { events, ended } = outcome;
    expectWellFormed(events);
    // The consultation call (1001 → 1003) shares the customer's Linkedid, so it folds into this one call: no second
    // call.created. 1001 holds the customer, 1003 rings and answers the consult, then joins the customer's bridge.
    const main = types(events).filter((t) => t !== 'recording.ready' && t !== 'call.ring-stopped');
    expect(main).toEqual([
      'call.created',
      'call.ringing',
      'call.answered',
      'call.held',
      'call.ringing',
      'call.bridged',
      'call.transferred',
      'call.ended',
    ]);
    expect(ofType(events, 'call.ringing').map((e) => e.agentId)).toEqual(['1001', '1003']);
    expect(ofType(events, 'call.answered')).toEqual([expect.objectContaining({ agentId: '1001' })]);
    expect(ofType(events, 'call.transferred')).toEqual([
      expect.objectContaining({ kind: 'attended', fromAgentId: '1001', agentId: '1003' }),
    ]);
    expect(ofType(events, 'call.bridged').map((e) => e.agentId)).toEqual(['1003']);
    expect(ended).toMatchObject({ cause: 'normal-clearing', answered: true, agentId: '1003' });
    // The caller hangs up 16 s after its ACK.
    expect(Math.abs(ended.talkSeconds - 16)).toBeLessThanOrEqual(1);
    expectWaitMatchesWallClock(outcome.received, ended.waitSeconds);
    // No other call appeared meanwhile (the consult leg must not become a call of its own).
    const others = ami.received.slice(mark).filter((r) => r.event.callId !== outcome.callId);
    expect(others.map((r) => `${r.event.type} ${r.event.from.raw}`)).toEqual([]);

    const record = projectCall(events);
    expect(record).toMatchObject({
      status: 'ended',
      disposition: 'answered',
      agentExtension: '1003',
      handledBy: ['1001', '1003'],
      fromE164: '+79161234598',
    });
    expect(record?.holdSeconds).toBeGreaterThan(0);
    const recordings = ofType(events, 'recording.ready');
    expect(recordings.length).toBeGreaterThan(0);
    for (const r of recordings) await expectRecordingWithAudio(r.file);
    console.log(`[ami-live] attended transfer: talk ${ended.talkSeconds}s; ${types(events).join(' → ')}`);
  });

  it('click-to-call via provider.originate: 1001 rings first, then the outside party; outbound, one record', async () => {
    await ami.waitIdle('1001');
    const dir = join(tmpdir(), `zv-c2c-${process.pid}`);
    const operatorLog = `${dir}-operator.log`;
    const outsideLog = `${dir}-outside.log`;
    const operator = await startUas('uas-operator-answer.xml', PHONE_PORTS['1001']!, '1001', [
      '-trace_msg',
      '-message_file',
      operatorLog,
    ]);
    const outside = await startUas('uas-outside-answer.xml', TRUNK_PORT, 'outside', [
      '-trace_msg',
      '-message_file',
      outsideLog,
    ]);
    const mark = ami.mark();
    try {
      await ami.provider.originate({ agentExtension: '1001', destination: '8 916 123-45-67', requestId: 'c2c-live' });
      // Resolves on OriginateResponse Success, i.e. once the operator answered.
      const originatedAt = Date.now();
      const outcome = await ami.call(mark, (e) => e.direction === 'outbound', 'click-to-call', 20_000);
      const { events, ended } = outcome;
      expectWellFormed(events, 'outbound');
      expect(ofType(events, 'call.ringing').map((e) => e.agentId)).toEqual(['1001']);
      const answered = ofType(events, 'call.answered');
      expect(answered).toEqual([expect.objectContaining({ agentId: '1001', direction: 'outbound' })]);
      expect(types(events).indexOf('call.ringing')).toBeLessThan(types(events).indexOf('call.answered'));
      expect(ended).toMatchObject({ cause: 'normal-clearing', answered: true, abandoned: false, agentId: '1001' });
      expect(ended.to.e164).toBe('+79161234567');
      // The outside party talks 4 s and hangs up.
      expect(Math.abs(ended.talkSeconds - 4)).toBeLessThanOrEqual(1);
      expectWaitMatchesWallClock(outcome.received, ended.waitSeconds);
      const record = projectCall(events);
      expect(record).toMatchObject({
        direction: 'outbound',
        status: 'ended',
        disposition: 'answered',
        agentExtension: '1001',
        toE164: '+79161234567',
      });
      for (const r of ofType(events, 'recording.ready')) await expectRecordingWithAudio(r.file);
      expect(record?.recordingFile).not.toBeNull();

      // Order on the wire: the operator's phone got its INVITE before the outside party, which was only dialled
      // after the operator answered (originate resolved).
      await Promise.all([operator.stop(), outside.stop()]);
      const opInvites = await inviteTimes(operatorLog);
      const outInvites = await inviteTimes(outsideLog);
      expect(opInvites).toHaveLength(1);
      expect(outInvites).toHaveLength(1);
      expect(opInvites[0]!).toBeLessThan(outInvites[0]!);
      expect(outInvites[0]! - opInvites[0]!).toBeGreaterThanOrEqual(900); // the operator's phone rings 1 s
      expect(outInvites[0]!).toBeGreaterThanOrEqual(originatedAt - 500);
    } finally {
      await Promise.all([operator.stop(), outside.stop()]);
      await rm(operatorLog, { force: true });
      await rm(outsideLog, { force: true });
    }
  });
});
