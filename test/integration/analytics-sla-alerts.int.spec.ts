import { randomUUID } from 'node:crypto';

import { io as connectSocket, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type CallEvent, type Party } from '@telephony';
import { type SlaAlertDto } from '@contracts/dto/sla-alerts';
import { until } from '@test/support/ami-live';
import { recordCallEvents } from '@test/support/call-events';
import { ApiClient } from '@test/support/api-client';
import {
  type SeededUser,
  type TestApp,
  TEST_PASSWORD,
  createUser,
  deleteUsers,
  startTestApp,
  suitePrefix,
} from '@test/support/api-server';

/**
 * Live SLA alerts over the real Postgres, the real wallboard snapshot and a real Socket.IO connection of a
 * supervisor. Queue Q: four calls ended in the last ten minutes, one answered within 20 s (SL 25 %), and two callers
 * ringing for 90 and 70 s. Every consuming node of the test run may evaluate too, so the checks are on what the
 * cluster did (one open alert per queue and kind, the pushes the supervisor got), not on which node did it.
 * Hysteresis and the no-flapping rules are unit-tested in sla-alerts.evaluate.spec.ts.
 */
describe('live SLA alerts (real Postgres, Socket.IO)', () => {
  let t: TestApp;
  const prefix = suitePrefix('sla');
  const Q = `q-${prefix}`;
  let s: SeededUser;
  let m: SeededUser;
  let op: SeededUser;
  const clients = new Map<string, ApiClient>();
  const as = (u: SeededUser) => clients.get(u.id)!;
  const callIds: string[] = [];
  const waiting: { id: string; created: string }[] = [];
  let socket: Socket;
  const got: { event: string; alert: SlaAlertDto }[] = [];
  const now = new Date();
  const ago = (s: number) => new Date(now.getTime() - s * 1000).toISOString();
  const caller: Party = { raw: '89160000000', e164: '+79160000000', extension: null, name: null, anonymous: false };
  const did: Party = { raw: '7000', e164: null, extension: '7000', name: null, anonymous: false };
  const base = (callId: string) => ({
    callId,
    legId: callId,
    externalIds: { linkedid: `sla-${callId}` },
    direction: 'inbound' as const,
    from: caller,
    to: did,
    queue: Q,
    source: 'ami' as const,
  });

  beforeAll(async () => {
    t = await startTestApp();
    s = await createUser(t.dataSource, `${prefix}-s`, 'supervisor');
    m = await createUser(t.dataSource, `${prefix}-m`, 'manager');
    op = await createUser(t.dataSource, `${prefix}-op`, 'operator');
    for (const u of [s, m, op]) {
      const c = new ApiClient(t.baseUrl);
      await c.login(u.login, TEST_PASSWORD);
      clients.set(u.id, c);
    }
    // Ended: answered after 5 s, and three after 40 s (SL within 20 s = 1 / 4).
    for (const [startedAgo, wait] of [
      [600, 5],
      [500, 40],
      [400, 40],
      [300, 40],
    ] as const) {
      const id = randomUUID();
      callIds.push(id);
      const created = ago(startedAgo);
      const answered = ago(startedAgo - wait);
      await recordCallEvents(t.dataSource, [
        { ...base(id), type: 'call.created', seq: 1, occurredAt: created },
        { ...base(id), type: 'call.answered', seq: 2, occurredAt: answered, waitSeconds: wait },
        {
          ...base(id),
          type: 'call.ended',
          seq: 3,
          occurredAt: ago(startedAgo - wait - 30),
          cause: 'normal-clearing',
          answered: true,
          abandoned: false,
          waitSeconds: wait,
          talkSeconds: 30,
        },
      ] satisfies CallEvent[]);
    }
    for (const startedAgo of [90, 70]) {
      const id = randomUUID();
      callIds.push(id);
      waiting.push({ id, created: ago(startedAgo) });
      await recordCallEvents(t.dataSource, [
        { ...base(id), type: 'call.created', seq: 1, occurredAt: ago(startedAgo) },
        { ...base(id), type: 'call.ringing', seq: 2, occurredAt: ago(startedAgo), agentId: '9999' },
      ] satisfies CallEvent[]);
    }
    socket = connectSocket(t.baseUrl, {
      transports: ['websocket'],
      extraHeaders: { cookie: as(s).cookie! },
      forceNew: true,
    });
    for (const event of ['sla:alert', 'sla:cleared'])
      socket.on(event, (alert: SlaAlertDto) => {
        if (alert.queue === Q) got.push({ event, alert });
      });
    await until(() => socket.connected || undefined, 'supervisor socket connected');
  });

  afterAll(async () => {
    socket?.close();
    const ds = t.dataSource;
    await ds.query(`DELETE FROM sla_thresholds WHERE queue = $1`, [Q]);
    await ds.query(`DELETE FROM sla_alerts WHERE queue = $1`, [Q]);
    await ds.query(`DELETE FROM call_handlers WHERE call_id = ANY($1)`, [callIds]);
    await ds.query(`DELETE FROM call_events WHERE call_id = ANY($1)`, [callIds]);
    await ds.query(`DELETE FROM calls WHERE id = ANY($1)`, [callIds]);
    await deleteUsers(ds, [s.id, m.id, op.id]);
    await t.close();
  });

  it('refuses thresholds out of range, without any, or from operators and managers', async () => {
    const put = (u: SeededUser, body: object) => as(u).request('PUT', `/api/analytics/sla-thresholds/${Q}`, body);
    for (const body of [
      { slBelowPercent: 150 },
      { slBelowPercent: 80, slWindowMinutes: 2 },
      { waitingAbove: -1 },
      { longestWaitAboveSeconds: 0 },
      {},
      { slBelowPercent: null, longestWaitAboveSeconds: null, waitingAbove: null },
    ]) {
      const res = await put(s, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    // A queue name PostgreSQL text cannot hold (NUL) or the dialplan never writes: 400, not a 500 from the driver.
    for (const queue of ['x%00', 'a%2Fb', 'очередь']) {
      const res = await as(s).request('DELETE', `/api/analytics/sla-thresholds/${queue}`);
      expect(res.status, queue).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await put(op, { waitingAbove: 1 })).status).toBe(403);
    expect((await put(m, { waitingAbove: 1 })).status).toBe(403);
    expect((await t.dataSource.query(`SELECT 1 FROM sla_thresholds WHERE queue = $1`, [Q])).length).toBe(0);
  });

  it('raises each breach once, pushes it to the supervisor, and ends what recovered', async () => {
    const res = await as(s).request('PUT', `/api/analytics/sla-thresholds/${Q}`, {
      slBelowPercent: 80,
      slWindowMinutes: 30,
      longestWaitAboveSeconds: 60,
      waitingAbove: 1,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ queue: Q, slBelowPercent: 80, slSeconds: 20, waitingAbove: 1 });

    await t.services.slaAlerts.evaluate(now);
    await t.services.slaAlerts.evaluate(now);
    await until(() => (got.filter((g) => g.event === 'sla:alert').length >= 3 ? true : undefined), 'three alerts');
    const open = await as(s).get(`/api/analytics/sla-alerts?open=true`);
    const mine = (open.body as SlaAlertDto[]).filter((a) => a.queue === Q);
    expect(mine.map((a) => a.kind).sort()).toEqual(['longest-wait', 'service-level', 'waiting']);
    const by = Object.fromEntries(mine.map((a) => [a.kind, a]));
    expect(by['service-level']).toMatchObject({ threshold: 80, value: 25, endedAt: null });
    expect(by['waiting']).toMatchObject({ threshold: 1, value: 2 });
    expect(by['longest-wait']!.value).toBeGreaterThanOrEqual(90);
    // Raised once: evaluating again (here and on any other node) adds no row and no push.
    await t.services.slaAlerts.evaluate(now);
    const rows = await t.dataSource.query(`SELECT kind FROM sla_alerts WHERE queue = $1`, [Q]);
    expect(rows).toHaveLength(3);
    expect(got.filter((g) => g.event === 'sla:alert')).toHaveLength(3);

    // The callers are answered: waiting and the longest wait recover; the service level over 30 min does not.
    for (const w of waiting)
      await recordCallEvents(t.dataSource, [
        {
          ...base(w.id),
          type: 'call.answered',
          seq: 3,
          occurredAt: now.toISOString(),
          waitSeconds: 90,
          agentId: '9999',
        },
        {
          ...base(w.id),
          type: 'call.ended',
          seq: 4,
          occurredAt: now.toISOString(),
          cause: 'normal-clearing',
          answered: true,
          abandoned: false,
          waitSeconds: 90,
          talkSeconds: 0,
        },
      ] satisfies CallEvent[]);
    await t.services.slaAlerts.evaluate(new Date(now.getTime() + 1000));
    await until(() => (got.filter((g) => g.event === 'sla:cleared').length >= 2 ? true : undefined), 'two clears');
    const ended = await t.dataSource.query(
      `SELECT kind, ended_at IS NOT NULL AS ended FROM sla_alerts WHERE queue = $1 ORDER BY kind`,
      [Q],
    );
    expect(ended).toEqual([
      { kind: 'longest-wait', ended: true },
      { kind: 'service-level', ended: false },
      { kind: 'waiting', ended: true },
    ]);

    // No longer watched: the open alert ends too, and the log keeps every start and end.
    expect((await as(s).delete(`/api/analytics/sla-thresholds/${Q}`)).status).toBe(204);
    await t.services.slaAlerts.evaluate(new Date(now.getTime() + 2000));
    const log = await as(m).get(`/api/analytics/sla-alerts`);
    const history = (log.body as SlaAlertDto[]).filter((a) => a.queue === Q);
    expect(history).toHaveLength(3);
    expect(history.every((a) => a.endedAt !== null && a.endedAt >= a.startedAt)).toBe(true);
  });
});
