/**
 * The provider contract: the same scenarios — answered, busy, no answer, abandoned, blind transfer, attended transfer
 * made by the operator's phone (hold, its own consultation call, REFER with Replaces), withheld (From
 * anonymous, and the carriers' P-Asserted-Identity + `Privacy: id` form of issue #14), 8-prefixed, click-to-call —
 * run, driven by the same sipp scenarios (caller and phones), against
 * - the AMI provider on the REAL Asterisk 22 of the reference profile, and
 * - the SIP front: the SIP provider on the REAL drachtio-server with its media anchored and recorded by the real
 *   rtpengine (test/global-setup.ts).
 * Both must conform to test/support/telephony/contract-scenarios.ts, give the same normalized event sequence —
 * `recording.ready` included: both record every answered call — and fold (the server's call projection) into the
 * same stored call record.
 *
 * Normalization — where the providers legitimately differ, and why it is not part of the contract:
 * - Queues are avoided: both sides are called on direct DID 7001 (Dial on Asterisk, the route hook's operator on
 *   the SIP front); on queue DID 7000 AMI would add `queue: support` and ring/stop every member.
 * - Timing (occurredAt, wait/talk seconds), ids, raw causes and the recording's file name differ by nature and are
 *   not compared.
 * Run it under `flock /tmp/zv-live.lock` (it places calls through the shared Asterisk).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { projectCall, type CallProjection } from '@server/common/calls/call-projection';
import { type CallEnded, type CallEvent } from '@telephony';
import { CONTRACT_SCENARIOS, mismatches, type ContractScenarioName } from '@test/support/telephony/contract-scenarios';
import { expectWellFormed, LiveAmi, PJSIP_AUTH_FILE, plugPhone } from '@test/support/ami-live';
import { AmiProbe } from '@test/support/live-app';
import { makeServiceDir } from '@test/support/services/service-process';
import {
  LiveSip,
  callSipFront,
  liveMedia,
  phoneRegistrations,
  plugSipPhone,
  requireSipFront,
} from '@test/support/sip-live';
import { runSipp, startUas, TRUNK_PORT, type Phone } from '@test/support/sipp';
/** 1001's digest secret on Asterisk while the suite runs (its phone authenticates its consultation call). */
const CONSULT_SECRET = 'contract-consult-0123456789';

/** The caller scenarios the SIP fixtures were recorded from, relative to test/sipp/. */
const SIP_SCENARIOS = '../fixtures/sip/scenarios/';

/** Provider-neutral view of one call: what the contract compares across providers. */
interface Normalized {
  sequence: string[];
  outcome: {
    direction: string;
    answered: boolean;
    abandoned: boolean;
    cause: string;
    fromE164: string | null;
    anonymous: boolean;
    agentId: string | null;
  };
}

function normalize(events: readonly CallEvent[]): Normalized {
  const ended = events.find((e): e is CallEnded => e.type === 'call.ended');
  if (!ended) throw new Error(`no call.ended in [${events.map((e) => e.type).join(', ')}]`);
  return {
    sequence: events.map((e) => {
      const extra = e.type === 'call.transferred' ? `:${e.kind}:${e.fromAgentId ?? ''}` : '';
      return `${e.type}${e.agentId && e.type !== 'call.ended' ? `@${e.agentId}` : ''}${extra}`;
    }),
    outcome: {
      direction: ended.direction,
      answered: ended.answered,
      abandoned: ended.abandoned,
      cause: ended.cause,
      fromE164: ended.from.e164,
      anonymous: ended.from.anonymous,
      agentId: ended.agentId ?? null,
    },
  };
}

// ------------------------------------------------------------------------------------------------ AMI side

interface AmiCase {
  /** The caller's scenario (test/sipp/), or none for click-to-call. */
  sipp?: string;
  /** Extension, its phone's scenario, and extra sipp arguments. */
  phones: Array<[string, string, string[]?]>;
  /** Click-to-call to this number instead of a caller; the customer answers as uas-outside-answer.xml. */
  originate?: string;
  timeoutMs?: number;
}

/** The customer behind the trunk for click-to-call, on the carrier port both sides dial out to. */
const startOutside = () => startUas('uas-outside-answer.xml', TRUNK_PORT, 'outside');

const AMI_CASES: Record<ContractScenarioName, AmiCase> = {
  answered: { sipp: `${SIP_SCENARIOS}uac-answered-expect-200.xml`, phones: [['1001', 'uas-operator-answer.xml']] },
  missed: { sipp: `${SIP_SCENARIOS}uac-missed-expect-486.xml`, phones: [['1001', 'uas-operator-busy.xml']] },
  abandoned: { sipp: `${SIP_SCENARIOS}uac-abandoned-expect-487.xml`, phones: [['1001', 'uas-operator-ring.xml']] },
  // Rings for ZV_RING_TIMEOUT (10 s) on Asterisk, `ringTimeoutMs` on the SIP front.
  noAnswer: {
    sipp: 'uac-direct-noanswer-expect-480.xml',
    phones: [['1001', 'uas-operator-ring.xml']],
    timeoutMs: 30_000,
  },
  // On Asterisk the transfer is the operator phone's REFER; the caller only stays on (same caller as the SIP fixture).
  transfer: {
    sipp: 'uac-contract-transfer-expect-200.xml',
    phones: [
      ['1001', 'uas-operator-refer-blind.xml'],
      ['1002', 'uas-operator-answer.xml'],
    ],
    timeoutMs: 30_000,
  },
  // 1001's phone makes its consultation itself: Asterisk challenges that INVITE (digest with 1001's secret, which
  // the suite provisions); the SIP front answers it without.
  attended: {
    sipp: 'uac-contract-transfer-expect-200.xml',
    phones: [
      ['1001', 'uas-operator-consult-transfer.xml', ['-au', '1001', '-ap', CONSULT_SECRET]],
      ['1003', 'uas-operator-answer-reinvite.xml'],
    ],
    timeoutMs: 30_000,
  },
  withheld: { sipp: `${SIP_SCENARIOS}uac-withheld-expect-200.xml`, phones: [['1001', 'uas-operator-answer.xml']] },
  'withheld-pai': {
    sipp: `${SIP_SCENARIOS}uac-withheld-pai-expect-200.xml`,
    phones: [['1001', 'uas-operator-answer.xml']],
  },
  ru8: { sipp: 'uac-ru8-queue-answered-expect-200.xml', phones: [['1001', 'uas-operator-answer.xml']] },
  clickToCall: { originate: '8 916 123-45-67', phones: [['1001', 'uas-operator-answer.xml']] },
};

async function runAmi(ami: LiveAmi, name: ContractScenarioName): Promise<CallEvent[]> {
  const c = AMI_CASES[name];
  const scenario = CONTRACT_SCENARIOS[name];
  const mark = ami.mark();
  const phones: Phone[] = [];
  const pick = (e: CallEvent) => e.from.anonymous === scenario.caller.anonymous && e.from.e164 === scenario.caller.e164;
  if (c.originate) {
    try {
      for (const [ext, file, args] of c.phones) phones.push(await plugPhone(ext, file, args));
      phones.push(await startOutside());
      await ami.provider.originate({ agentExtension: '1001', destination: c.originate, requestId: 'contract-c2c' });
      const { events } = await ami.call(mark, (e) => e.direction === 'outbound', `AMI ${name}`, 20_000);
      expectWellFormed(events, 'outbound');
      return events;
    } finally {
      await Promise.all(phones.map((p) => p.stop()));
    }
  }
  try {
    for (const [ext, file, args] of c.phones) phones.push(await plugPhone(ext, file, args));
    const sipp = await runSipp(c.sipp!, { service: '7001', timeoutMs: c.timeoutMs ?? 20_000 });
    expect(sipp, sipp.stderr).toMatchObject({ code: 0, timedOut: false });
  } finally {
    await Promise.all(phones.map((p) => p.stop()));
  }
  const { events } = await ami.call(mark, pick, `AMI ${name}`);
  expectWellFormed(events);
  return events;
}

// ------------------------------------------------------------------------------------------------ SIP side

/** The same case as on Asterisk: the same caller scenario against drachtio's SIP port, the same sipp phones. */
async function runSip(name: ContractScenarioName, wavDir: string): Promise<CallEvent[]> {
  const c = AMI_CASES[name];
  const scenario = CONTRACT_SCENARIOS[name];
  const live = await new LiveSip({
    // The same operator the AMI side's DID 7001 rings; each phone reached at its own port as if registered.
    route: () => Promise.resolve({ agentExtension: '1001' }),
    registrations: await phoneRegistrations(),
    trunkUri: `sip:{number}@127.0.0.1:${TRUNK_PORT}`,
    // The reference Asterisk profile's ZV_RING_TIMEOUT.
    ringTimeoutMs: 10_000,
    ...liveMedia(wavDir),
  }).start();
  const phones: Phone[] = [];
  try {
    for (const [ext, file, args] of c.phones) phones.push(await plugSipPhone(ext, file, args));
    if (c.originate) {
      phones.push(await startOutside());
      await live.provider.originate({ agentExtension: '1001', destination: c.originate, requestId: 'contract-c2c' });
      return await live.endedCall((e) => e.direction === 'outbound', 20_000);
    }
    const sipp = await callSipFront(c.sipp!, { service: '7001', timeoutMs: c.timeoutMs ?? 20_000 });
    expect(sipp, sipp.stderr).toMatchObject({ code: 0, timedOut: false });
    const pick = (e: CallEvent) =>
      e.from.anonymous === scenario.caller.anonymous && e.from.e164 === scenario.caller.e164;
    return await live.endedCall(pick);
  } finally {
    await Promise.all(phones.map((p) => p.stop()));
    await live.stop();
  }
}

/**
 * The stored call record without what differs by nature (ids, times, durations — of hold too: whether the caller
 * was held is compared —, the PBX's own ids and files).
 */
function storedRecord(
  events: readonly CallEvent[],
): Omit<Partial<CallProjection>, 'holdSeconds'> & { recorded: boolean; held: boolean } {
  const p = projectCall(events);
  if (!p) throw new Error('no call record');
  const { direction, status, fromRaw, fromE164, anonymous, toRaw, toE164, queue, agentExtension, handledBy } = p;
  const { ringingAgents, disposition, hangupCause, closedFromCdr, holdSeconds } = p;
  return {
    direction,
    status,
    fromRaw,
    fromE164,
    anonymous,
    toRaw,
    toE164,
    queue,
    agentExtension,
    handledBy,
    ringingAgents,
    disposition,
    hangupCause,
    closedFromCdr,
    held: holdSeconds > 0,
    recorded: p.recordingFile !== null,
  };
}

// ------------------------------------------------------------------------------------------------ the contract

describe('provider contract: AMI on live Asterisk 22 and the SIP front on live drachtio-server + rtpengine', () => {
  let ami: LiveAmi;
  let wavDir: string;

  let authBefore: string | null = null;

  beforeAll(async () => {
    requireSipFront();
    wavDir = makeServiceDir('contract-wav');
    authBefore = existsSync(PJSIP_AUTH_FILE) ? readFileSync(PJSIP_AUTH_FILE, 'utf8') : null;
    // 1001's secret, so that its phone can authenticate the consultation it makes (written before provider.up).
    ami = await LiveAmi.start({
      pjsipAuth: {
        file: PJSIP_AUTH_FILE,
        credentials: () => Promise.resolve([{ username: '1001', password: CONSULT_SECRET }]),
      },
    });
  });
  afterAll(async () => {
    await ami?.stop();
    // The PBX's SIP secrets as the suites before left them.
    if (authBefore === null) rmSync(PJSIP_AUTH_FILE, { force: true });
    else writeFileSync(PJSIP_AUTH_FILE, authBefore);
    const probe = new AmiProbe();
    await probe.start();
    await probe.reload('res_pjsip.so').finally(() => probe.stop());
  });

  it.each(Object.keys(CONTRACT_SCENARIOS) as ContractScenarioName[])(
    '%s: both providers conform and give the same normalized sequence, outcome and stored call record',
    async (name) => {
      const scenario = CONTRACT_SCENARIOS[name];
      const viaAmi = await runAmi(ami, name);
      const viaSip = await runSip(name, wavDir);
      expect(mismatches(viaAmi, scenario), 'AMI').toEqual([]);
      expect(mismatches(viaSip, scenario), 'SIP').toEqual([]);
      expect(viaAmi.every((e) => e.source === 'ami')).toBe(true);
      expect(viaSip.every((e) => e.source === 'sip')).toBe(true);
      const a = normalize(viaAmi);
      const s = normalize(viaSip);
      expect(a.outcome).toEqual(s.outcome);
      expect(a.sequence).toEqual(s.sequence);
      expect(storedRecord(viaSip)).toEqual(storedRecord(viaAmi));
      console.log(`[contract] ${name}: ${a.sequence.join(' → ')} | ${JSON.stringify(a.outcome)}`);
    },
  );
});
