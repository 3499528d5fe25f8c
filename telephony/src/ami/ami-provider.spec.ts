import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { AmiProvider } from '@telephony/ami/ami-provider';
import { AmiSurrogateServer } from '@telephony/ami/ami-surrogate-server';
import { createTelephonyProvider, TelephonyError, type OpenCall, type TelephonyEvent } from '@telephony';
import { callIdFor } from '@telephony/ami/call-tracker';

let server: AmiSurrogateServer;
let provider: AmiProvider | undefined;
let events: TelephonyEvent[];

beforeEach(async () => {
  server = new AmiSurrogateServer();
  await server.listen();
  events = [];
});
afterEach(async () => {
  await provider?.stop();
  provider = undefined;
  await server.close();
});

async function startProvider(extra: Record<string, unknown> = {}) {
  const p = createTelephonyProvider({
    kind: 'ami',
    host: '127.0.0.1',
    port: server.port,
    user: 'zvonok',
    secret: 'zvonok-secret',
    pingIntervalMs: 0,
    backoff: { initialMs: 20, maxMs: 100 },
    cdrGraceMs: 150,
    ...extra,
  });
  expect(p).toBeInstanceOf(AmiProvider);
  provider = p as AmiProvider;
  provider.onEvent((e) => events.push(e));
  await provider.start();
  await server.waitFor(() => provider!.isUp());
  return provider;
}

const ts = (n: number) => `Timestamp: ${(1_763_900_100 + n).toFixed(6)}`;
const chan = (prefix: string, name: string, uid: string, lid: string) => [
  `${prefix}Channel: ${name}`,
  `${prefix}Uniqueid: ${uid}`,
  `${prefix}Linkedid: ${lid}`,
];

/** A call an earlier adapter process left open (the server's records). */
const LEFT_OPEN: OpenCall = {
  callId: callIdFor('0.7'),
  externalIds: { linkedid: '0.7' },
  direction: 'inbound',
  from: { raw: '+79161234567', e164: '+79161234567', extension: null, name: null, anonymous: false },
  to: { raw: '7000', e164: null, extension: '7000', name: null, anonymous: false },
  startedAt: new Date(1_763_900_000_000).toISOString(),
  answeredAt: new Date(1_763_900_004_000).toISOString(),
  agentId: '1002',
};

describe('AmiProvider', () => {
  it('resyncs live calls on start, then reports provider.up and live events in order', async () => {
    await startProvider();
    expect(events.map((e) => e.type)).toEqual(['call.created', 'agent.state', 'provider.up']);
    expect(events[0]).toMatchObject({ callId: callIdFor('1.1'), direction: 'inbound', from: { e164: '+79161234567' } });
    server.event(['Event: Hold', ts(1), ...chan('', 'PJSIP/trunk-00000001', '1.1', '1.1')]);
    server.event(['Event: Hangup', ts(2), 'Cause: 16', ...chan('', 'PJSIP/1001-00000002', '1.2', '1.1')]);
    server.event(['Event: Hangup', ts(3), 'Cause: 16', ...chan('', 'PJSIP/trunk-00000001', '1.1', '1.1')]);
    await server.waitFor(() => events.some((e) => e.type === 'call.ended'));
    const callEvents = events.filter((e) => 'callId' in e);
    expect(callEvents.map((e) => e.type)).toEqual(['call.created', 'call.held', 'call.ended']);
    // Learnt on resync: numbered on from the snapshot's PBX clock in ms, one by one (CallEventBase.seq).
    const seqs = callEvents.map((e) => ('seq' in e ? e.seq : 0));
    expect(seqs[0]).toBeGreaterThan(1_763_900_000_000);
    expect(seqs).toEqual([seqs[0], seqs[0]! + 1, seqs[0]! + 2]);
  });

  it('after a restart, closes a call the records still show open but the PBX no longer has', async () => {
    server.channels = [];
    await startProvider({ openCalls: async () => [LEFT_OPEN] });
    await server.waitFor(() => events.some((e) => e.type === 'call.ended'), 2000);
    expect(events.filter((e) => 'callId' in e)).toEqual([
      expect.objectContaining({ type: 'call.ended', callId: LEFT_OPEN.callId, answered: true, agentId: '1002' }),
    ]);
  });

  it('after a restart, does not close again a call whose end reached the records meanwhile', async () => {
    server.channels = [];
    const asked: string[][] = [];
    await startProvider({
      openCalls: async () => [{ ...LEFT_OPEN }],
      closedCalls: async (ids: readonly string[]) => {
        asked.push([...ids]);
        return ids;
      },
    });
    await server.waitFor(() => asked.length > 0, 2000);
    await new Promise((r) => setTimeout(r, 300));
    expect(asked).toEqual([[LEFT_OPEN.callId]]);
    expect(events.filter((e) => 'callId' in e)).toEqual([]);
  });

  it('resyncs without the records when they cannot be read, and says so', async () => {
    const diagnostics: string[] = [];
    await startProvider({
      openCalls: () => Promise.reject(new Error('database down')),
      onDiagnostic: (message: string) => diagnostics.push(message),
    });
    expect(events.map((e) => e.type)).toEqual(['call.created', 'agent.state', 'provider.up']);
    expect(diagnostics).toEqual(['open calls unavailable for resync']);
  });

  it('goes down on a drop, comes back up, and closes calls that ended meanwhile from their Cdr', async () => {
    await startProvider();
    server.channels = [];
    server.dropAll();
    await server.waitFor(() => events.some((e) => e.type === 'provider.down'));
    await server.waitFor(() => events.filter((e) => e.type === 'provider.up').length === 2);
    expect(events.some((e) => e.type === 'call.ended')).toBe(false);
    server.event([
      'Event: Cdr',
      ts(5),
      'LinkedID: 1.1',
      'UniqueID: 1.1',
      'Disposition: ANSWERED',
      'Duration: 40',
      'BillableSeconds: 30',
    ]);
    await server.waitFor(() => events.some((e) => e.type === 'call.ended'));
    expect(events.find((e) => e.type === 'call.ended')).toMatchObject({
      closedFromCdr: true,
      answered: true,
      talkSeconds: 30,
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(events.filter((e) => e.type === 'call.ended')).toHaveLength(1);
  });

  it('closes a vanished call as failed when no Cdr comes within the grace period', async () => {
    await startProvider();
    server.channels = [];
    server.dropAll();
    await server.waitFor(() => events.filter((e) => e.type === 'provider.up').length === 2);
    await server.waitFor(() => events.some((e) => e.type === 'call.ended'), 2000);
    expect(events.find((e) => e.type === 'call.ended')).toMatchObject({ cause: 'failed', callId: callIdFor('1.1') });
  });

  it('originates click-to-call through from-crm with the request id', async () => {
    const p = await startProvider();
    await p.originate({ agentExtension: '1001', destination: '8 (916) 123-45-67', requestId: 'req-1' });
    const o = server.actions.find((a) => a.fields.action === 'Originate')!;
    expect(o.fields).toMatchObject({
      channel: 'PJSIP/1001',
      context: 'from-crm',
      exten: '89161234567',
      priority: '1',
      async: 'true',
    });
    expect(o.fields.variable).toBe('ZVONOK_REQUEST_ID=req-1');
    await expect(
      p.originate({ agentExtension: '1001', destination: 'drop table', requestId: 'x' }),
    ).rejects.toBeInstanceOf(TelephonyError);
  });

  it('pauses a queue member with a reason', async () => {
    const p = await startProvider();
    await p.setAgentPaused('1002', true, 'lunch');
    const a = server.actions.find((x) => x.fields.action === 'QueuePause')!;
    expect(a.fields).toMatchObject({ interface: 'PJSIP/1002', paused: 'true', reason: 'lunch' });
  });

  it("reports a pause it was asked for as 'requested' and one made on the PBX (autopause, desk phone) as 'external'", async () => {
    const p = await startProvider();
    const pauseEvent = (paused: boolean, reason = '') => [
      'Event: QueueMemberPause',
      'Queue: support',
      'Interface: PJSIP/1001',
      `Paused: ${paused ? '1' : '0'}`,
      `PausedReason: ${reason}`,
    ];
    const pauses = () => events.flatMap((e) => (e.type === 'agent.state' ? [[e.status, e.pauseChange ?? null]] : []));
    await p.setAgentPaused('1001', true, 'break:lunch');
    server.event(pauseEvent(true, 'break:lunch'));
    await p.setAgentPaused('1001', false);
    server.event(pauseEvent(false));
    server.event(pauseEvent(true, 'Auto-Pause'));
    server.event(pauseEvent(false));
    await server.waitFor(() => pauses().length === 5);
    expect(pauses()).toEqual([
      ['available', null],
      ['paused', 'requested'],
      ['available', 'requested'],
      ['paused', 'external'],
      ['available', 'external'],
    ]);
  });

  it('pauses every device of an operator (desk phone and web softphone)', async () => {
    server.queueMembers.push(['Location: PJSIP/1001-web', 'StateInterface: PJSIP/1001-web', 'Status: 5', 'Paused: 0']);
    const p = await startProvider();
    server.onAction = (a) =>
      a.fields.action === 'QueuePause' && a.fields.interface === 'PJSIP/1001-web'
        ? `Response: Error\r\nActionID: ${a.fields.actionid}\r\nMessage: Interface not found`
        : undefined;
    await p.setAgentPaused('1001', false);
    const sent = server.actions.filter((x) => x.fields.action === 'QueuePause').map((x) => x.fields.interface);
    expect(sent.sort()).toEqual(['PJSIP/1001', 'PJSIP/1001-web']);
    server.onAction = (a) =>
      a.fields.action === 'QueuePause'
        ? `Response: Error\r\nActionID: ${a.fields.actionid}\r\nMessage: nope`
        : undefined;
    await expect(p.setAgentPaused('1001', true)).rejects.toMatchObject({ code: 'ACTION_FAILED' });
  });

  it('spies on the operator leg of a call with ChanSpy options per mode', async () => {
    const p = await startProvider();
    await p.spy('1901', callIdFor('1.1'), 'whisper');
    const a = server.actions.find((x) => x.fields.action === 'Originate')!;
    expect(a.fields).toMatchObject({ channel: 'PJSIP/1901', application: 'ChanSpy' });
    // The leg by Uniqueid (`u`), mode switchable by DTMF (`d`).
    expect(a.fields.data).toMatch(/^\d+\.\d+,qwEdu$/);
    expect(a.lists.variable).toEqual(
      expect.arrayContaining(['ZV_DIRECTION=internal', `ZVONOK_SPY_CALL=${callIdFor('1.1')}`]),
    );
    await expect(p.spy('1901', 'no-such-call', 'listen')).rejects.toMatchObject({ code: 'UNKNOWN_CALL' });
  });

  it('builds the SIP provider when the configuration says sip', () => {
    const p = createTelephonyProvider({
      kind: 'sip',
      host: '127.0.0.1',
      port: 9022,
      secret: 's',
      route: async () => null,
    });
    expect(p.source).toBe('sip');
    expect(p.isUp()).toBe(false);
  });

  it('fails start with a fatal auth error on bad credentials', async () => {
    const p = createTelephonyProvider({
      kind: 'ami',
      host: '127.0.0.1',
      port: server.port,
      user: 'zvonok',
      secret: 'bad',
    });
    await expect(p.start()).rejects.toMatchObject({ code: 'PBX_AUTH_FAILED', fatal: true });
    expect(p.isUp()).toBe(false);
    await p.stop();
  });
});
