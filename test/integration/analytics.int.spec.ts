import { randomUUID } from 'node:crypto';

import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type CallEvent, type Party } from '@telephony';
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
 * Every analytics figure from a hand-built day of calls, recorded through the real CallStore (so the
 * projection and the call_handlers trigger run as in production) into the real Postgres. The calls live in
 * January 2003 so no other suite's calls fall into the ranges. Moscow was UTC+3 that winter.
 *
 * The day (UTC times; MSK = UTC+3; queue Q has a configured wrap-up of 10 s):
 *   C1 09:00:00 Q   answered by A after 10 s, talk 300 s incl. a 30 s hold, ends 09:05:10
 *   C2 09:30:00 Q   answered by B after 25 s, transferred to C 60 s later, ends 60 s after that (talk 120 s)
 *   C3 10:00:00 Q   abandoned after 3 s   (short abandon: 3 < 5)
 *   C4 10:10:00 Q   abandoned after 5 s   (not short: the threshold is "wait < 5 s")
 *   C5 10:20:00 Q   abandoned after 40 s
 *   C6 11:00:00 Q   missed: nobody answered in 30 s, the caller did not hang up first
 *   C7 20:59:50 —   (direct line) answered by A after 5 s, talk 600 s: starts Mon 23:59:50 MSK, ends Tue 00:09:55
 *   C8 22:30:00 Q   answered by C after 2 s, talk 60 s: Monday in UTC, Tuesday 01:30 in MSK
 *   C9 Jan 12 22:00 Q answered by B after 15 s, talk 90 s, wrap-up form sent 45 s after the end: Sunday in UTC,
 *                   Monday 01:00 in MSK
 *   C10 12:00:00    outbound by A: never in inbound figures
 */
const DAY = '2003-01-13';
const utc = (time: string, day = DAY) => `${day}T${time}Z`;
const plus = (iso: string, s: number) => new Date(Date.parse(iso) + s * 1000).toISOString();

interface CallSpec {
  created: string;
  queue?: string;
  direction?: 'inbound' | 'outbound';
  answer?: { agent: string; wait: number; talk: number };
  hold?: { after: number; seconds: number };
  transfer?: { agent: string; after: number };
  unanswered?: { wait: number; abandoned: boolean };
}

const caller: Party = { raw: '89160000000', e164: '+79160000000', extension: null, name: null, anonymous: false };
const did: Party = { raw: '7000', e164: null, extension: '7000', name: null, anonymous: false };

function events(callId: string, spec: CallSpec): CallEvent[] {
  const common = {
    callId,
    legId: callId,
    externalIds: { linkedid: `an-${callId}` },
    direction: spec.direction ?? ('inbound' as const),
    from: caller,
    to: did,
    source: 'ami' as const,
    ...(spec.queue ? { queue: spec.queue } : {}),
  };
  const out: CallEvent[] = [{ ...common, type: 'call.created', seq: 1, occurredAt: spec.created }];
  let seq = 2;
  const ended = { ...common, type: 'call.ended' as const, cause: 'normal-clearing' as const };
  if (spec.answer) {
    const { agent, wait, talk } = spec.answer;
    const answeredAt = plus(spec.created, wait);
    out.push({
      ...common,
      type: 'call.answered',
      seq: seq++,
      occurredAt: answeredAt,
      agentId: agent,
      waitSeconds: wait,
    });
    if (spec.hold) {
      const heldAt = plus(answeredAt, spec.hold.after);
      out.push({ ...common, type: 'call.held', seq: seq++, occurredAt: heldAt });
      out.push({ ...common, type: 'call.resumed', seq: seq++, occurredAt: plus(heldAt, spec.hold.seconds) });
    }
    if (spec.transfer) {
      out.push({
        ...common,
        type: 'call.transferred',
        seq: seq++,
        occurredAt: plus(answeredAt, spec.transfer.after),
        kind: 'blind',
        fromAgentId: agent,
        agentId: spec.transfer.agent,
      });
    }
    out.push({
      ...ended,
      seq,
      occurredAt: plus(answeredAt, talk),
      answered: true,
      abandoned: false,
      waitSeconds: wait,
      talkSeconds: talk,
    });
  } else {
    const { wait, abandoned } = spec.unanswered!;
    out.push({
      ...ended,
      cause: abandoned ? 'cancel' : 'no-answer',
      seq,
      occurredAt: plus(spec.created, wait),
      answered: false,
      abandoned,
      waitSeconds: wait,
      talkSeconds: 0,
    });
  }
  return out;
}

describe('analytics over a hand-built day (real Postgres)', () => {
  let t: TestApp;
  const prefix = suitePrefix('analytics');
  const Q = `q-${prefix}`;
  const ext = () => String(100000 + Math.floor(Math.random() * 899999));
  let a: SeededUser;
  let b: SeededUser;
  let c: SeededUser;
  let manager: SeededUser;
  let supervisor: SeededUser;
  let admin: SeededUser;
  let operator: SeededUser;
  const exts = { a: ext(), b: ext(), c: ext() };
  const ids: Record<string, string> = {};
  const clients = new Map<string, ApiClient>();
  const as = (u: SeededUser) => clients.get(u.id)!;
  let hasStateHistory = false;

  beforeAll(async () => {
    t = await startTestApp();
    const ds = t.dataSource;
    a = await createUser(ds, `${prefix}-a`, 'operator', exts.a);
    b = await createUser(ds, `${prefix}-b`, 'operator', exts.b);
    c = await createUser(ds, `${prefix}-c`, 'operator', exts.c);
    manager = await createUser(ds, `${prefix}-m`, 'manager');
    supervisor = await createUser(ds, `${prefix}-s`, 'supervisor');
    admin = await createUser(ds, `${prefix}-adm`, 'admin');
    operator = a;
    for (const u of [a, manager, supervisor, admin]) {
      const client = new ApiClient(t.baseUrl);
      expect((await client.login(u.login, TEST_PASSWORD)).status).toBe(200);
      clients.set(u.id, client);
    }
    await ds.query(`INSERT INTO analytics_queue_settings (queue, wrap_up_seconds) VALUES ($1, 10)`, [Q]);

    const specs: Record<string, CallSpec> = {
      C1: {
        created: utc('09:00:00'),
        queue: Q,
        answer: { agent: exts.a, wait: 10, talk: 300 },
        hold: { after: 50, seconds: 30 },
      },
      C2: {
        created: utc('09:30:00'),
        queue: Q,
        answer: { agent: exts.b, wait: 25, talk: 120 },
        transfer: { agent: exts.c, after: 60 },
      },
      C3: { created: utc('10:00:00'), queue: Q, unanswered: { wait: 3, abandoned: true } },
      C4: { created: utc('10:10:00'), queue: Q, unanswered: { wait: 5, abandoned: true } },
      C5: { created: utc('10:20:00'), queue: Q, unanswered: { wait: 40, abandoned: true } },
      C6: { created: utc('11:00:00'), queue: Q, unanswered: { wait: 30, abandoned: false } },
      C7: { created: utc('20:59:50'), answer: { agent: exts.a, wait: 5, talk: 600 } },
      C8: { created: utc('22:30:00'), queue: Q, answer: { agent: exts.c, wait: 2, talk: 60 } },
      C9: { created: utc('22:00:00', '2003-01-12'), queue: Q, answer: { agent: exts.b, wait: 15, talk: 90 } },
      C10: { created: utc('12:00:00'), direction: 'outbound', answer: { agent: exts.a, wait: 3, talk: 30 } },
    };
    for (const [name, spec] of Object.entries(specs)) {
      ids[name] = randomUUID();
      // Reverse order: the projection and the handler table must not depend on arrival order.
      await recordCallEvents(ds, events(ids[name], spec).reverse());
    }
    // C9's wrap-up form was sent 45 s after the call ended (ended 2003-01-12T22:01:45Z).
    await ds.query(`UPDATE calls SET wrap_up_at = ended_at + interval '45 seconds' WHERE id = $1`, [ids.C9]);
    // Written past the calls module, so the rollup bin is refreshed by hand (the wrap-up route does it itself).
    t.services.analyticsRollups.touch([utc('22:00:00', '2003-01-12')]);
    await t.services.analyticsRollups.drain();

    // CRM rows in the MSK Monday (UTC 2003-01-12T21:00Z .. 2003-01-13T21:00Z) and just outside it.
    await ds.query(
      `INSERT INTO tasks (title, kind, due_at, done_at, assignee_id) VALUES
         ('T1 in time', 'callback', $1, $2, $9), ('T2 late', 'callback', $3, $4, $9),
         ('T3 open', 'callback', $5, NULL, $9), ('T5 at due', 'callback', $6, $6, $9),
         ('T4 next day', 'callback', $7, $7, $9), ('todo, not a callback', 'todo', $5, $8, $9)`,
      [
        utc('10:00:00'),
        utc('09:50:00'),
        utc('11:00:00'),
        utc('11:30:00'),
        utc('12:00:00'),
        utc('13:00:00'),
        utc('05:00:00', '2003-01-14'),
        utc('15:00:00'),
        a.id,
      ],
    );
    await ds.query(
      `INSERT INTO leads (source, status, name, owner_id, created_at) VALUES
         ('call', 'converted', 'L1', $3, $1), ('call', 'new', 'L2', $3, $1), ('web', 'converted', 'L3', $3, $1),
         ('manual', 'converted', 'L4 next day', $3, $2), ('manual', 'converted', 'L5', $3, $1)`,
      [utc('09:00:00'), utc('22:00:00'), a.id],
    );
    await ds.query(
      `INSERT INTO deals (title, stage, amount, currency, owner_id, closed_at) VALUES
         ('D1', 'won', 1000, 'RUB', $4, $1), ('D2', 'won', 3000.50, 'RUB', $4, $2), ('D3', 'won', 500, 'USD', $4, $3),
         ('D4 lost', 'lost', 9999, 'RUB', $4, $3), ('D5 next day', 'won', 7000, 'RUB', $4, $5)`,
      [utc('10:00:00'), utc('11:00:00'), utc('12:00:00'), a.id, utc('10:00:00', '2003-01-14')],
    );
    // Converted with a first deal: L1 with D1 (won since), L3 with D4 (lost); L5 became a contact with no deal.
    await ds.query(
      `UPDATE leads l SET deal_id = d.id FROM deals d
       WHERE d.owner_id = $1 AND l.owner_id = $1 AND ((l.name = 'L1' AND d.title = 'D1') OR (l.name = 'L3' AND d.title = 'D4 lost'))`,
      [a.id],
    );

    const reg: { t: string | null }[] = await ds.query(`SELECT to_regclass('agent_state_history')::text AS t`);
    hasStateHistory = reg[0]?.t != null;
    if (hasStateHistory) {
      await ds.query(
        `INSERT INTO agent_state_history (user_id, state, started_at, ended_at) VALUES
           ($1, 'available', $3, $4), ($1, 'on-call', $4, $5), ($1, 'wrap-up', $5, $6), ($1, 'break', $6, $7),
           ($1, 'available', $7, $8), ($2, 'available', $9, $10), ($2, 'on-call', $10, $11)`,
        [
          a.id,
          b.id,
          utc('08:00:00'),
          utc('09:00:00'),
          utc('09:10:00'),
          utc('09:15:00'),
          utc('10:00:00'),
          utc('10:05:00'),
          utc('20:00:00', '2003-01-12'),
          utc('22:00:00', '2003-01-12'),
          utc('22:01:30', '2003-01-12'),
        ],
      );
    }
  });

  afterAll(async () => {
    const ds = t.dataSource;
    const callIds = Object.values(ids);
    await ds.query(`DELETE FROM call_handlers WHERE call_id = ANY($1)`, [callIds]);
    await ds.query(`DELETE FROM call_events WHERE call_id = ANY($1)`, [callIds]);
    await ds.query(`DELETE FROM calls WHERE id = ANY($1)`, [callIds]);
    await ds.query(`DELETE FROM analytics_queue_settings WHERE queue = $1`, [Q]);
    await deleteUsers(ds, [a.id, b.id, c.id, manager.id, supervisor.id, admin.id]);
    await t.close();
  });

  const msk = `from=${DAY}&to=2003-01-14&tz=Europe/Moscow`;
  const inUtc = `from=${DAY}&to=2003-01-14&tz=UTC`;

  it('summary in Moscow: C1–C7 and C9 (C8 is Tuesday there, C10 outbound)', async () => {
    const res = await as(manager).get(`/api/analytics/summary?${msk}`);
    expect(res.status).toBe(200);
    expect(res.body.range).toMatchObject({ fromUtc: '2003-01-12T21:00:00.000Z', toUtc: '2003-01-13T21:00:00.000Z' });
    expect(res.body.params).toEqual({ slSeconds: 20, slTarget: 80, shortAbandonSeconds: 5 });
    expect(res.body.calls).toEqual({
      offered: 8, // C1 C2 C3 C4 C5 C6 C7 C9
      answered: 4, // C1 C2 C7 C9
      missed: 1, // C6
      abandoned: 2, // C4 (5 s), C5 (40 s)
      shortAbandoned: 1, // C3 (3 s)
      failed: 0,
      transferred: 1, // C2, once although two operators handled it
      answeredWithinSl: 3, // waits 10, 5, 15 ≤ 20; C2 waited 25
      slDenominator: 7, // 8 offered − 1 short abandon
      serviceLevel: 0.4286, // 3 / 7
      slMet: false,
      abandonRate: 0.2857, // 2 / 7
      asaSeconds: 13.75, // (10 + 25 + 5 + 15) / 4
      ahtSeconds: 293.75, // (1080 + 30 + 65) / 4
      talkSeconds: 1080, // (300 − 30) + 120 + 600 + 90
      holdSeconds: 30, // C1
      wrapUpSeconds: 65, // C1 10 (queue) + C2 10 (queue) + C7 0 (no queue) + C9 45 (form)
    });
    expect(res.body.crm).toEqual({
      callbacksDue: 4, // T1 T2 T3 T5 (T4 is due the next day; the todo is not a callback)
      callbacksDoneInTime: 2, // T1 (before due), T5 (exactly at due)
      callbacksDoneLate: 1, // T2
      callbacksOpen: 1, // T3
      callbacksInTimeRate: 0.5,
      leadsCreated: 4, // L1 L2 L3 L5 (L4 is 01:00 MSK Tuesday)
      leadsFromCalls: 2, // L1 L2
      leadsConverted: 3, // L1 L3 L5
      leadToContactConversion: 0.75,
      leadsWithDeal: 2, // L1 (D1), L3 (D4)
      leadToDealConversion: 0.5,
      leadsWithWonDeal: 1, // L1: D1 is won, D4 lost
      leadToWonDealConversion: 0.25,
      averageDealAmount: [
        { currency: 'RUB', deals: 2, average: 2000.25 }, // (1000 + 3000.50) / 2; D4 lost, D5 next day
        { currency: 'USD', deals: 1, average: 500 },
      ],
    });
  });

  it('occupancy from the agent state history, clipped to the range', async () => {
    const res = await as(manager).get(`/api/analytics/summary?${msk}`);
    if (!hasStateHistory) {
      expect(res.body.occupancy).toEqual({ occupancy: null, handlingSeconds: 0, staffedSeconds: 0 });
      return;
    }
    // A: handling 600 + 300, staffed 900 + 3600 + 300 (the break is not staffed).
    // B: available from 20:00 UTC clipped to the range start 21:00 → 3600 s, then 90 s on a call.
    expect(res.body.occupancy).toEqual({ occupancy: 0.1166, handlingSeconds: 990, staffedSeconds: 8490 });
    const ops = await as(manager).get(`/api/analytics/operators?${msk}`);
    const occ = Object.fromEntries(ops.body.rows.map((r: { userId: string; occupancy: number }) => [r.userId, r]));
    expect(occ[a.id].occupancy).toBe(0.1875); // 900 / 4800
    expect(occ[b.id].occupancy).toBe(0.0244); // 90 / 3690
    expect(occ[c.id].occupancy).toBeNull();
  });

  it('a different SL threshold and short-abandon threshold change only what they should', async () => {
    const res = await as(manager).get(`/api/analytics/summary?${msk}&slSeconds=30&slTarget=50&shortAbandonSeconds=6`);
    expect(res.body.calls).toMatchObject({
      shortAbandoned: 2, // C3 (3 s), C4 (5 s) now both under 6 s
      abandoned: 1, // C5
      slDenominator: 6,
      answeredWithinSl: 4, // C2's 25 s is now within 30 s
      serviceLevel: 0.6667,
      slMet: true,
    });
  });

  it('per operator: a transfer counts for both operators, hold and wrap-up go to the last handler', async () => {
    const res = await as(supervisor).get(`/api/analytics/operators?${msk}`);
    expect(res.status).toBe(200);
    const rows = Object.fromEntries(res.body.rows.map((r: { userId: string }) => [r.userId, r]));
    const pick = (id: string) => {
      const { occupancy: _o, name: _n, ...rest } = rows[id];
      return rest;
    };
    expect(pick(a.id)).toEqual({
      userId: a.id,
      extension: exts.a,
      handled: 2, // C1, C7
      answered: 2,
      transfersIn: 0,
      handleSeconds: 900, // 300 + 600
      holdSeconds: 30,
      wrapUpSeconds: 10, // C1's queue wrap-up; C7 has no queue
      ahtSeconds: 455, // (900 + 10) / 2
      asaSeconds: 7.5, // (10 + 5) / 2
    });
    expect(pick(b.id)).toEqual({
      userId: b.id,
      extension: exts.b,
      handled: 2, // C2 (until the transfer), C9
      answered: 2,
      transfersIn: 0,
      handleSeconds: 150, // 60 of C2 + 90 of C9
      holdSeconds: 0,
      wrapUpSeconds: 45, // C9's form; C2's wrap-up belongs to C
      ahtSeconds: 97.5, // (150 + 45) / 2
      asaSeconds: 20, // (25 + 15) / 2
    });
    expect(pick(c.id)).toEqual({
      userId: c.id,
      extension: exts.c,
      handled: 1, // C2 by transfer (C8 is Tuesday in Moscow)
      answered: 0,
      transfersIn: 1,
      handleSeconds: 60,
      holdSeconds: 0,
      wrapUpSeconds: 10,
      ahtSeconds: 70,
      asaSeconds: null,
    });
    // Handle time of all operators adds up to the talk time of the answered calls: 300 + 120 + 600 + 90.
    const ours = [a.id, b.id, c.id].map((id) => rows[id].handleSeconds as number);
    expect(ours.reduce((x, y) => x + y, 0)).toBe(1110);
  });

  it('per queue: Q and the direct line (queue null)', async () => {
    const res = await as(admin).get(`/api/analytics/queues?${msk}`);
    expect(res.status).toBe(200);
    const q = res.body.rows.find((r: { queue: string | null }) => r.queue === Q);
    expect(q).toEqual({
      queue: Q,
      offered: 7, // C1 C2 C3 C4 C5 C6 C9
      answered: 3,
      missed: 1,
      abandoned: 2,
      shortAbandoned: 1,
      serviceLevel: 0.3333, // C1, C9 within 20 s of 6
      abandonRate: 0.3333, // 2 / 6
      asaSeconds: 16.67, // (10 + 25 + 15) / 3
      ahtSeconds: 191.67, // (270 + 120 + 90 talk + 30 hold + 10 + 10 + 45 wrap-up) / 3
    });
    const direct = res.body.rows.find((r: { queue: string | null }) => r.queue === null);
    expect(direct).toMatchObject({ offered: 1, answered: 1, serviceLevel: 1, asaSeconds: 5, ahtSeconds: 600 });
  });

  it('time zones: the same calls fall on other days and hours in UTC', async () => {
    const summary = await as(manager).get(`/api/analytics/summary?${inUtc}`);
    expect(summary.body.range).toMatchObject({
      fromUtc: '2003-01-13T00:00:00.000Z',
      toUtc: '2003-01-14T00:00:00.000Z',
    });
    expect(summary.body.calls).toMatchObject({
      offered: 8, // C1–C8; C9 is Sunday in UTC
      answered: 4, // C1 C2 C7 C8
      asaSeconds: 10.5, // (10 + 25 + 5 + 2) / 4
      answeredWithinSl: 3, // C1 C7 C8
    });
    const heat = await as(manager).get(`/api/analytics/heatmap?${inUtc}`);
    expect(heat.body.rows).toEqual([
      { weekday: 1, hour: 9, offered: 2, answered: 2, abandoned: 0, avgWaitSeconds: 17.5 }, // C1, C2
      { weekday: 1, hour: 10, offered: 3, answered: 0, abandoned: 2, avgWaitSeconds: null }, // C3 short, C4, C5
      { weekday: 1, hour: 11, offered: 1, answered: 0, abandoned: 0, avgWaitSeconds: null }, // C6 missed
      { weekday: 1, hour: 20, offered: 1, answered: 1, abandoned: 0, avgWaitSeconds: 5 }, // C7
      { weekday: 1, hour: 22, offered: 1, answered: 1, abandoned: 0, avgWaitSeconds: 2 }, // C8
    ]);
  });

  it('per operator in UTC: the whole UTC day is read from the operator day rollup, same figures', async () => {
    const res = await as(manager).get(`/api/analytics/operators?${inUtc}`);
    expect(res.status).toBe(200);
    const rows = Object.fromEntries(res.body.rows.map((r: { userId: string }) => [r.userId, r]));
    const pick = (id: string) => {
      const { handled, answered, transfersIn, handleSeconds, holdSeconds, wrapUpSeconds, asaSeconds } = rows[id];
      return { handled, answered, transfersIn, handleSeconds, holdSeconds, wrapUpSeconds, asaSeconds };
    };
    // a: C1 and C7 as in Moscow; b: C2 until the transfer (C9 is Sunday in UTC); c: C2 by transfer and C8.
    expect(pick(a.id)).toEqual({
      handled: 2,
      answered: 2,
      transfersIn: 0,
      handleSeconds: 900,
      holdSeconds: 30,
      wrapUpSeconds: 10,
      asaSeconds: 7.5,
    });
    expect(pick(b.id)).toEqual({
      handled: 1,
      answered: 1,
      transfersIn: 0,
      handleSeconds: 60,
      holdSeconds: 0,
      wrapUpSeconds: 0,
      asaSeconds: 25,
    });
    expect(pick(c.id)).toEqual({
      handled: 2,
      answered: 1,
      transfersIn: 1,
      handleSeconds: 120, // 60 of C2 after the transfer + 60 of C8
      holdSeconds: 0,
      wrapUpSeconds: 20, // both calls' queue wrap-up
      asaSeconds: 2,
    });
    // The day row those figures came from (no bin of the day is pending: the rollups were drained).
    const dayRows: { handled: number; transfers_in: number }[] = await t.dataSource.query(
      `SELECT sum(handled)::int AS handled, sum(transfers_in)::int AS transfers_in FROM analytics_operator_days
       WHERE day = '2003-01-13T00:00:00Z' AND operator_id = $1`,
      [c.id],
    );
    expect(dayRows).toEqual([{ handled: 2, transfers_in: 1 }]);
  });

  it('heatmap in Moscow: three hours later, C7 at 23 h on Monday although it ends on Tuesday, C9 at 01 h', async () => {
    const heat = await as(manager).get(`/api/analytics/heatmap?${msk}`);
    expect(heat.body.rows).toEqual([
      { weekday: 1, hour: 1, offered: 1, answered: 1, abandoned: 0, avgWaitSeconds: 15 }, // C9
      { weekday: 1, hour: 12, offered: 2, answered: 2, abandoned: 0, avgWaitSeconds: 17.5 },
      { weekday: 1, hour: 13, offered: 3, answered: 0, abandoned: 2, avgWaitSeconds: null },
      { weekday: 1, hour: 14, offered: 1, answered: 0, abandoned: 0, avgWaitSeconds: null },
      { weekday: 1, hour: 23, offered: 1, answered: 1, abandoned: 0, avgWaitSeconds: 5 }, // C7
    ]);
    // Over three days both zones see all nine inbound calls, bucketed by their own clock: C9 is Sunday 22 h
    // in UTC and Monday 01 h in Moscow; C8 is Monday 22 h in UTC and Tuesday 01 h in Moscow.
    const wide = (tz: string) => `from=2003-01-12&to=2003-01-15&tz=${tz}`;
    const cells = async (tz: string) =>
      (await as(manager).get(`/api/analytics/heatmap?${wide(tz)}`)).body.rows.map(
        (r: { weekday: number; hour: number; offered: number }) => `${r.weekday}@${r.hour}:${r.offered}`,
      );
    expect(await cells('UTC')).toEqual(['1@9:2', '1@10:3', '1@11:1', '1@20:1', '1@22:1', '7@22:1']);
    expect(await cells('Europe/Moscow')).toEqual(['1@1:1', '1@12:2', '1@13:3', '1@14:1', '1@23:1', '2@1:1']);
  });

  it('daily series: each call on the local day it started', async () => {
    const days = async (tz: string) =>
      (await as(manager).get(`/api/analytics/daily?from=2003-01-12&to=2003-01-15&tz=${tz}`)).body.rows;
    expect(await days('Europe/Moscow')).toEqual([
      // C1–C7 and C9 (01:00 MSK); C7 ends on Tuesday but started on Monday. SL: C1, C7, C9 of 8 − 1 short.
      { date: '2003-01-13', offered: 8, answered: 4, abandoned: 2, shortAbandoned: 1, serviceLevel: 0.4286 },
      { date: '2003-01-14', offered: 1, answered: 1, abandoned: 0, shortAbandoned: 0, serviceLevel: 1 }, // C8
    ]);
    expect(await days('UTC')).toEqual([
      { date: '2003-01-12', offered: 1, answered: 1, abandoned: 0, shortAbandoned: 0, serviceLevel: 1 }, // C9
      // C1–C8; SL: C1 (10 s), C7 (5 s), C8 (2 s) of 8 − 1 short.
      { date: '2003-01-13', offered: 8, answered: 4, abandoned: 2, shortAbandoned: 1, serviceLevel: 0.4286 },
    ]);
    const csv = await as(manager).get(`/api/analytics/daily?from=2003-01-12&to=2003-01-15&tz=UTC&format=csv&lang=en`);
    expect((csv.body as string).split('\r\n')[2]).toBe('2003-01-13,8,4,2,1,0.4286');
  });

  it('a call crossing midnight belongs to the day it started', async () => {
    const tuesday = await as(manager).get(`/api/analytics/summary?from=2003-01-14&to=2003-01-15&tz=Europe/Moscow`);
    // Only C8 (01:30 MSK Tuesday); C7 ended on Tuesday but started on Monday.
    expect(tuesday.body.calls).toMatchObject({ offered: 1, answered: 1, asaSeconds: 2 });
    const ops = await as(manager).get(`/api/analytics/operators?from=2003-01-14&to=2003-01-15&tz=Europe/Moscow`);
    expect(ops.body.rows.map((r: { userId: string }) => r.userId)).toEqual([c.id]);
  });

  it('role access: operators 403, anonymous 401, bad input 400', async () => {
    for (const path of ['summary', 'operators', 'queues', 'heatmap', 'daily']) {
      const denied = await as(operator).get(`/api/analytics/${path}?${msk}`);
      expect(denied.status).toBe(403);
      expect(denied.body.error.code).toBe('FORBIDDEN');
      expect((await new ApiClient(t.baseUrl).get(`/api/analytics/${path}?${msk}`)).status).toBe(401);
    }
    const badTz = await as(manager).get(`/api/analytics/summary?from=${DAY}&to=2003-01-14&tz=Mars/Olympus`);
    expect(badTz.status).toBe(400);
    expect(badTz.body.error.code).toBe('VALIDATION_FAILED');
    expect((await as(manager).get(`/api/analytics/summary?from=2003-01-14&to=${DAY}`)).status).toBe(400);
    expect((await as(manager).get(`/api/analytics/summary?from=2003-02-30&to=2003-03-02`)).status).toBe(400);
    expect((await as(manager).get(`/api/analytics/summary?from=2003-01-01T24:00&to=2003-03-02`)).status).toBe(400);
    expect((await as(manager).get(`/api/analytics/summary?from=${DAY}&to=2003-01-14&evil=1`)).status).toBe(400);
  });

  it('queue wrap-up settings: admins set them (audited), AHT follows, others may only read', async () => {
    const other = `${Q}-other`;
    try {
      expect(
        (await as(manager).request('PUT', `/api/analytics/queue-settings/${other}`, { wrapUpSeconds: 5 })).status,
      ).toBe(403);
      expect(
        (await as(admin).request('PUT', `/api/analytics/queue-settings/${other}`, { wrapUpSeconds: -1 })).status,
      ).toBe(400);
      const set = await as(admin).request('PUT', `/api/analytics/queue-settings/${Q}`, { wrapUpSeconds: 40 });
      expect(set.status).toBe(200);
      expect(set.body).toMatchObject({ queue: Q, wrapUpSeconds: 40 });
      const list = await as(supervisor).get('/api/analytics/queue-settings');
      expect(list.body).toContainEqual(expect.objectContaining({ queue: Q, wrapUpSeconds: 40 }));
      // Q's answered calls without a wrap-up form (C1, C2) now carry 40 s each instead of 10 s: 80 + 0 + 45.
      const summary = await as(manager).get(`/api/analytics/summary?${msk}`);
      expect(summary.body.calls).toMatchObject({ wrapUpSeconds: 125, ahtSeconds: 308.75 }); // (1080 + 30 + 125) / 4
      const audit: { action: string; details: unknown }[] = await t.dataSource.query(
        `SELECT action, details FROM audit_log WHERE actor_id = $1 AND entity = 'queue' AND entity_id = $2`,
        [admin.id, Q],
      );
      expect(audit).toEqual([{ action: 'analytics.queue-wrap-up.set', details: { wrapUpSeconds: 40 } }]);
    } finally {
      await t.dataSource.query(`UPDATE analytics_queue_settings SET wrap_up_seconds = 10 WHERE queue = $1`, [Q]);
    }
  });

  it('exports every table as CSV and XLSX', async () => {
    const csv = await as(manager).get(`/api/analytics/operators?${msk}&format=csv&lang=en`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe(
      'attachment; filename="zvonok-operators-2003-01-13_2003-01-14.csv"',
    );
    const lines = (csv.body as string)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'operator,extension,handled,answered,transfers in,handle s,hold s,wrap-up s,AHT s,ASA s,occupancy',
    );
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^[^,]+,${exts.a},2,2,0,900,30,10,455,7.5,`)));

    for (const path of ['summary', 'queues', 'heatmap']) {
      const res = await as(manager).get(`/api/analytics/${path}?${msk}&format=csv`);
      expect(res.status).toBe(200);
      expect((res.body as string).split('\r\n').length).toBeGreaterThan(2);
    }
    const summaryCsv = (await as(manager).get(`/api/analytics/summary?${msk}&format=csv&lang=en`)).body as string;
    expect(summaryCsv).toContain('\r\nserviceLevel,0.4286,answered with wait <= 20 s / (offered - shortAbandoned)');

    const res = await fetch(`${t.baseUrl}/api/analytics/queues?${msk}&format=xlsx&lang=en`, {
      headers: { cookie: as(manager).cookie! },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await res.arrayBuffer());
    const sheet = workbook.getWorksheet('queues')!;
    expect(sheet.getRow(1).getCell(1).value).toBe('queue');
    const row = [...Array(sheet.rowCount).keys()]
      .map((i) => sheet.getRow(i + 1))
      .find((r) => r.getCell(1).value === Q)!;
    expect(row.getCell(2).value).toBe(7); // offered, a number cell
    expect(row.getCell(7).value).toBe(0.3333); // service level
  });

  it('writes exports in the language asked for, else the profile language: Russian words, no English ones', async () => {
    // Latin a Russian export may carry: abbreviations and codes (ASA, AHT, SL, UTC, RUB — as on the Russian
    // screens), the zone's IANA name and ISO timestamps. Anything else is an English word left in.
    const latin = (text: string) =>
      [
        ...new Set(
          text
            .replaceAll('Europe/Moscow', '')
            .replace(/\d{4}-\d{2}-\d{2}T[\d:.]+Z?/g, '')
            .match(/[A-Za-z][A-Za-z_-]*/g) ?? [],
        ),
      ].filter((w) => !/^[A-Z]{2,4}$/.test(w));
    for (const path of ['summary', 'operators', 'queues', 'heatmap', 'daily']) {
      for (const lang of ['&lang=ru', '']) {
        // The test users' profile language is Russian, so no `lang` means Russian too.
        const res = await as(manager).get(`/api/analytics/${path}?${msk}&format=csv${lang}`);
        expect(res.status).toBe(200);
        // Data is not UI text: our queue and the seeded operators' names ("operator <login>") go first.
        const names = [a, b, c].map((u) => `${u.role} ${u.login}`);
        const text = names
          .reduce((t, name) => t.replaceAll(name, ''), res.body as string)
          .replace(new RegExp(`${Q}[\\w-]*`, 'g'), '');
        expect(latin(text), `${path}${lang}`).toEqual([]);
      }
    }
    const summary = (await as(manager).get(`/api/analytics/summary?${msk}&format=csv&lang=ru`)).body as string;
    expect(summary.split('\r\n')[0]).toBe('Показатель,Значение,Как считается');
    expect(summary).toContain(
      '\r\nУровень сервиса,0.4286,отвечено за ≤ 20 с ÷ (поступило − короткие сбросы); цель 80 %',
    );
    const operators = (await as(manager).get(`/api/analytics/operators?${msk}&format=csv&lang=ru`)).body as string;
    expect(operators.split('\r\n')[0]).toMatch(/^Оператор,Внутр\. номер,Обслужено,/);
  });
});
