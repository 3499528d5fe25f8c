/**
 * The provider contract (issue #7): the same scenarios — answered, missed, abandoned, blind transfer, withheld
 * number (From anonymous, and the carriers' P-Asserted-Identity + `Privacy: id` form of issue #14) — run against
 * - the AMI provider on the REAL Asterisk 22 of the reference profile, the caller played by sipp with the very
 *   scenarios whose messages the SIP fixtures were recorded from (test/fixtures/sip/scenarios/), and
 * - the SIP provider (drachtio-srf) over real TCP against a SCRIPTED DRACHTIO WIRE-PROTOCOL PEER
 *   (test/support/drachtio-peer), because no drachtio-server exists here (not in Debian, not on npm); the peer
 *   replays those SIP messages as recorded from sipp (test/fixtures/sip/sipp-*.txt).
 * Both must conform to telephony/src/sip/contract-scenarios.ts and give the same normalized sequence and outcome.
 *
 * Normalization — where the providers legitimately differ, and why it is not part of the contract:
 * - `recording.ready` is dropped: Asterisk records every answered call (MixMonitor); the SIP front does not record.
 * - Queues are avoided: the AMI side dials the operator through direct DID 7001 (Dial), because the SIP front has
 *   no queues; on queue DID 7000 AMI would add `queue: support` and ring/stop every member.
 * - Timing (occurredAt, wait/talk seconds), ids, raw causes and `to` differ by nature and are not compared.
 * Run it under `flock /tmp/zv-live.lock` (it places calls through the shared Asterisk).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type CallEnded, type CallEvent, type TelephonyEvent } from '@telephony';
import { CONTRACT_SCENARIOS, mismatches, type ContractScenarioName } from '@telephony/sip/contract-scenarios';
import { SipProvider } from '@telephony/sip/sip-provider';
import { expectWellFormed, LiveAmi, plugPhone } from '@test/support/ami-live';
import { DrachtioPeer } from '@test/support/drachtio-peer/drachtio-peer';
import { loadSipFixture } from '@test/support/drachtio-peer/sip-fixture';
import { runSipp, type Phone } from '@test/support/sipp';

const SECRET = 'cymru';
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
    sequence: events
      .filter((e) => e.type !== 'recording.ready')
      .map((e) => {
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
  sipp: string;
  phones: Array<[string, string]>;
  timeoutMs?: number;
}

const AMI_CASES: Record<ContractScenarioName, AmiCase> = {
  answered: { sipp: `${SIP_SCENARIOS}uac-answered-expect-200.xml`, phones: [['1001', 'uas-operator-answer.xml']] },
  missed: { sipp: `${SIP_SCENARIOS}uac-missed-expect-486.xml`, phones: [['1001', 'uas-operator-busy.xml']] },
  abandoned: { sipp: `${SIP_SCENARIOS}uac-abandoned-expect-487.xml`, phones: [['1001', 'uas-operator-ring.xml']] },
  // On Asterisk the transfer is the operator phone's REFER; the caller only stays on (same caller as the SIP fixture).
  transfer: {
    sipp: 'uac-contract-transfer-expect-200.xml',
    phones: [
      ['1001', 'uas-operator-refer-blind.xml'],
      ['1002', 'uas-operator-answer.xml'],
    ],
    timeoutMs: 30_000,
  },
  withheld: { sipp: `${SIP_SCENARIOS}uac-withheld-expect-200.xml`, phones: [['1001', 'uas-operator-answer.xml']] },
  'withheld-pai': {
    sipp: `${SIP_SCENARIOS}uac-withheld-pai-expect-200.xml`,
    phones: [['1001', 'uas-operator-answer.xml']],
  },
};

async function runAmi(ami: LiveAmi, name: ContractScenarioName): Promise<CallEvent[]> {
  const c = AMI_CASES[name];
  const scenario = CONTRACT_SCENARIOS[name];
  const mark = ami.mark();
  const phones: Phone[] = [];
  try {
    for (const [ext, file] of c.phones) phones.push(await plugPhone(ext, file));
    const sipp = await runSipp(c.sipp, { service: '7001', timeoutMs: c.timeoutMs ?? 20_000 });
    expect(sipp, sipp.stderr).toMatchObject({ code: 0, timedOut: false });
  } finally {
    await Promise.all(phones.map((p) => p.stop()));
  }
  const pick = (e: CallEvent) => e.from.anonymous === scenario.caller.anonymous && e.from.e164 === scenario.caller.e164;
  const { events } = await ami.call(mark, pick, `AMI ${name}`);
  expectWellFormed(events);
  return events;
}

// ------------------------------------------------------------------------------------------------ SIP side

async function runSip(name: ContractScenarioName): Promise<CallEvent[]> {
  const peer = await DrachtioPeer.start(SECRET);
  const events: TelephonyEvent[] = [];
  const provider = new SipProvider({
    kind: 'sip',
    host: '127.0.0.1',
    port: peer.port,
    secret: SECRET,
    // The same operator the AMI side's DID 7001 rings.
    route: () => Promise.resolve({ agentExtension: '1001' }),
    extensionUri: 'sip:{ext}@127.0.0.1:5070',
    backoff: { initialDelayMs: 50, maxDelayMs: 400 },
  });
  provider.onEvent((e) => events.push(e));
  const calls = () => events.filter((e): e is CallEvent => e.type.startsWith('call.'));
  const seen = (type: CallEvent['type']) => () => calls().some((e) => e.type === type) || undefined;
  try {
    await provider.start();
    await peer.waitFor(() => provider.isUp() || undefined, 3000, 'SIP provider up');
    const answeredCall = async (fixture: string) => {
      const messages = loadSipFixture(fixture);
      const callId = peer.trunkInvite(messages[0]!);
      const trunk = await peer.waitFor(() => peer.dialogFor('trunk', (d) => d.callId === callId), 5000, 'trunk');
      peer.inDialog(trunk, messages[1]!); // ACK
      await peer.waitFor(seen('call.answered'), 5000, 'call.answered');
      return { trunk, messages };
    };
    switch (name) {
      case 'answered':
      case 'withheld':
      case 'withheld-pai': {
        const { trunk, messages } = await answeredCall(name);
        peer.inDialog(trunk, messages[2]!); // the caller's BYE
        break;
      }
      case 'missed':
        peer.phone = () => ({ final: 486 });
        peer.trunkInvite(loadSipFixture('missed')[0]!);
        break;
      case 'abandoned': {
        peer.phone = () => ({ final: 'ring' });
        const [invite, cancel] = loadSipFixture('abandoned');
        peer.trunkInvite(invite!);
        await peer.waitFor(seen('call.ringing'), 5000, 'call.ringing');
        peer.trunkCancel(cancel!);
        break;
      }
      case 'transfer': {
        const { trunk, messages } = await answeredCall('transfer');
        peer.inDialog(peer.dialogFor('operator')!, messages[2]!); // REFER from the operator's phone
        await peer.waitFor(seen('call.bridged'), 5000, 'call.bridged');
        peer.inDialog(trunk, messages[3]!); // the caller hangs up on 1002
        break;
      }
    }
    await peer.waitFor(seen('call.ended'), 5000, 'call.ended');
    await new Promise((r) => setTimeout(r, 200));
    return calls();
  } finally {
    await provider.stop();
    await peer.close();
  }
}

// ------------------------------------------------------------------------------------------------ the contract

describe('provider contract: AMI on live Asterisk 22 and SIP on a scripted drachtio peer (no drachtio-server here)', () => {
  let ami: LiveAmi;

  beforeAll(async () => {
    ami = await LiveAmi.start();
  });
  afterAll(async () => {
    await ami?.stop();
  });

  it.each(Object.keys(CONTRACT_SCENARIOS) as ContractScenarioName[])(
    '%s: both providers conform and give the same normalized sequence and outcome',
    async (name) => {
      const scenario = CONTRACT_SCENARIOS[name];
      const viaAmi = await runAmi(ami, name);
      const viaSip = await runSip(name);
      expect(mismatches(viaAmi, scenario), 'AMI').toEqual([]);
      expect(mismatches(viaSip, scenario), 'SIP').toEqual([]);
      expect(viaAmi.every((e) => e.source === 'ami')).toBe(true);
      expect(viaSip.every((e) => e.source === 'sip')).toBe(true);
      const a = normalize(viaAmi);
      const s = normalize(viaSip);
      expect(a.outcome).toEqual(s.outcome);
      expect(a.sequence).toEqual(s.sequence);
      console.log(`[contract] ${name}: ${a.sequence.join(' → ')} | ${JSON.stringify(a.outcome)}`);
    },
  );
});
