import { randomUUID } from 'node:crypto';

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
 * Figures for every role (issue #20) over a hand-built day, 2004-02-10 UTC, recorded through the real CallStore
 * into the real Postgres. Team T (led by supervisor S) has operators A and B; X is outside it. Queue Q has no
 * wrap-up setting, so AHT is handle time only.
 *
 *   I1 09:00 inbound Q  answered by A after 10 s, talk 200 s                      → A in 1, handle 200
 *   I2 09:10 inbound Q  answered by B after 5 s, transferred to A 40 s later, talk 100 → B handle 40, A handle 60
 *   M1 10:00 inbound from N1 missed after 30 s; O1 10:30 A calls N1, answered, talk 50 → returned by A
 *   M2 11:00 inbound from N2 abandoned after 20 s, nobody called back
 *   O2 12:00 outbound: A's phone rings, A hangs up before the far end answers         → attempt, no connect
 *   N  13:00 internal, answered by B, talk 30                                          → B internal 1/1/30
 *   X1 14:00 inbound Q answered by X, talk 500                                         → X only
 * A: callbacks due 2 (one in time, one late), one lead converted and one deal won that day.
 * Today (UTC), A answers one more call, so A's day target for calls in (2) is half met.
 */
const DAY = '2004-02-10';
const at = (time: string) => `${DAY}T${time}Z`;
const plus = (iso: string, s: number) => new Date(Date.parse(iso) + s * 1000).toISOString();
const range = `from=${DAY}&to=2004-02-11&tz=UTC`;

const party = (raw: string, e164: string | null): Party => ({
  raw,
  e164,
  extension: null,
  name: null,
  anonymous: false,
});

describe('analytics for every role (real Postgres)', () => {
  let t: TestApp;
  const prefix = suitePrefix('anroles');
  const Q = `q-${prefix}`;
  const n = Math.floor(Math.random() * 9_000_000) + 1_000_000;
  const N1 = `+7916${n}`;
  const N2 = `+7917${n}`;
  const ext = () => String(100000 + Math.floor(Math.random() * 899999));
  const exts = { a: ext(), b: ext(), x: ext() };
  let a: SeededUser;
  let b: SeededUser;
  let x: SeededUser;
  let s: SeededUser;
  let m: SeededUser;
  let teamId: string;
  const callIds: string[] = [];
  const clients = new Map<string, ApiClient>();
  const as = (u: SeededUser) => clients.get(u.id)!;

  async function record(
    direction: 'inbound' | 'outbound' | 'internal',
    created: string,
    opts: {
      from?: Party;
      to?: Party;
      ring?: string;
      answer?: { agent: string; wait: number; talk: number };
      transfer?: { agent: string; after: number };
      unanswered?: { wait: number; abandoned: boolean };
      queue?: string;
    },
  ): Promise<string> {
    const callId = randomUUID();
    callIds.push(callId);
    const common = {
      callId,
      legId: callId,
      externalIds: { linkedid: `ar-${callId}` },
      direction,
      from: opts.from ?? party('89160000000', '+79160000000'),
      to: opts.to ?? party('7000', null),
      source: 'ami' as const,
      ...(opts.queue ? { queue: opts.queue } : {}),
    };
    let seq = 1;
    const out: CallEvent[] = [{ ...common, type: 'call.created', seq: seq++, occurredAt: created }];
    if (opts.ring) out.push({ ...common, type: 'call.ringing', seq: seq++, occurredAt: created, agentId: opts.ring });
    const ended = { ...common, type: 'call.ended' as const, cause: 'normal-clearing' as const };
    if (opts.answer) {
      const { agent, wait, talk } = opts.answer;
      const answeredAt = plus(created, wait);
      out.push({
        ...common,
        type: 'call.answered',
        seq: seq++,
        occurredAt: answeredAt,
        agentId: agent,
        waitSeconds: wait,
      });
      if (opts.transfer)
        out.push({
          ...common,
          type: 'call.transferred',
          seq: seq++,
          occurredAt: plus(answeredAt, opts.transfer.after),
          kind: 'blind',
          fromAgentId: agent,
          agentId: opts.transfer.agent,
        });
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
      const { wait, abandoned } = opts.unanswered!;
      out.push({
        ...ended,
        cause: abandoned ? 'cancel' : 'no-answer',
        seq,
        occurredAt: plus(created, wait),
        answered: false,
        abandoned,
        waitSeconds: wait,
        talkSeconds: 0,
      });
    }
    await recordCallEvents(t.dataSource, out);
    return callId;
  }

  beforeAll(async () => {
    t = await startTestApp();
    const ds = t.dataSource;
    a = await createUser(ds, `${prefix}-a`, 'operator', exts.a);
    b = await createUser(ds, `${prefix}-b`, 'operator', exts.b);
    x = await createUser(ds, `${prefix}-x`, 'operator', exts.x);
    s = await createUser(ds, `${prefix}-s`, 'supervisor');
    m = await createUser(ds, `${prefix}-m`, 'manager');
    [{ id: teamId }] = await ds.query(`INSERT INTO teams (name, supervisor_id) VALUES ($1, $2) RETURNING id`, [
      `${prefix} team`,
      s.id,
    ]);
    await ds.query(`UPDATE users SET team_id = $1 WHERE id = ANY($2)`, [teamId, [a.id, b.id]]);
    for (const u of [a, b, s, m]) {
      const client = new ApiClient(t.baseUrl);
      await client.login(u.login, TEST_PASSWORD);
      clients.set(u.id, client);
    }

    await record('inbound', at('09:00:00'), { queue: Q, answer: { agent: exts.a, wait: 10, talk: 200 } });
    await record('inbound', at('09:10:00'), {
      queue: Q,
      answer: { agent: exts.b, wait: 5, talk: 100 },
      transfer: { agent: exts.a, after: 40 },
    });
    await record('inbound', at('10:00:00'), {
      queue: Q,
      from: party(N1.replace('+7', '8'), N1),
      unanswered: { wait: 30, abandoned: false },
    });
    await record('outbound', at('10:30:00'), {
      from: party(exts.a, null),
      to: party(N1, N1),
      ring: exts.a,
      answer: { agent: exts.a, wait: 4, talk: 50 },
    });
    await record('inbound', at('11:00:00'), {
      queue: Q,
      from: party(N2.replace('+7', '8'), N2),
      unanswered: { wait: 20, abandoned: true },
    });
    await record('outbound', at('12:00:00'), {
      from: party(exts.a, null),
      to: party('+74950000000', '+74950000000'),
      ring: exts.a,
      unanswered: { wait: 15, abandoned: true },
    });
    await record('internal', at('13:00:00'), {
      from: party(exts.a, null),
      to: party(exts.b, null),
      answer: { agent: exts.b, wait: 3, talk: 30 },
    });
    await record('inbound', at('14:00:00'), { queue: Q, answer: { agent: exts.x, wait: 2, talk: 500 } });
    // Today: one answered call for A, started a minute ago (or at midnight UTC, whichever is later).
    const nowMs = Date.now();
    const todayStart = Math.max(nowMs - 60_000, Date.parse(new Date(nowMs).toISOString().slice(0, 10)));
    await record('inbound', new Date(todayStart).toISOString(), {
      queue: Q,
      answer: { agent: exts.a, wait: 1, talk: 5 },
    });

    await ds.query(
      `INSERT INTO tasks (title, kind, due_at, done_at, assignee_id) VALUES
         ('${prefix} in time', 'callback', $1, $2, $5), ('${prefix} late', 'callback', $3, $4, $5)`,
      [at('10:00:00'), at('09:55:00'), at('11:00:00'), at('11:30:00'), a.id],
    );
    const [deal] = await ds.query(
      `INSERT INTO deals (title, stage, amount, currency, owner_id, created_at, closed_at)
       VALUES ($1, 'won', 1500, 'RUB', $2, $3, $4) RETURNING id, pipeline_id`,
      [`${prefix} D1`, a.id, at('08:00:00'), at('15:00:00')],
    );
    // Its path: new 08:00 → qualification 08:01:40 (100 s) → won 08:06:40 (300 s). A second deal stays on `new`.
    await ds.query(
      `INSERT INTO deal_stage_history (deal_id, from_stage, to_pipeline_id, to_stage, changed_at) VALUES
         ($1, NULL, $2, 'new', $3), ($1, 'new', $2, 'qualification', $4), ($1, 'qualification', $2, 'won', $5)`,
      [deal.id, deal.pipeline_id, at('08:00:00'), at('08:01:40'), at('08:06:40')],
    );
    const [open] = await ds.query(
      `INSERT INTO deals (title, stage, amount, currency, owner_id, created_at) VALUES ($1, 'new', 10, 'RUB', $2, $3)
       RETURNING id, pipeline_id`,
      [`${prefix} D2`, b.id, at('08:30:00')],
    );
    await ds.query(
      `INSERT INTO deal_stage_history (deal_id, to_pipeline_id, to_stage, changed_at) VALUES ($1, $2, 'new', $3)`,
      [open.id, open.pipeline_id, at('08:30:00')],
    );
    await ds.query(
      `INSERT INTO leads (source, status, name, owner_id, created_at, deal_id, utm) VALUES
         ('call', 'converted', '${prefix} L1', $1, $2, $3, NULL),
         ('web', 'new', '${prefix} L2', $1, $2, NULL, NULL),
         ('web', 'converted', '${prefix} L3', $1, $2, $3, '{"campaign":"spring"}'),
         ('import', 'new', '${prefix} L4', $4, $2, NULL, NULL)`,
      [a.id, at('09:00:00'), deal.id, b.id],
    );
    // The trigger stamps conversions with now(); this day's conversion happened at noon.
    await ds.query(`UPDATE leads SET converted_at = $1 WHERE name = $2`, [at('12:00:00'), `${prefix} L1`]);
    await ds.query(`UPDATE leads SET converted_at = NULL WHERE name = $1`, [`${prefix} L3`]);
  });

  afterAll(async () => {
    const ds = t.dataSource;
    await ds.query(`DELETE FROM call_handlers WHERE call_id = ANY($1)`, [callIds]);
    await ds.query(`DELETE FROM call_events WHERE call_id = ANY($1)`, [callIds]);
    await ds.query(`DELETE FROM calls WHERE id = ANY($1)`, [callIds]);
    await ds.query(`DELETE FROM leads WHERE name LIKE $1`, [`${prefix}%`]);
    await ds.query(`DELETE FROM deals WHERE title LIKE $1`, [`${prefix}%`]);
    await ds.query(`DELETE FROM tasks WHERE title LIKE $1`, [`${prefix}%`]);
    await ds.query(`DELETE FROM teams WHERE id = $1`, [teamId]);
    await deleteUsers(ds, [a.id, b.id, x.id, s.id, m.id]);
    await t.close();
  });

  it("gives an operator their own figures for the range and nobody else's", async () => {
    const res = await as(a).get(`/api/analytics/me?${range}`);
    expect(res.status).toBe(200);
    expect(res.body.dashboard.userId).toBe(a.id);
    expect(res.body.dashboard.period).toEqual({
      callsIn: 2,
      outbound: { attempts: 2, connects: 1, talkSeconds: 50 },
      internal: { attempts: 0, connects: 0, talkSeconds: 0 },
      // 200 (I1) + 60 (I2 after the transfer) + 50 (O1)
      talkSeconds: 310,
      ahtSeconds: 130,
      missedReturned: 1,
      callbacksDue: 2,
      callbacksInTime: 1,
      callbacksInTimeRate: 0.5,
      conversions: 1,
      dealsWon: 1,
    });
    const other = await as(b).get(`/api/analytics/me?${range}`);
    expect(other.body.dashboard.period).toMatchObject({
      callsIn: 1,
      internal: { attempts: 1, connects: 1, talkSeconds: 30 },
      talkSeconds: 70,
      ahtSeconds: 40,
      missedReturned: 0,
    });
    // No way to name someone else.
    expect((await as(a).get(`/api/analytics/me?${range}&userId=${b.id}`)).status).toBe(400);
  });

  it('refuses operators every report over other people', async () => {
    for (const path of ['team', 'sales', 'call-directions', 'summary', 'operators'])
      expect((await as(a).get(`/api/analytics/${path}?${range}`)).status, path).toBe(403);
    const put = await as(a).request('PUT', `/api/analytics/targets/${a.id}`, {
      metric: 'calls-in',
      period: 'day',
      value: 1,
    });
    expect(put.status).toBe(403);
  });

  it("lets a supervisor set targets for their team only, and the operator sees today's progress", async () => {
    const set = (userId: string, body: object) => as(s).request('PUT', `/api/analytics/targets/${userId}`, body);
    expect((await set(a.id, { metric: 'calls-in', period: 'day', value: 2 })).status).toBe(204);
    expect((await set(a.id, { metric: 'calls-in', period: 'month', value: 4 })).status).toBe(204);
    expect((await set(a.id, { metric: 'deals-won', period: 'month', value: 3 })).status).toBe(204);
    expect((await set(a.id, { metric: 'deals-won', period: 'month', value: null })).status).toBe(204);
    expect((await set(x.id, { metric: 'calls-in', period: 'day', value: 2 })).status).toBe(404);
    expect((await set(a.id, { metric: 'calls-in', period: 'week', value: 2 })).status).toBe(400);
    expect((await set(a.id, { metric: 'calls-in', period: 'day', value: 0 })).status).toBe(400);
    expect(
      (await as(m).request('PUT', `/api/analytics/targets/${a.id}`, { metric: 'calls-in', period: 'day', value: 1 }))
        .status,
    ).toBe(403);

    const res = await as(a).get(`/api/analytics/me?${range}`);
    expect(res.body.dashboard.today.callsIn).toBe(1);
    const targets = res.body.dashboard.targets.map((t: Record<string, unknown>) => [
      t.metric,
      t.period,
      t.value,
      t.actual,
      t.progress,
      t.setBy,
    ]);
    expect(targets).toEqual([
      ['calls-in', 'day', 2, 1, 0.5, `supervisor ${s.login}`],
      ['calls-in', 'month', 4, 1, 0.25, `supervisor ${s.login}`],
    ]);
    const audit = await t.dataSource.query(
      `SELECT details FROM audit_log WHERE actor_id = $1 AND action = 'analytics.target.set' ORDER BY at`,
      [s.id],
    );
    expect(audit.map((r: { details: unknown }) => r.details)).toContainEqual({
      metric: 'deals-won',
      period: 'month',
      value: null,
    });
  });

  it("shows a team supervisor their members' dashboards and a manager every operator", async () => {
    const team = await as(s).get(`/api/analytics/team?${range}`);
    expect(team.status).toBe(200);
    const ids = team.body.rows.map((r: { userId: string }) => r.userId);
    expect(ids.sort()).toEqual([a.id, b.id].sort());
    const all = await as(m).get(`/api/analytics/team?${range}`);
    const xRow = all.body.rows.find((r: { userId: string }) => r.userId === x.id);
    expect(xRow.period).toMatchObject({ callsIn: 1, talkSeconds: 500, ahtSeconds: 500 });
  });

  it('counts outbound and internal calls per user, and each call once in the totals', async () => {
    const res = await as(s).get(`/api/analytics/call-directions?${range}`);
    expect(res.status).toBe(200);
    const byUser = Object.fromEntries(res.body.rows.map((r: { userId: string }) => [r.userId, r]));
    expect(byUser[a.id]).toMatchObject({
      outbound: { attempts: 2, connects: 1, talkSeconds: 50 },
      internal: { attempts: 0, connects: 0, talkSeconds: 0 },
    });
    expect(byUser[b.id].internal).toEqual({ attempts: 1, connects: 1, talkSeconds: 30 });
    expect(res.body.totals).toEqual({
      outbound: { attempts: 2, connects: 1, talkSeconds: 50 },
      internal: { attempts: 1, connects: 1, talkSeconds: 30 },
    });
  });

  it('gives managers sales per owner, lead channels with lead → deal conversion, and time in stage', async () => {
    const res = await as(m).get(`/api/analytics/sales?${range}`);
    expect(res.status).toBe(200);
    const owner = res.body.owners.find((o: { userId: string }) => o.userId === a.id);
    expect(owner).toEqual({
      userId: a.id,
      name: `operator ${a.login}`,
      dealsCreated: 1,
      dealsWon: 1,
      dealsLost: 0,
      wonAmounts: [{ currency: 'RUB', amount: 1500 }],
      leads: 3,
      leadsWithDeal: 2,
    });
    expect(res.body.channels).toEqual(
      expect.arrayContaining([
        { channel: 'call', leads: 1, withDeal: 1, conversion: 1 },
        { channel: 'form', leads: 1, withDeal: 0, conversion: 0 },
        { channel: 'campaign', leads: 1, withDeal: 1, conversion: 1 },
        { channel: 'import', leads: 1, withDeal: 0, conversion: 0 },
      ]),
    );
    const funnel = await as(m).get(`/api/analytics/funnel?${range}`);
    const median = Object.fromEntries(
      funnel.body.stages.map((st: { key: string; medianSecondsInStage: number | null }) => [
        st.key,
        st.medianSecondsInStage,
      ]),
    );
    expect(median).toMatchObject({ new: 100, qualification: 300, proposal: null, won: null });
  });

  it('exports my-stats, team, sales and call directions as CSV with the figures of the JSON', async () => {
    const lines = async (u: SeededUser, path: string) => {
      const res = await as(u).get(`/api/analytics/${path}?${range}&format=csv&lang=en`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      return (res.body as string)
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
    };
    const mine = await lines(a, 'me');
    expect(mine[0]).toBe(
      'name,extension,period,calls in,outbound attempts,outbound connects,outbound talk s,internal attempts,' +
        'internal connects,internal talk s,talk time s,AHT s,missed calls returned,callbacks due,callbacks on time,' +
        'callbacks on time rate,conversions,deals won',
    );
    // The range row: the same figures as the JSON test above.
    expect(mine[2]).toBe(`operator ${a.login},${exts.a},range,2,2,1,50,0,0,0,310,130,1,2,1,0.5,1,1`);
    const team = await lines(s, 'team');
    expect(team.filter((l) => l.startsWith(`operator ${a.login},`))).toHaveLength(2);
    const sales = await lines(m, 'sales');
    expect(sales).toContain(`operator ${a.login},1,1,0,1500 RUB,3,2,0.6667`);
    expect(sales).toContain('channel: call,,,,,1,1,1');
    const directions = await lines(s, 'call-directions');
    expect(directions.at(-1)).toBe('totals,2,1,50,1,1,30');
    expect((await as(a).get(`/api/analytics/team?${range}&format=csv`)).status).toBe(403);
  });
});
