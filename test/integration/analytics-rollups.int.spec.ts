import { randomUUID } from 'node:crypto';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type CallEvent, type Party } from '@telephony';
import { analyticsQuerySchema } from '@contracts/dto/analytics';
import { AnalyticsService } from '@server/modules/analytics/analytics.service';
import { AnalyticsReadModel, type Bounds } from '@server/modules/analytics/analytics.read-model';
import { AnalyticsRollupsRepository, BIN_MS, binOf } from '@server/modules/analytics/analytics-rollups.repository';
import { type RollupWindow } from '@server/modules/analytics/analytics-rollups.service';
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
 * Rollups (analytics_call_bins, analytics_operator_bins|days|months) against the formulas over raw `calls`, in the
 * real Postgres. Random calls live in March 2037, where no other suite writes; each property run replaces them,
 * refreshes their bins as the node does and compares every report read through rollups (whole bins) + calls
 * (partial edges, pending bins) with the same report read from calls alone — the repository's unrounded rows, to the
 * last digit.
 */
const DAY0 = Date.parse('2037-03-02T00:00:00Z');
const SPAN_S = 3 * 86_400;
const ZONES = ['UTC', 'Europe/Moscow', 'Asia/Kathmandu', 'America/St_Johns', 'Australia/Adelaide', 'Europe/London'];

interface RandomCall {
  at: number;
  direction: 'inbound' | 'outbound' | 'internal';
  queue: 0 | 1 | 2;
  disposition: 'answered' | 'missed' | 'abandoned' | 'failed' | 'blocked' | null;
  wait: number | null;
  talk: number | null;
  hold: number;
  operator: 0 | 1 | 2 | 3;
  wrapAfter: number | null;
  transfer: { to: 0 | 1 | 2; after: number } | null;
}

const waitArb = fc.option(fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 4000 })), {
  freq: 8,
});
const callArb: fc.Arbitrary<RandomCall> = fc.record({
  at: fc.integer({ min: 0, max: SPAN_S - 1 }),
  direction: fc.constantFrom('inbound', 'inbound', 'inbound', 'inbound', 'outbound', 'internal'),
  queue: fc.constantFrom(0, 1, 2),
  disposition: fc.constantFrom(
    'answered',
    'answered',
    'answered',
    'missed',
    'abandoned',
    'abandoned',
    'failed',
    'blocked',
    null,
  ),
  wait: waitArb,
  talk: fc.option(fc.integer({ min: 0, max: 3000 }), { freq: 8 }),
  hold: fc.integer({ min: 0, max: 200 }),
  operator: fc.constantFrom(0, 1, 2, 3),
  wrapAfter: fc.option(fc.integer({ min: -30, max: 1200 }), { freq: 2 }),
  transfer: fc.option(fc.record({ to: fc.constantFrom(0, 1, 2), after: fc.integer({ min: 1, max: 3600 }) }), {
    freq: 4,
  }),
});

/** A range inside the calls' days, to the second, so edges often cut bins; sometimes a whole-day range. */
const rangeArb = fc.oneof(
  fc
    .tuple(fc.integer({ min: -3600, max: SPAN_S }), fc.integer({ min: 0, max: SPAN_S }))
    .map(([a, len]) => [a, a + len] as const),
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 3 })).map(([d, n]) => {
    return [d * 86_400, (d + n) * 86_400] as const;
  }),
  // Around the whole of March 2037 (DAY0 is 2 March), so the operators report reads a month row.
  fc
    .tuple(fc.integer({ min: 0, max: 2 * 86_400 }), fc.integer({ min: 0, max: 2 * 86_400 }))
    .map(([a, b]) => [-86_400 - a, 30 * 86_400 + b] as const),
);
const wallClock = (offsetS: number) => new Date(DAY0 + offsetS * 1000).toISOString().slice(0, 19);

describe('analytics rollups equal the raw formulas (real Postgres)', () => {
  let t: TestApp;
  const prefix = suitePrefix('rollups');
  const queues = [`rq1-${prefix}`, `rq2-${prefix}`, null] as const;
  let ops: SeededUser[] = [];
  let exts: string[] = [];
  let manager: SeededUser;
  let repo: AnalyticsReadModel;
  let rollups: AnalyticsRollupsRepository;
  let callIds: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    const ds = t.dataSource;
    const ext = () => String(100000 + Math.floor(Math.random() * 899999));
    exts = [ext(), ext(), ext()];
    ops = [
      await createUser(ds, `${prefix}-a`, 'operator', exts[0]),
      await createUser(ds, `${prefix}-b`, 'operator', exts[1]),
      await createUser(ds, `${prefix}-c`, 'operator', exts[2]),
    ];
    manager = await createUser(ds, `${prefix}-m`, 'manager');
    await ds.query(`INSERT INTO analytics_queue_settings (queue, wrap_up_seconds) VALUES ($1, 17)`, [queues[0]]);
    repo = new AnalyticsReadModel(ds);
    rollups = new AnalyticsRollupsRepository(ds);
  });

  afterAll(async () => {
    if (!t) return;
    await removeCalls();
    await t.dataSource.query(`DELETE FROM analytics_queue_settings WHERE queue = $1`, [queues[0]]);
    await deleteUsers(
      t.dataSource,
      [...ops, manager].map((u) => u.id),
    );
    await t.close();
  });

  async function removeCalls(): Promise<void> {
    if (callIds.length === 0) return;
    await t.dataSource.query(`DELETE FROM call_handlers WHERE call_id = ANY($1)`, [callIds]);
    // The delete trigger refreshes their bins.
    await t.dataSource.query(`DELETE FROM calls WHERE id = ANY($1)`, [callIds]);
    callIds = [];
  }

  async function insertCalls(calls: readonly RandomCall[]): Promise<void> {
    await removeCalls();
    const rows = calls.map((c) => {
      const id = randomUUID();
      const started = new Date(DAY0 + c.at * 1000);
      const ended = c.disposition ? new Date(started.getTime() + ((c.wait ?? 0) + (c.talk ?? 0)) * 1000) : null;
      const operator = c.operator < 3 ? ops[c.operator]! : null;
      return { id, c, started, ended, operator };
    });
    callIds = rows.map((r) => r.id);
    await t.dataSource.query(
      `INSERT INTO calls (id, source, direction, from_raw, to_raw, queue, operator_id, status, started_at, ended_at,
         wait_seconds, talk_seconds, hold_seconds, disposition, wrap_up_at)
       SELECT x.id, 'ami', x.direction, '+79160000000', '7000', x.queue, x.operator_id,
         CASE WHEN x.disposition IS NULL THEN 'ringing' ELSE 'ended' END, x.started_at, x.ended_at,
         x.wait_seconds, x.talk_seconds, x.hold_seconds, x.disposition,
         x.ended_at + make_interval(secs => x.wrap_after)
       FROM json_to_recordset($1::json) AS x(id uuid, direction text, queue text, operator_id uuid,
         started_at timestamptz, ended_at timestamptz, wait_seconds int, talk_seconds int, hold_seconds int,
         disposition text, wrap_after int)`,
      [
        JSON.stringify(
          rows.map(({ id, c, started, ended, operator }) => ({
            id,
            direction: c.direction,
            queue: queues[c.queue],
            operator_id: operator?.id ?? null,
            started_at: started.toISOString(),
            ended_at: ended?.toISOString() ?? null,
            wait_seconds: c.wait,
            talk_seconds: c.talk,
            hold_seconds: c.hold,
            disposition: c.disposition,
            wrap_after: c.wrapAfter,
          })),
        ),
      ],
    );
    // Who handled it: the first operator answered, a transfer moved it on (rows within the day after the start).
    const handlers = rows.flatMap(({ id, c, started }) => {
      if (c.disposition !== 'answered' || c.operator === 3) return [];
      const answeredAt = new Date(started.getTime() + (c.wait ?? 0) * 1000);
      const first = { call_id: id, seq: 2, kind: 'answered', ext: exts[c.operator]!, at: answeredAt };
      if (!c.transfer) return [first];
      const at = new Date(answeredAt.getTime() + c.transfer.after * 1000);
      return [first, { call_id: id, seq: 3, kind: 'transferred', ext: exts[c.transfer.to]!, at }];
    });
    await t.dataSource.query(
      `INSERT INTO call_handlers (call_id, seq, kind, extension, user_id, at)
       SELECT x.call_id, x.seq, x.kind, x.ext, (SELECT id FROM users WHERE extension = x.ext), x.at
       FROM json_to_recordset($1::json) AS x(call_id uuid, seq int, kind text, ext text, at timestamptz)`,
      [JSON.stringify(handlers)],
    );
    await rollups.refresh(rows.map((r) => binOf(r.started)));
  }

  /** Every call report of the repository for these bounds, unrounded. */
  async function reports(b: Bounds, tz: string, sl: number, short: number) {
    const queueRows = await repo.queueKpis(b, sl, short);
    return {
      calls: await repo.callKpis(b, sl, short),
      transferred: await repo.transferredCalls(b),
      queues: queueRows.filter((q) => q.queue === null || q.queue.endsWith(prefix)),
      operators: (await repo.operatorKpis(b)).filter((o) => ops.some((u) => u.id === o.user_id)),
      heatmap: await repo.heatmap(b, tz, short),
      daily: await repo.daily(b, tz, sl, short),
    };
  }

  function windowOf(b: Bounds, staleEvery: number): RollupWindow | null {
    const binFrom = Math.ceil(b.fromUtc.getTime() / BIN_MS) * BIN_MS;
    const binTo = Math.floor(b.toUtc.getTime() / BIN_MS) * BIN_MS;
    if (binFrom >= binTo) return null;
    const stale: Date[] = [];
    if (staleEvery > 0) for (let x = binFrom; x < binTo; x += BIN_MS * staleEvery) stale.push(new Date(x));
    return { binFrom: new Date(binFrom), binTo: new Date(binTo), stale };
  }

  const DAY_MS = 86_400_000;
  const [MARCH, APRIL] = [new Date('2037-03-01T00:00:00Z'), new Date('2037-04-01T00:00:00Z')];
  const wholeDays = (w: RollupWindow) =>
    Math.ceil(w.binFrom.getTime() / DAY_MS) < Math.floor(w.binTo.getTime() / DAY_MS);

  it('random calls, ranges, zones and thresholds: rollups + edges = raw, to the last digit', async () => {
    let compared = 0;
    let withRollupBins = 0;
    let withRollupDays = 0;
    let withRollupMonths = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(callArb, { minLength: 0, maxLength: 120 }),
        fc.array(
          fc.tuple(
            rangeArb,
            fc.constantFrom(...ZONES),
            fc.integer({ min: 1, max: 3600 }),
            fc.integer({ min: 0, max: 120 }),
            // Pending bins: none, many, or a few days apart (a month or day with one is read a level finer).
            fc.constantFrom(0, 0, 3, 7, 500),
          ),
          { minLength: 1, maxLength: 4 },
        ),
        async (calls, ranges) => {
          await insertCalls(calls);
          for (const [[from, to], tz, sl, short, staleEvery] of ranges) {
            const bounds = await repo.bounds(wallClock(from), wallClock(to), tz);
            const raw = await reports(bounds, tz, sl, short);
            const window = windowOf(bounds, staleEvery);
            if (window) withRollupBins++;
            // The operators report reads whole UTC days from analytics_operator_days, the other bins per bin.
            if (window && wholeDays(window)) withRollupDays++;
            if (window && window.binFrom <= MARCH && window.binTo >= APRIL) withRollupMonths++;
            const rolled = await reports({ ...bounds, rollup: window }, tz, sl, short);
            expect(rolled).toEqual(raw);
            compared++;
          }
        },
      ),
      { numRuns: 60 },
    );
    // The property compared something real: most ranges had whole bins read from the rollups.
    expect(withRollupBins).toBeGreaterThan(compared / 2);
    expect(withRollupDays).toBeGreaterThan(compared / 5);
    expect(withRollupMonths).toBeGreaterThan(0);
    // 60 runs of database work: 35 s on a quiet machine, past the suite's 60 s on a busy one.
  }, 180_000);

  it('a hand-picked day: rollup rows hold the histograms, and the service with rollups answers as raw', async () => {
    const at = (h: number, m: number) => (h * 3600 + m * 60) % SPAN_S;
    const base: Omit<RandomCall, 'at'> = {
      direction: 'inbound',
      queue: 0,
      disposition: 'answered',
      wait: 5,
      talk: 100,
      hold: 0,
      operator: 0,
      wrapAfter: null,
      transfer: null,
    };
    await insertCalls([
      { ...base, at: at(9, 1) },
      { ...base, at: at(9, 2), wait: 25 },
      { ...base, at: at(9, 3), disposition: 'abandoned', wait: 3, operator: 3 },
      { ...base, at: at(9, 4), disposition: 'abandoned', wait: null, operator: 3 },
      { ...base, at: at(9, 5), operator: 1, transfer: { to: 2, after: 30 } },
    ]);
    const [row] = (await t.dataSource.query(
      `SELECT offered, answered, abandoned, transferred, wait_n, wait_sum, answered_wait_le, abandoned_wait_le
       FROM analytics_call_bins WHERE bin = $1 AND queue = $2 AND operator_id IS NULL AND direction = 'inbound'`,
      [new Date(DAY0 + 9 * 3_600_000), queues[0]],
    )) as Record<string, unknown>[];
    // Waits 5, 25, 5 answered (le[k+1] = how many ≤ k, up to the longest, 25 s); abandons 3 and none (= 0).
    expect(row).toMatchObject({ offered: 5, answered: 3, abandoned: 2, transferred: 1, wait_n: 3, wait_sum: '35' });
    expect((row!.answered_wait_le as number[]).slice(0, 7)).toEqual([0, 0, 0, 0, 0, 2, 2]);
    expect((row!.answered_wait_le as number[]).length).toBe(26);
    expect(row!.abandoned_wait_le).toEqual([1, 1, 1, 2]);
    // Operator a handled two alone; b's call was transferred, so it has no operator row.
    const opRows = (await t.dataSource.query(
      `SELECT operator_id, answered FROM analytics_call_bins WHERE bin = $1 AND operator_id IS NOT NULL`,
      [new Date(DAY0 + 9 * 3_600_000)],
    )) as { operator_id: string; answered: number }[];
    expect(opRows).toEqual([{ operator_id: ops[0]!.id, answered: 2 }]);
    // The operator rollups split the transferred call: b from its answer to the transfer 30 s later, c the rest
    // (105 s after the start − 35 s); the day row is the sum of the day's bins.
    const opBins = async (table: string, key: string, at: number) =>
      (await t.dataSource.query(
        `SELECT operator_id, handled, answered, transfers_in, handle::float8 AS handle, wait_n FROM ${table}
         WHERE ${key} = $1 ORDER BY handled DESC, transfers_in`,
        [new Date(at)],
      )) as Record<string, unknown>[];
    const split = [
      { operator_id: ops[0]!.id, handled: 2, answered: 2, transfers_in: 0, handle: 200, wait_n: 2 },
      { operator_id: ops[1]!.id, handled: 1, answered: 1, transfers_in: 0, handle: 30, wait_n: 1 },
      { operator_id: ops[2]!.id, handled: 1, answered: 0, transfers_in: 1, handle: 70, wait_n: 0 },
    ];
    expect(await opBins('analytics_operator_bins', 'bin', DAY0 + 9 * 3_600_000)).toEqual(split);
    expect(await opBins('analytics_operator_days', 'day', DAY0)).toEqual(split);
    expect(await opBins('analytics_operator_months', 'month', Date.parse('2037-03-01T00:00:00Z'))).toEqual(split);

    const q = analyticsQuerySchema.parse({ from: '2037-03-02', to: '2037-03-03', tz: 'UTC', slSeconds: 5 });
    const withRollups = new AnalyticsService(t.dataSource, undefined, undefined, {
      window: (from: Date, to: Date) => windowOf({ fromUtc: from, toUtc: to }, 0),
    });
    const rawOnly = new AnalyticsService(t.dataSource);
    const summary = await withRollups.summary(q);
    expect(summary.calls).toMatchObject({ offered: 5, answered: 3, answeredWithinSl: 2, shortAbandoned: 2 });
    expect(summary).toEqual(await rawOnly.summary(q));
    expect(await withRollups.daily(q)).toEqual(await rawOnly.daily(q));
    expect(await withRollups.operators(q)).toEqual(await rawOnly.operators(q));
  });

  it('late changes through the node: a wrap-up sent over HTTP refreshes its bin, and a refresh twice changes nothing', async () => {
    const base: Omit<RandomCall, 'at'> = {
      direction: 'inbound',
      queue: 1,
      disposition: 'answered',
      wait: 4,
      talk: 60,
      hold: 0,
      operator: 0,
      wrapAfter: null,
      transfer: null,
    };
    await insertCalls([{ ...base, at: 10 * 3600 }]);
    const bin = new Date(DAY0 + 10 * 3_600_000);
    const read = async () =>
      (await t.dataSource.query(
        `SELECT wrap_default_n, wrap_measured::float8 AS wrap_measured FROM analytics_call_bins
         WHERE bin = $1 AND queue = $2 AND operator_id IS NULL`,
        [bin, queues[1]],
      )) as { wrap_default_n: number; wrap_measured: number }[];
    expect(await read()).toEqual([{ wrap_default_n: 1, wrap_measured: 0 }]);

    const client = new ApiClient(t.baseUrl);
    expect((await client.login(ops[0]!.login, TEST_PASSWORD)).status).toBe(200);
    // The call "ends" in 2037, after this wrap-up: a measured wrap-up is never negative, so 0 s.
    const res = await client.patch(`/api/calls/${callIds[0]}/wrap-up`, { outcome: 'sale', note: '' });
    expect(res.status).toBe(200);
    await t.services.analyticsRollups.drain();
    expect(await read()).toEqual([{ wrap_default_n: 0, wrap_measured: 0 }]);
    await rollups.refresh([bin, bin]);
    await rollups.refresh([bin]);
    expect(await read()).toEqual([{ wrap_default_n: 0, wrap_measured: 0 }]);
  });

  it('through the node pipeline: an ended call reaches its bin, and a deleted one leaves it', async () => {
    const callId = randomUUID();
    const startedAt = new Date(DAY0 + 2 * 86_400_000 + 12 * 3_600_000 + 7 * 60_000);
    const party: Party = { raw: '+79160000001', e164: '+79160000001', extension: null, name: null, anonymous: false };
    const common = {
      callId,
      legId: callId,
      externalIds: { linkedid: `ru-${callId}` },
      direction: 'inbound' as const,
      from: party,
      to: { ...party, raw: '7000', e164: null, extension: '7000' },
      queue: queues[1]!,
      source: 'ami' as const,
    };
    const at = (s: number) => new Date(startedAt.getTime() + s * 1000).toISOString();
    const events: CallEvent[] = [
      { ...common, type: 'call.created', seq: 1, occurredAt: at(0) },
      {
        ...common,
        type: 'call.ended',
        seq: 2,
        occurredAt: at(12),
        cause: 'cancel',
        answered: false,
        abandoned: true,
        waitSeconds: 12,
        talkSeconds: 0,
      },
    ];
    for (const e of events) await t.node.bus.publish(e);
    const offered = async () =>
      (await t.dataSource.query(
        `SELECT coalesce(sum(offered), 0)::int AS n FROM analytics_call_bins
         WHERE bin = $1 AND queue = $2 AND operator_id IS NULL`,
        [binOf(startedAt), queues[1]],
      )) as { n: number }[];
    await expect.poll(async () => (await offered())[0]!.n, { timeout: 10_000 }).toBe(1);
    await t.dataSource.query(`DELETE FROM leads WHERE source_call_id = $1`, [callId]);
    await t.dataSource.query(`DELETE FROM call_events WHERE call_id = $1`, [callId]);
    await t.dataSource.query(`DELETE FROM calls WHERE id = $1`, [callId]);
    expect((await offered())[0]!.n).toBe(0);
  });
});
