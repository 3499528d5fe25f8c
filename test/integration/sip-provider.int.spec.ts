/**
 * The SIP front (drachtio-srf) on the REAL drachtio-server of the global setup: sipp plays the trunk, calling
 * drachtio's SIP port, and sipp UASes play the operators' phones on the reference profile's phone ports (registered
 * with the provider, so it reaches each at its own port). The scenarios' expected normalized sequences come from
 * test/support/telephony/contract-scenarios.ts. Frame-level faults of the admin connection, which only a scripted peer
 * can produce, are in sip-provider-wire-faults.int.spec.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { projectCall } from '@server/common/calls/call-projection';
import { CONTRACT_SCENARIOS, mismatches } from '@test/support/telephony/contract-scenarios';
import type { SipProviderConfig } from '@telephony/sip/sip-provider';
import { makeServiceDir } from '@test/support/services/service-process';
import { freePort } from '@test/support/services/ports';
import {
  DRACHTIO,
  LiveSip,
  callSipFront,
  liveMedia,
  phoneRegistrations,
  plugSipPhone,
  requireSipFront,
} from '@test/support/sip-live';
import { SlowReaderProxy } from '@test/support/slow-reader-proxy';
import { PHONE_PORTS, startUas, TRUNK_PORT, type Phone } from '@test/support/sipp';

/** The caller scenarios the SIP fixtures were recorded from, relative to test/sipp/. */
const CALLER = '../fixtures/sip/scenarios/';

describe('SIP front on the real drachtio-server: sipp trunk → SipProvider → sipp phones', () => {
  let sip: LiveSip | undefined;
  let phones: Phone[] = [];
  let wavDir: string;

  beforeAll(() => {
    requireSipFront();
    wavDir = makeServiceDir('sip-wav');
  });
  afterEach(async () => {
    await Promise.all(phones.map((p) => p.stop()));
    phones = [];
    await sip?.stop();
    sip = undefined;
  });

  async function start(overrides: Partial<SipProviderConfig> = {}): Promise<LiveSip> {
    sip = await new LiveSip({
      route: () => Promise.resolve({ agentExtension: '1001' }),
      registrations: await phoneRegistrations(),
      backoff: { initialDelayMs: 50, maxDelayMs: 400 },
      ...liveMedia(wavDir),
      ...overrides,
    }).start();
    return sip;
  }
  async function phone(extension: string, scenario: string): Promise<void> {
    phones.push(await plugSipPhone(extension, scenario));
  }
  async function call(scenario: string, expectOk = true) {
    const result = await callSipFront(`${CALLER}${scenario}`, { service: '7000', timeoutMs: 20_000 });
    if (expectOk) expect(result, result.stderr).toMatchObject({ code: 0, timedOut: false });
    return result;
  }

  it('answered: created → ringing → answered → ended normal-clearing with talk time; both legs hung up', async () => {
    const live = await start();
    await phone('1001', 'uas-operator-answer.xml');
    await call('uac-answered-expect-200.xml');
    const events = await live.endedCall();
    expect(mismatches(events, CONTRACT_SCENARIOS.answered)).toEqual([]);
    expect(events[0]).toMatchObject({
      source: 'sip',
      direction: 'inbound',
      from: { e164: '+79161234567', name: 'Ivan Petrov' },
    });
    // the caller hangs up 2 s after the answer
    expect(events.at(-1)).toMatchObject({ type: 'call.ended', answered: true });
    expect((events.at(-1) as { talkSeconds: number }).talkSeconds).toBeGreaterThanOrEqual(2);
    expect(live.provider.activeCallCount()).toBe(0);
    // rtpengine anchored and recorded it: a WAV of the talk time, with the phone's audio in it, just before the end
    expect(events.map((e) => e.type).slice(-2)).toEqual(['recording.ready', 'call.ended']);
    const wav = readFileSync((events.at(-2) as { file: string }).file);
    expect(wav.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(wav.readUInt32LE(24)).toBe(8000);
    const seconds = wav.readUInt32LE(40) / 2 / 8000;
    expect(seconds).toBeGreaterThan(1.5);
    expect(seconds).toBeLessThan(3);
    const loud = Array.from({ length: (wav.length - 44) / 2 }, (_, i) => Math.abs(wav.readInt16LE(44 + i * 2)));
    expect(Math.max(...loud)).toBeGreaterThan(1000);
    await live.provider.stop();
    expect(live.events.at(-1)).toMatchObject({ type: 'provider.down', reason: 'stopped' });
  });

  it("missed: the operator's phone is busy (486) → ring-stopped, ended busy, and the caller gets 486", async () => {
    const live = await start();
    await phone('1001', 'uas-operator-busy.xml');
    await call('uac-missed-expect-486.xml'); // sipp itself checks the 486
    const events = await live.endedCall();
    expect(mismatches(events, CONTRACT_SCENARIOS.missed)).toEqual([]);
    expect(events.at(-1)).toMatchObject({ rawCause: 'SIP 486', talkSeconds: 0 });
  });

  it('abandoned: the caller CANCELs while the phone rings → ended cancel, abandoned; 487 to the caller', async () => {
    const live = await start();
    await phone('1001', 'uas-operator-ring.xml');
    await call('uac-abandoned-expect-487.xml');
    const events = await live.endedCall();
    expect(mismatches(events, CONTRACT_SCENARIOS.abandoned)).toEqual([]);
  });

  it('withheld (Privacy: id): an anonymous party, and the route hook is asked with null', async () => {
    const asked: Array<string | null> = [];
    const live = await start({
      route: (from) => {
        asked.push(from);
        return Promise.resolve({ agentExtension: '1001' });
      },
    });
    await phone('1001', 'uas-operator-answer.xml');
    await call('uac-withheld-expect-200.xml');
    const events = await live.endedCall();
    expect(mismatches(events, CONTRACT_SCENARIOS.withheld)).toEqual([]);
    expect(asked).toEqual([null]);
    expect(events[0]!.from).toMatchObject({ anonymous: true, e164: null, name: null });
  });

  it("hold/resume from the caller: call.held, call.resumed, and both re-INVITEs reach the operator's phone", async () => {
    await holdAndResume(await start());
  });

  /** The caller holds and resumes (uac-hold): both re-INVITEs reach the operator's phone, both are reported. */
  async function holdAndResume(live: LiveSip): Promise<void> {
    const trace = await tracedPhone('1001', 'uas-operator-reinvite.xml');
    await call('uac-hold-expect-200.xml');
    const events = await live.endedCall();
    expect(events.map((e) => e.type)).toEqual([
      'call.created',
      'call.ringing',
      'call.answered',
      'call.held',
      'call.resumed',
      'recording.ready',
      'call.ended',
    ]);
    expect(events.at(-1)).toMatchObject({ cause: 'normal-clearing', answered: true });
    const received = readFileSync(trace, 'utf8');
    const invites = received.split(/\r?\n/).filter((l) => /^INVITE sip:/.test(l));
    expect(invites).toHaveLength(3);
    expect(received).toMatch(/a=sendonly/);
  }

  describe("a node slow to read: drachtio's messages held until quiet, then handed over in one read", () => {
    let proxy: SlowReaderProxy | undefined;
    afterEach(async () => {
      await proxy?.stop();
      proxy = undefined;
    });
    /** The provider behind the proxy: the confirmation of the caller's 200 comes in the read that brings the
     * caller's next request, so srf handles that request before the provider has its listeners on the dialog. */
    async function startSlow(): Promise<LiveSip> {
      proxy = await SlowReaderProxy.start({ host: DRACHTIO.host, port: DRACHTIO.adminPort });
      return start({ port: proxy.port });
    }

    it('a hold sent with the ACK still reaches the operator and is reported (srf had answered it alone)', async () => {
      await holdAndResume(await startSlow());
    });

    it('a BYE sent with the ACK ends the call, and the operator is hung up (srf had only closed the dialog)', async () => {
      const live = await startSlow();
      await phone('1001', 'uas-operator-answer.xml');
      await call('uac-withheld-expect-200.xml');
      const events = await live.endedCall();
      expect(mismatches(events, CONTRACT_SCENARIOS.withheld)).toEqual([]);
      await live.until(() => (live.provider.activeCallCount() === 0 ? true : undefined), 'no active call');
    });
  });

  /** A phone whose every SIP message is logged (sipp `-trace_msg`), to read what the SIP front sent it. */
  async function tracedPhone(extension: string, scenario: string): Promise<string> {
    const trace = join(makeServiceDir('sipp-trace'), `${extension}.log`);
    phones.push(await startUas(scenario, PHONE_PORTS[extension]!, extension, ['-trace_msg', '-message_file', trace]));
    return trace;
  }

  it('blind transfer: 1001 REFERs to 1002 → transferred, 1002 rings and is bridged, caller stays on', async () => {
    const live = await start();
    const transferor = await tracedPhone('1001', 'uas-operator-refer-blind.xml');
    await phone('1002', 'uas-operator-answer.xml');
    const result = await callSipFront('uac-contract-transfer-expect-200.xml', { service: '7000', timeoutMs: 30_000 });
    expect(result, result.stderr).toMatchObject({ code: 0, timedOut: false });
    const events = await live.endedCall();
    expect(mismatches(events, CONTRACT_SCENARIOS.transfer)).toEqual([]);
    expect(events.filter((e) => e.type === 'call.ringing').map((e) => e.agentId)).toEqual(['1001', '1002']);
    // RFC 3515 progress to the transferor, in its REFER's dialog, before the BYE that releases it.
    expect(notifiesIn(readFileSync(transferor, 'utf8'))).toEqual(['100 Trying (active)', '200 OK (terminated)']);
  });

  it('blind transfer to a busy phone: the transferor is told 100 Trying, then 486 Busy Here; the call ends busy', async () => {
    const live = await start();
    const transferor = await tracedPhone('1001', 'uas-operator-refer-blind.xml');
    await phone('1002', 'uas-operator-busy.xml');
    const caller = await callSipFront('uac-direct-callee-hangup-expect-200.xml', {
      service: '7000',
      timeoutMs: 30_000,
      extraArgs: ['-key', 'caller', '+74957770201'],
    });
    expect(caller, caller.stderr).toMatchObject({ code: 0, timedOut: false });
    const events = await live.endedCall();
    expect(events.at(-1)).toMatchObject({ type: 'call.ended', cause: 'busy', answered: true });
    expect(notifiesIn(readFileSync(transferor, 'utf8'))).toEqual(['100 Trying (active)', '486 Busy Here (terminated)']);
  });

  it('attended transfer: 1001 consults 1003, then REFERs with Replaces → 1003 bridged to the caller, one call', async () => {
    const live = await start();
    const transferor = await tracedPhone('1001', 'uas-operator-refer-attended.xml');
    await phone('1003', 'uas-operator-answer-reinvite.xml');
    const caller = callSipFront('uac-contract-transfer-expect-200.xml', { service: '7000', timeoutMs: 30_000 });
    await live.until(() => live.callEvents().find((e) => e.type === 'call.answered'), 'call.answered');
    // 1001's other half: its consultation call to 1003, with the Call-ID its REFER names.
    const consult = await callSipFront('uac-consult-expect-200.xml', {
      service: '1003',
      localPort: 5075,
      timeoutMs: 30_000,
      extraArgs: ['-cid_str', 'consult-1001-%u@%s'],
    });
    expect(consult, consult.stderr).toMatchObject({ code: 0, timedOut: false });
    const result = await caller;
    expect(result, result.stderr).toMatchObject({ code: 0, timedOut: false });
    const events = await live.endedCall();
    // The consultation is part of the customer's call (as AMI folds the consult leg in): no second call.
    expect(new Set(live.callEvents().map((e) => e.callId)).size).toBe(1);
    expect(
      events
        .filter((e) => e.type !== 'call.ring-stopped' && e.type !== 'recording.ready')
        .map((e) => `${e.type}${e.agentId && e.type !== 'call.ended' ? `@${e.agentId}` : ''}`),
    ).toEqual([
      'call.created',
      'call.ringing@1001',
      'call.answered@1001',
      'call.ringing@1003',
      'call.bridged@1003',
      'call.transferred@1003',
      'call.ended',
    ]);
    expect(events.find((e) => e.type === 'call.transferred')).toMatchObject({
      kind: 'attended',
      fromAgentId: '1001',
      agentId: '1003',
    });
    expect(events.at(-1)).toMatchObject({ cause: 'normal-clearing', answered: true, agentId: '1003' });
    expect(projectCall(events)).toMatchObject({
      disposition: 'answered',
      agentExtension: '1003',
      handledBy: ['1001', '1003'],
    });
    // Recorded across the transfer, like MixMonitor on the customer's channel.
    expect(events.filter((e) => e.type === 'recording.ready')).toHaveLength(1);
    expect(notifiesIn(readFileSync(transferor, 'utf8'))).toEqual(['100 Trying (active)', '200 OK (terminated)']);
  });

  it('a REFER whose Replaces names no consultation of ours → 481, and the call stays with 1001', async () => {
    const live = await start();
    const trace = join(makeServiceDir('sipp-trace'), 'operator.log');
    phones.push(
      await startUas('uas-operator-refer-attended.xml', PHONE_PORTS['1001']!, '1001', [
        '-trace_msg',
        '-message_file',
        trace,
      ]),
    );
    // No consultation is made: the REFER's Replaces names a dialog the SIP front does not know.
    await callSipFront('uac-contract-transfer-expect-200.xml', { service: '7000', timeoutMs: 30_000 });
    const events = await live.endedCall();
    expect(readFileSync(trace, 'utf8')).toMatch(/^SIP\/2\.0 481 /m);
    expect(events.filter((e) => e.type === 'call.transferred' || e.type === 'call.bridged')).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: 'call.ended', answered: true, agentId: '1001' });
  });

  it('click-to-call: the operator answers an INVITE without SDP, then the customer is dialled; recorded', async () => {
    const live = await start({ trunkUri: 'sip:{number}@127.0.0.1:5090' });
    const trace = join(makeServiceDir('sipp-trace'), 'outside.log');
    await phone('1001', 'uas-operator-answer.xml');
    phones.push(
      await startUas('uas-outside-answer.xml', TRUNK_PORT, 'outside', ['-trace_msg', '-message_file', trace]),
    );
    await live.provider.originate({ agentExtension: '1001', destination: '8 916 123-45-67', requestId: 'c2c-sip' });
    // resolved once the operator answered: the customer is dialled only now
    const events = await live.endedCall();
    expect(events.map((e) => `${e.type}${e.agentId && e.type !== 'call.ended' ? `@${e.agentId}` : ''}`)).toEqual([
      'call.created',
      'call.ringing@1001',
      'call.ring-stopped@1001',
      'call.answered@1001',
      'recording.ready@1001',
      'call.ended',
    ]);
    expect(events.at(-1)).toMatchObject({ direction: 'outbound', cause: 'normal-clearing', answered: true });
    expect(events[0]).toMatchObject({ from: { extension: '1001' }, to: { e164: '+79161234567' } });
    expect(projectCall(events)).toMatchObject({
      direction: 'outbound',
      disposition: 'answered',
      agentExtension: '1001',
    });
    // the customer was offered rtpengine's address, not the operator phone's
    const invite = readFileSync(trace, 'utf8');
    expect(invite).toMatch(/^INVITE sip:89161234567@127\.0\.0\.1:5090/m);
    expect(invite).toMatch(/m=audio 30\d{3} /);
  });

  it('click-to-call refused: no trunk configured, or the operator does not answer', async () => {
    const live = await start();
    await expect(
      live.provider.originate({ agentExtension: '1001', destination: '89161234567', requestId: 'c2c-none' }),
    ).rejects.toMatchObject({ code: 'ACTION_FAILED', message: expect.stringMatching(/no trunkUri/) });
    await live.stop();
    const busy = await start({ trunkUri: 'sip:{number}@127.0.0.1:5090' });
    await phone('1001', 'uas-operator-busy.xml');
    await expect(
      busy.provider.originate({ agentExtension: '1001', destination: '89161234567', requestId: 'c2c-busy' }),
    ).rejects.toMatchObject({
      code: 'ACTION_FAILED',
      message: expect.stringMatching(/1001 did not answer \(SIP 486\)/),
    });
    expect((await busy.endedCall()).at(-1)).toMatchObject({ direction: 'outbound', cause: 'busy', answered: false });
  });

  it('no route: the caller gets 404 and the call ends not-found', async () => {
    const live = await start({ route: () => Promise.resolve(null) });
    const result = await call('uac-answered-expect-200.xml', false);
    expect(result.stdout + result.stderr).toMatch(/404/);
    const events = await live.endedCall();
    expect(events.map((e) => e.type)).toEqual(['call.created', 'call.ended']);
    expect(events.at(-1)).toMatchObject({ cause: 'not-found', rawCause: 'NO_ROUTE' });
  });

  it('wrong secret: a clear provider.down, retried with backoff, and stop() ends the retries', async () => {
    const live = new LiveSip({
      route: () => Promise.resolve(null),
      secret: 'not-the-secret',
      backoff: { initialDelayMs: 50, maxDelayMs: 200 },
    });
    sip = live;
    await live.provider.start();
    expect(live.provider.isUp()).toBe(false);
    const down = live.events.filter((e) => e.type === 'provider.down');
    expect(down).toHaveLength(1);
    expect((down[0] as { reason: string }).reason).toMatch(
      /authentication failed.*refused the secret.*DRACHTIO_SECRET/,
    );
    const refused = () => live.diagnostics.filter((d) => d.includes('refused the secret')).length;
    await live.until(() => (refused() >= 3 ? true : undefined), '3 refused attempts', 5000);
    // one provider.down for the whole failing streak, not one per attempt
    expect(live.events.filter((e) => e.type === 'provider.down')).toHaveLength(1);
    await live.stop();
    const after = refused();
    await new Promise((r) => setTimeout(r, 500));
    expect(refused()).toBe(after);
  });

  it('drachtio unreachable at start: start() resolves, provider.down with the socket error, no crash', async () => {
    const port = await freePort();
    expect(port).not.toBe(DRACHTIO.adminPort);
    const live = new LiveSip({ route: () => Promise.resolve(null), port });
    sip = live;
    await live.provider.start();
    expect(live.provider.isUp()).toBe(false);
    expect(live.events).toEqual([
      expect.objectContaining({ type: 'provider.down', reason: expect.stringMatching(/ECONNREFUSED/) }),
    ]);
  });
});

/** The NOTIFYs a sipp phone received (its `-trace_msg` log), as `<sipfrag status line> (<subscription state>)`. */
function notifiesIn(trace: string): string[] {
  return trace
    .split(/^-{20,}.*$/m)
    .filter((block) => /message received/.test(block) && /^NOTIFY /m.test(block))
    .map((block) => {
      expect(block).toMatch(/^Event:\s*refer/im);
      expect(block).toMatch(/^Content-Type:\s*message\/sipfrag/im);
      const frag = /^SIP\/2\.0 (\d{3}[^\r\n]*)/m.exec(block)?.[1];
      const state = /^Subscription-State:\s*([a-z]+)/im.exec(block)?.[1];
      return `${frag} (${state})`;
    });
}
