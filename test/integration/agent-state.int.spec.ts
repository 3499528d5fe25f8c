import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AgentDto, type SetAgentStateResponse } from '@contracts/dto/agent';
import { type AgentStateDto } from '@contracts/socket-events';
import { ApiClient } from '@test/support/api-client';
import {
  createUser,
  deleteUsers,
  startTestApp,
  suitePrefix,
  TEST_PASSWORD,
  type SeededUser,
  type TestApp,
} from '@test/support/api-server';
import { AmiProbe, openSocket, startLiveApp, type LiveApp, type TestSocket } from '@test/support/live-app';
import { runSipp, startOperatorPhone } from '@test/support/sipp';
import { waitFor } from '@test/support/services/ports';

// Agent states end to end: REST → database (state + history) → Socket.IO push → Asterisk queue pause (checked with
// QueueStatus on the real PBX), and the wrap-up that follows a real sipp call. Run under `flock /tmp/zv-live.lock`.
const WRAP_UP_SECONDS = 2;

describe('agent states on the real PBX', () => {
  let live: LiveApp;
  let probe: AmiProbe;
  let op: SeededUser;
  let sup: SeededUser;
  let operator: ApiClient;
  let supervisor: ApiClient;
  let supSocket: TestSocket;
  const pushes: AgentStateDto[] = [];
  const userIds: string[] = [];

  const members = async () =>
    (await probe.queueMembers('support')).filter((m) => /^PJSIP\/1001(-web)?$/.test(m.location!));
  const agentOf = async (userId: string) =>
    ((await supervisor.get<{ items: AgentDto[] }>('/api/agents')).body.items ?? []).find((a) => a.userId === userId);

  beforeAll(async () => {
    live = await startLiveApp({ wrapUpSeconds: WRAP_UP_SECONDS });
    probe = new AmiProbe();
    await probe.start();
    const prefix = suitePrefix('agents');
    op = await createUser(live.dataSource, `${prefix}-op`, 'operator', '1001');
    sup = await createUser(live.dataSource, `${prefix}-sup`, 'supervisor', '1901');
    userIds.push(op.id, sup.id);
    operator = new ApiClient(live.baseUrl);
    supervisor = new ApiClient(live.baseUrl);
    await operator.login(op.login, TEST_PASSWORD);
    await supervisor.login(sup.login, TEST_PASSWORD);
    supSocket = await openSocket(live.baseUrl, supervisor.cookie);
    supSocket.on('agent:state', (p) => pushes.push(p));
  });

  afterAll(async () => {
    supSocket?.close();
    // Never leave a shared-PBX queue member paused for the next suite.
    await live?.provider.setAgentPaused('1001', false).catch(() => undefined);
    await probe?.stop();
    if (live) {
      await live.dataSource.query(`DELETE FROM audit_log WHERE actor_id = ANY($1)`, [userIds]);
      await deleteUsers(live.dataSource, userIds);
      await live.close();
    }
  });

  it('lists operators for supervisors only; a new operator is available', async () => {
    expect((await operator.get('/api/agents')).status).toBe(403);
    const me = await agentOf(op.id);
    expect(me).toMatchObject({ extension: '1001', state: 'available', baseState: 'available', reason: null });
  });

  it('rejects a break without a reason and unknown states', async () => {
    expect((await operator.request('PUT', '/api/agents/me/state', { state: 'break' })).status).toBe(400);
    expect((await operator.request('PUT', '/api/agents/me/state', { state: 'wrap-up' })).status).toBe(400);
  });

  it('a break pauses both queue members of the operator with the reason, and pushes agent:state', async () => {
    const res = await operator.request<SetAgentStateResponse>('PUT', '/api/agents/me/state', {
      state: 'break',
      reason: 'lunch',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.telephony).toEqual({ applied: true, note: null });
    expect(res.body.agent).toMatchObject({ state: 'break', reason: 'lunch' });
    const paused = await members();
    expect(paused.map((m) => m.location).sort()).toEqual(['PJSIP/1001', 'PJSIP/1001-web']);
    for (const m of paused) expect(m).toMatchObject({ paused: '1', pausedreason: 'break:lunch' });
    await waitFor(async () => pushes.some((p) => p.userId === op.id && p.state === 'break' && p.reason === 'lunch'), {
      what: 'agent:state push to the supervisor',
      timeoutMs: 5_000,
    });
  });

  it('a supervisor unpauses the operator; the change is audited and reaches Asterisk', async () => {
    expect((await operator.request('PUT', `/api/agents/${sup.id}/state`, { state: 'offline' })).status).toBe(403);
    const res = await supervisor.request<SetAgentStateResponse>('PUT', `/api/agents/${op.id}/state`, {
      state: 'available',
    });
    expect(res.status).toBe(200);
    expect(res.body.telephony.applied).toBe(true);
    for (const m of await members()) expect(m.paused).toBe('0');
    const [audit] = await live.dataSource.query(
      `SELECT actor_id, details FROM audit_log WHERE action = 'agent.state.set' AND entity_id = $1`,
      [op.id],
    );
    expect(audit).toMatchObject({
      actor_id: sup.id,
      details: { state: 'available', previous: 'break', previousReason: 'lunch', pbxApplied: true },
    });
  });

  it('a call makes the operator on-call, then wrap-up (queue-paused) that ends by itself', async () => {
    const phone = await startOperatorPhone('1001');
    const mark = pushes.length;
    const eventMark = probe.events.length;
    const pushedState = (state: string) =>
      waitFor(async () => pushes.slice(mark).some((p) => p.userId === op.id && p.state === state), {
        what: `agent:state ${state} pushed`,
        timeoutMs: (WRAP_UP_SECONDS + 10) * 1000,
      });
    /** Both member interfaces got a QueuePause from the PBX's own report, as `paused` with `reason`. */
    const pbxPaused = (paused: '0' | '1', reason?: string) =>
      waitFor(
        async () => {
          const ifaces = probe.events
            .slice(eventMark)
            .filter((e) => e.event === 'QueueMemberPause' && e.fields.queue === 'support')
            .filter(
              (e) => e.fields.paused === paused && (!reason || (e.fields.pausedreason ?? e.fields.reason) === reason),
            )
            .map((e) => e.fields.interface);
          return ['PJSIP/1001', 'PJSIP/1001-web'].every((i) => ifaces.includes(i));
        },
        { what: `both members ${paused === '1' ? `paused (${reason})` : 'unpaused'} on the PBX`, timeoutMs: 10_000 },
      );
    try {
      const result = await runSipp('uac-queue-answered-expect-200.xml', { service: '7000', timeoutMs: 40_000 });
      expect(result, result.stderr).toMatchObject({ code: 0, timedOut: false });
      // The pushes, not a poll: a wrap-up of two seconds can be over before a slow machine polls once.
      await pushedState('on-call');
      await pushedState('wrap-up');
      await pbxPaused('1', 'wrap-up');
      await pushedState('available');
      await pbxPaused('0');
    } finally {
      await phone.stop();
    }
    const states = pushes
      .slice(mark)
      .filter((p) => p.userId === op.id)
      .map((p) => p.state);
    expect(states.indexOf('on-call')).toBeLessThan(states.indexOf('wrap-up'));
    expect(states.lastIndexOf('wrap-up')).toBeLessThan(states.lastIndexOf('available'));
    expect((await agentOf(op.id))?.state).toBe('available');
    for (const m of await members()) expect(m.paused).toBe('0');
  }, 60_000);

  it('keeps every state as an interval in agent_state_history (for occupancy)', async () => {
    const rows: { state: string; reason: string | null; ended: boolean; changed_by: string | null }[] =
      await live.dataSource.query(
        `SELECT state, reason, ended_at IS NOT NULL AS ended, changed_by FROM agent_state_history
         WHERE user_id = $1 ORDER BY started_at, id`,
        [op.id],
      );
    const states = rows.map((r) => r.state);
    expect(states.slice(0, 2)).toEqual(['break', 'available']);
    expect(states).toContain('on-call');
    expect(states.slice(-2)).toEqual(['wrap-up', 'available']);
    expect(rows.slice(0, -1).every((r) => r.ended)).toBe(true);
    expect(rows.at(-1)!.ended).toBe(false);
    expect(rows[1]!.changed_by).toBe(sup.id);
  });
});

describe('agent states with telephony off', () => {
  let app: TestApp;
  const ids: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await deleteUsers(app.dataSource, ids);
    await app.close();
  });

  it('stores the state and says plainly that no PBX queue was paused', async () => {
    const u = await createUser(app.dataSource, `${suitePrefix('agents-off')}-op`, 'operator', null);
    ids.push(u.id);
    const client = new ApiClient(app.baseUrl);
    await client.login(u.login, TEST_PASSWORD);
    const res = await client.request<SetAgentStateResponse>('PUT', '/api/agents/me/state', { state: 'offline' });
    expect(res.status).toBe(200);
    expect(res.body.agent).toMatchObject({ state: 'offline' });
    expect(res.body.telephony.applied).toBe(false);
    expect(res.body.telephony.note).toMatch(/Telephony is off/);
    expect((await client.get('/api/agents/me')).body.agent).toMatchObject({ state: 'offline' });
  });
});
