import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AgentDto, type SetAgentStateResponse } from '@contracts/dto/agent';
import { type WallboardDto } from '@contracts/dto/wallboard';
import { type AgentStateDto } from '@contracts/socket-events';
import { type AgentStateEvent } from '@telephony';
import { ApiClient } from '@test/support/api-client';
import { createUser, deleteUsers, suitePrefix, TEST_PASSWORD, type SeededUser } from '@test/support/api-server';
import { AmiProbe, openSocket, startLiveApp, type LiveApp, type TestSocket } from '@test/support/live-app';
import { waitFor } from '@test/support/services/ports';

// A queue pause made on the PBX itself, not through Zvonok (here an AMI QueuePause from a second AMI session, as a
// desk phone's pause feature code or Asterisk's autopause after a ring with no answer make one), reaches the
// operator's agent state, its history and the wallboard; a state chosen in Zvonok is paused on the PBX once and does
// not come back as a second change. Real Asterisk 22, PostgreSQL and Redis; run under `flock /tmp/zv-live.lock`.
const EXT = '1003';
const DESK = `PJSIP/${EXT}`;
/** Both member interfaces (desk phone and softphone), as Asterisk's autopause pauses each member that rang out. */
const INTERFACES = [DESK, `PJSIP/${EXT}-web`];

describe('queue pauses made on the PBX, on the real Asterisk', () => {
  let live: LiveApp;
  let probe: AmiProbe;
  let op: SeededUser;
  let operator: ApiClient;
  let supervisor: ApiClient;
  let socket: TestSocket;
  const pushes: AgentStateDto[] = [];
  const boards: WallboardDto[] = [];
  const reports: AgentStateEvent[] = [];
  const userIds: string[] = [];

  const agent = async () =>
    ((await supervisor.get<{ items: AgentDto[] }>('/api/agents')).body.items ?? []).find((a) => a.userId === op.id);
  const deskMember = async () => (await probe.queueMembers('support')).find((m) => m.location === DESK);
  const pbxPause = async (paused: boolean, reason?: string) => {
    for (const iface of INTERFACES) await probe.queuePause(iface, paused, reason);
  };
  /** Waits for a push made after the `since`-th one (an older push of the same state proves nothing). */
  const pushed = (what: string, state: string, reason: string | null, since = 0) =>
    waitFor(
      async () => pushes.slice(since).some((p) => p.userId === op.id && p.state === state && p.reason === reason),
      { what, timeoutMs: 5_000 },
    );
  const onBoard = (what: string, state: string, reason: string | null) =>
    waitFor(
      async () =>
        boards.some((b) => b.operators.some((o) => o.userId === op.id && o.state === state && o.reason === reason)),
      { what, timeoutMs: 5_000 },
    );

  beforeAll(async () => {
    live = await startLiveApp();
    live.provider.onEvent((e) => {
      if (e.type === 'agent.state' && e.agentId === EXT) reports.push(e);
    });
    probe = new AmiProbe();
    await probe.start();
    const prefix = suitePrefix('pbx-pause');
    op = await createUser(live.dataSource, `${prefix}-op`, 'operator', EXT);
    const sup = await createUser(live.dataSource, `${prefix}-sup`, 'supervisor', '1904');
    userIds.push(op.id, sup.id);
    operator = new ApiClient(live.baseUrl);
    supervisor = new ApiClient(live.baseUrl);
    await operator.login(op.login, TEST_PASSWORD);
    await supervisor.login(sup.login, TEST_PASSWORD);
    socket = await openSocket(live.baseUrl, supervisor.cookie);
    socket.on('agent:state', (p) => pushes.push(p));
    socket.on('wallboard:update', (b) => boards.push(b));
    // A member another suite left paused would start this one out of step with the new operator (available).
    await live.provider.setAgentPaused(EXT, false);
    await waitFor(async () => (await deskMember())?.paused === '0', { what: 'member unpaused', timeoutMs: 5_000 });
  });

  afterAll(async () => {
    socket?.close();
    await live?.provider.setAgentPaused(EXT, false).catch(() => undefined);
    await probe?.stop();
    if (live) {
      await deleteUsers(live.dataSource, userIds);
      await live.close();
    }
  });

  it('a pause made on the PBX becomes a break with its reason: pushed, stored, on the wallboard, not sent back', async () => {
    expect(await agent()).toMatchObject({ state: 'available' });
    await pbxPause(true, 'Auto-Pause');
    await pushed('agent:state break pushed', 'break', 'Auto-Pause');
    await onBoard('wallboard shows the break', 'break', 'Auto-Pause');
    await waitFor(async () => (await agent())?.state === 'break', { what: 'break stored', timeoutMs: 5_000 });
    expect(await agent()).toMatchObject({ state: 'break', baseState: 'break', reason: 'Auto-Pause' });
    // Zvonok did not re-apply it as its own `break:Auto-Pause`: the PBX keeps the reason it gave.
    expect(await deskMember()).toMatchObject({ paused: '1', pausedreason: 'Auto-Pause' });
    expect(reports.at(-1)).toMatchObject({ status: 'paused', pauseChange: 'external' });
  });

  it('an unpause made on the PBX makes the operator available again', async () => {
    const mark = pushes.length;
    await pbxPause(false);
    await pushed('agent:state available pushed', 'available', null, mark);
    await onBoard('wallboard shows the operator available', 'available', null);
    await waitFor(async () => (await agent())?.state === 'available', { what: 'available stored', timeoutMs: 5_000 });
    const history: { state: string; reason: string | null; changed_by: string | null }[] = await live.dataSource.query(
      `SELECT state, reason, changed_by FROM agent_state_history WHERE user_id = $1 ORDER BY started_at, id`,
      [op.id],
    );
    expect(history).toEqual([
      { state: 'break', reason: 'Auto-Pause', changed_by: null },
      { state: 'available', reason: null, changed_by: null },
    ]);
  });

  it('a pause of one device only leaves the operator available; an unpause of one device unpauses them everywhere', async () => {
    const [desk, web] = INTERFACES as [string, string];
    const mark = pushes.length;
    // The desk phone alone paused: the softphone still takes queue calls, so the operator is not on a break.
    await probe.queuePause(desk, true, 'desk-only');
    await waitFor(async () => (await deskMember())?.paused === '1', { what: 'desk phone paused', timeoutMs: 5_000 });
    await probe.queuePause(web, true, 'desk-only');
    await pushed('the break once both devices are paused', 'break', 'desk-only', mark);
    // Pushes come in order: nothing was pushed for the desk phone's pause alone.
    expect(
      pushes
        .slice(mark)
        .filter((p) => p.userId === op.id)
        .map((p) => [p.state, p.reason]),
    ).toEqual([['break', 'desk-only']]);
    // The softphone unpaused on the PBX: available, and Zvonok unpauses the desk phone too.
    await probe.queuePause(web, false);
    await pushed('available after the softphone unpause', 'available', null, mark);
    await waitFor(async () => (await deskMember())?.paused === '0', {
      what: 'the desk phone unpaused by Zvonok',
      timeoutMs: 5_000,
    });
    expect(await agent()).toMatchObject({ state: 'available' });
  });

  it('states chosen in Zvonok go to the PBX once each and do not come back as changes of their own', async () => {
    const mark = pushes.length;
    const reportMark = reports.length;
    const set = (body: { state: string; reason?: string }) =>
      operator.request<SetAgentStateResponse>('PUT', '/api/agents/me/state', body);
    // Quick changes, so the PBX's report of one may come after the next is chosen.
    for (const body of [{ state: 'break', reason: 'lunch' }, { state: 'offline' }, { state: 'available' }]) {
      const res = await set(body);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.telephony.applied).toBe(true);
    }
    await waitFor(async () => reports.slice(reportMark).filter((r) => r.pauseChange === 'requested').length === 3, {
      what: "the PBX's three reports of Zvonok's pauses",
      timeoutMs: 5_000,
    });
    // A fence: a change made on the PBX after them, so every report before it has been handled.
    await pbxPause(true, 'fence');
    await pushed('the fence pushed', 'break', 'fence', mark);
    expect(reports.slice(reportMark).map((r) => [r.status, r.pauseReason ?? null, r.pauseChange])).toEqual([
      ['paused', 'break:lunch', 'requested'],
      ['paused', 'offline', 'requested'],
      [expect.not.stringMatching(/^paused$/), null, 'requested'],
      ['paused', 'fence', 'external'],
    ]);
    expect(
      pushes
        .slice(mark)
        .filter((p) => p.userId === op.id)
        .map((p) => [p.state, p.reason]),
    ).toEqual([
      ['break', 'lunch'],
      ['offline', null],
      ['available', null],
      ['break', 'fence'],
    ]);
    expect(await deskMember()).toMatchObject({ paused: '1', pausedreason: 'fence' });
  });

  it("a late report of one of Zvonok's own pauses, come after the next state was chosen, changes nothing", async () => {
    // The race the quick changes above may or may not hit: the PBX reports an older request of Zvonok's only
    // after the operator chose anew. Handed over as the adapter would, while the operator is on the fence break.
    await waitFor(async () => (await agent())?.reason === 'fence', { what: 'the fence stored', timeoutMs: 5_000 });
    const mark = pushes.length;
    await live.services.agents.onPbxAgentState({
      type: 'agent.state',
      agentId: EXT,
      status: 'paused',
      pauseReason: 'offline',
      pauseChange: 'requested',
      occurredAt: new Date().toISOString(),
      source: 'ami',
    });
    expect(await agent()).toMatchObject({ state: 'break', reason: 'fence' });
    await pbxPause(false);
    await pushed('the unpause pushed', 'available', null, mark);
    expect(
      pushes
        .slice(mark)
        .filter((p) => p.userId === op.id)
        .map((p) => [p.state, p.reason]),
    ).toEqual([['available', null]]);
  });
});
