import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type UserDto } from '@contracts/dto/user';
import { SupervisionService } from '@server/modules/supervision/supervision.service';

import { ApiClient } from '@test/support/api-client';
import { createUser, deleteUsers, suitePrefix, TEST_PASSWORD } from '@test/support/api-server';
import { AmiProbe, startLiveApp, type LiveApp } from '@test/support/live-app';
import { runSipp, startOperatorPhone, type Phone, type SippResult } from '@test/support/sipp';
import { waitFor } from '@test/support/services/ports';

// Live monitoring against the real Asterisk 22: a sipp customer talks to operator 1001 (sipp phone) through the
// queue; the supervisor's sipp phone (1901, port 5091) receives the ChanSpy leg the API originates, in each mode.
// Run under `flock /tmp/zv-live.lock` (fixed phone ports, one shared PBX).
describe('live monitoring (listen / whisper / barge) on the real PBX', () => {
  let live: LiveApp;
  let probe: AmiProbe;
  let operatorPhone: Phone;
  let supervisorPhone: Phone;
  let caller: Promise<SippResult>;
  let callId: string;
  const userIds: string[] = [];
  let supervisor: ApiClient;
  let operator: ApiClient;

  const spyLegs = async () =>
    (await probe.channels()).filter((c) => c.channel?.startsWith('PJSIP/1901-') && c.application === 'ChanSpy');

  beforeAll(async () => {
    live = await startLiveApp();
    probe = new AmiProbe();
    await probe.start();
    const prefix = suitePrefix('spy');
    const op = await createUser(live.dataSource, `${prefix}-op`, 'operator', '1001');
    const sup = await createUser(live.dataSource, `${prefix}-sup`, 'supervisor', '1901');
    const other = await createUser(live.dataSource, `${prefix}-op2`, 'operator', '1002');
    userIds.push(op.id, sup.id, other.id);
    supervisor = new ApiClient(live.baseUrl);
    operator = new ApiClient(live.baseUrl);
    await supervisor.login(sup.login, TEST_PASSWORD);
    await operator.login(other.login, TEST_PASSWORD);
    // An earlier suite may have left 1001 paused; the queue must be able to ring it.
    await live.provider.setAgentPaused('1001', false);

    operatorPhone = await startOperatorPhone('1001');
    supervisorPhone = await startOperatorPhone('1901');
    caller = runSipp('uac-queue-talk-expect-200.xml', {
      service: '7000',
      extraArgs: ['-d', '40000'],
      timeoutMs: 70_000,
    });
    await waitFor(
      async () => {
        const rows: { id: string }[] = await live.dataSource.query(
          `SELECT id FROM calls WHERE status = 'answered' AND agent_extension = '1001' AND started_at > now() - interval '1 minute'`,
        );
        callId = rows[0]?.id ?? '';
        return callId !== '';
      },
      { what: 'queue call answered by 1001', timeoutMs: 30_000, intervalMs: 200 },
    );
  }, 60_000);

  afterAll(async () => {
    await caller?.catch(() => undefined);
    await supervisorPhone?.stop();
    await operatorPhone?.stop();
    await probe?.stop();
    if (live) {
      await live.dataSource.query(`DELETE FROM audit_log WHERE actor_id = ANY($1)`, [userIds]);
      await deleteUsers(live.dataSource, userIds);
      await live.close();
    }
  });

  it('refuses operators (403) and starts nothing on the PBX', async () => {
    const res = await operator.post(`/api/calls/${callId}/spy`, { mode: 'listen' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    expect(await spyLegs()).toHaveLength(0);
  });

  it('listen: rings the supervisor phone with ChanSpy on the operator leg by Uniqueid (q E d u, no w/B)', async () => {
    const res = await supervisor.post(`/api/calls/${callId}/spy`, { mode: 'listen' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ callId, mode: 'listen', extension: '1901', action: 'originated' });
    let leg: Record<string, string> | undefined;
    await waitFor(async () => (leg = (await spyLegs())[0]) !== undefined, { what: 'ChanSpy leg', timeoutMs: 10_000 });
    const operatorLeg = (await probe.channels()).find((c) => c.channel?.startsWith('PJSIP/1001-'));
    expect(leg!.applicationdata).toBe(`${operatorLeg!.uniqueid},qEdu`);
    expect(leg!.channelstatedesc).toBe('Up');
  });

  it('whisper then barge: switches the running leg in place (DTMF 5, 6 received by ChanSpy), nothing dropped', async () => {
    const [before] = await spyLegs();
    // The barge goes through another node's service: nothing in memory tells it about the running session, the
    // audit log does.
    const me = (await supervisor.get('/api/auth/me')).body as { user: UserDto };
    const otherNode = new SupervisionService(
      live.dataSource,
      live.services.audit,
      live.provider,
      pino({ level: 'silent' }),
    );
    for (const [mode, digit] of [
      ['whisper', '5'],
      ['barge', '6'],
    ] as const) {
      const mark = probe.events.length;
      const res =
        mode === 'whisper'
          ? await supervisor.post(`/api/calls/${callId}/spy`, { mode })
          : { status: 200, body: await otherNode.spy(me.user, callId, mode) };
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ mode, action: 'switched' });
      await waitFor(
        async () =>
          probe.events
            .slice(mark)
            .some(
              (e) =>
                e.event === 'DTMFEnd' &&
                e.fields.channel === before!.channel &&
                e.fields.digit === digit &&
                e.fields.direction === 'Received',
            ),
        { what: `DTMF ${digit} on the spy leg`, timeoutMs: 5_000 },
      );
      const legs = await spyLegs();
      expect(legs.map((l) => l.channel)).toEqual([before!.channel]);
    }
  });

  it('whisper and barge originated afresh carry their own ChanSpy options (w, B)', async () => {
    for (const [mode, options] of [
      ['whisper', 'qwEdu'],
      ['barge', 'qBEdu'],
    ] as const) {
      for (const leg of await spyLegs()) await probe.hangup(leg.channel!);
      await waitFor(async () => (await spyLegs()).length === 0, { what: 'spy leg gone', timeoutMs: 5_000 });
      const res = await supervisor.post(`/api/calls/${callId}/spy`, { mode });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      // The service tried to switch, found no running leg, and rang the supervisor again.
      expect(res.body).toMatchObject({ mode, action: 'originated' });
      let leg: Record<string, string> | undefined;
      await waitFor(async () => (leg = (await spyLegs())[0]) !== undefined, { what: `${mode} leg`, timeoutMs: 10_000 });
      const operatorLeg = (await probe.channels()).find((c) => c.channel?.startsWith('PJSIP/1001-'));
      expect(leg!.applicationdata).toBe(`${operatorLeg!.uniqueid},${options}`);
    }
  });

  it('records every monitoring session and switch in the audit log', async () => {
    const rows: { actor_id: string; details: { mode: string; outcome: string; extension: string } }[] =
      await live.dataSource.query(
        `SELECT actor_id, details FROM audit_log WHERE action = 'call.spy' AND entity_id = $1 ORDER BY id`,
        [callId],
      );
    expect(rows.map((r) => [r.details.mode, r.details.outcome])).toEqual([
      ['listen', 'originated'],
      ['whisper', 'switched'],
      ['barge', 'switched'],
      ['whisper', 'originated'],
      ['barge', 'originated'],
    ]);
    expect(new Set(rows.map((r) => r.actor_id))).toEqual(new Set([userIds[1]]));
    expect(rows.every((r) => r.details.extension === '1901')).toBe(true);
  });

  it('ends the spy leg with the call (E) and answers 409 for a call that is no longer live', async () => {
    await caller;
    await waitFor(async () => (await spyLegs()).length === 0, {
      what: 'spy leg ended with the call',
      timeoutMs: 10_000,
    });
    await waitFor(
      async () => {
        const [row] = await live.dataSource.query(`SELECT status FROM calls WHERE id = $1`, [callId]);
        return row?.status === 'ended';
      },
      { what: 'call ended', timeoutMs: 10_000 },
    );
    const res = await supervisor.post(`/api/calls/${callId}/spy`, { mode: 'listen' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('CALL_NOT_LIVE');
  }, 60_000);
});
