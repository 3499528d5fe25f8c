/**
 * SIP provider (drachtio-srf) over real TCP against a SCRIPTED DRACHTIO PEER (test/support/drachtio-peer), because no
 * drachtio-server can run here (not packaged for Debian, not on npm). The peer speaks drachtio's wire protocol as
 * drachtio-srf 5.0.x reads it, and replays the trunk's SIP messages recorded from SIPp (test/fixtures/sip/sipp-*.txt).
 * The scenarios' expected normalized sequences come from telephony/src/sip/contract-scenarios.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { CallEvent, TelephonyEvent } from '@telephony/model/call-event';
import { CONTRACT_SCENARIOS, mismatches } from '@telephony/sip/contract-scenarios';
import { SipProvider, type SipProviderConfig } from '@telephony/sip/sip-provider';
import { DrachtioPeer } from '@test/support/drachtio-peer/drachtio-peer';
import { loadSipFixture } from '@test/support/drachtio-peer/sip-fixture';

const SECRET = 'cymru';

describe('SIP provider against a scripted drachtio peer (no drachtio-server can run here)', () => {
  let peer: DrachtioPeer;
  let provider: SipProvider | undefined;
  let events: TelephonyEvent[];
  let diagnostics: string[];

  beforeEach(async () => {
    peer = await DrachtioPeer.start(SECRET);
    events = [];
    diagnostics = [];
  });
  afterEach(async () => {
    await provider?.stop();
    provider = undefined;
    await peer.close();
  });

  async function startProvider(overrides: Partial<SipProviderConfig> = {}): Promise<SipProvider> {
    provider = new SipProvider({
      kind: 'sip',
      host: '127.0.0.1',
      port: peer.port,
      secret: SECRET,
      route: (from) => Promise.resolve(from === null || from.startsWith('+7') ? { agentExtension: '1001' } : null),
      extensionUri: 'sip:{ext}@127.0.0.1:5070',
      backoff: { initialDelayMs: 50, maxDelayMs: 400 },
      cdrGraceMs: 500,
      onDiagnostic: (m, e) => diagnostics.push(`${m}${e instanceof Error ? `: ${e.message}` : ''}`),
      ...overrides,
    });
    provider.onEvent((e) => events.push(e));
    await provider.start();
    return provider;
  }

  const callEvents = (): CallEvent[] => events.filter((e): e is CallEvent => e.type.startsWith('call.'));
  const ended = () => callEvents().filter((e) => e.type === 'call.ended');
  const waitEnded = (n = 1) => peer.waitFor(() => ended().length >= n && ended(), 5000, `${n} call.ended`);

  it('answered: created → ringing → answered → ended normal-clearing with talk time', async () => {
    await startProvider();
    expect(provider!.isUp()).toBe(true);
    const [invite, ack, bye] = loadSipFixture('answered');
    peer.trunkInvite(invite!);
    const trunk = await peer.waitFor(() => peer.dialogFor('trunk'), 5000, 'trunk dialog');
    peer.inDialog(trunk, ack!);
    await new Promise((r) => setTimeout(r, 1100));
    peer.inDialog(trunk, bye!);
    await waitEnded();
    const evs = callEvents();
    expect(mismatches(evs, CONTRACT_SCENARIOS.answered)).toEqual([]);
    expect(evs[0]).toMatchObject({
      source: 'sip',
      direction: 'inbound',
      from: { e164: '+79161234567', name: 'Ivan Petrov' },
    });
    expect(ended()[0]!.talkSeconds).toBeGreaterThanOrEqual(1);
    // the operator leg was hung up too
    await peer.waitFor(() => peer.appRequests('BYE').length > 0, 2000, 'BYE to operator');
  });
});
