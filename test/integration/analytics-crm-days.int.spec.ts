import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AnalyticsReadModel, type Bounds } from '@server/modules/analytics/analytics.read-model';
import { AnalyticsRollupsRepository } from '@server/modules/analytics/analytics-rollups.repository';
import { waitFor } from '@test/support/services/ports';
import {
  type SeededUser,
  type TestApp,
  createUser,
  deleteUsers,
  startTestApp,
  suitePrefix,
} from '@test/support/api-server';

/**
 * The CRM day rollups (analytics_callback_days, analytics_lead_days, migration 1764004100000) against the summary's
 * raw formulas, in the real Postgres. Random callback tasks, leads and deals live in June 2039, where no other suite
 * writes. Each run changes some of them afterwards (a callback done late, a lead's owner, a deal won or lost, a lead
 * deleted): the triggers mark their days, and the summary's CRM figures read through the rollups must equal the raw
 * ones both while those marks are pending and after the refresh, for any range and team, to the last digit.
 */
const DAY0 = Date.parse('2039-06-02T00:00:00Z');
const SPAN_S = 5 * 86_400;
const STAGES = ['new', 'proposal', 'won', 'lost'] as const;

interface RandomTask {
  dueAt: number;
  done: number | null;
  assignee: 0 | 1 | 2;
}
interface RandomLead {
  at: number;
  source: 'call' | 'manual';
  status: 'new' | 'converted' | 'junk';
  owner: 0 | 1 | 2;
  deal: (typeof STAGES)[number] | null;
}
interface Change {
  task: number;
  done: number | null;
  lead: number;
  owner: 0 | 1 | 2;
  stage: (typeof STAGES)[number];
  drop: boolean;
}

const taskArb = fc.record({
  dueAt: fc.integer({ min: 0, max: SPAN_S - 1 }),
  done: fc.option(fc.integer({ min: -7200, max: 7200 }), { freq: 4 }),
  assignee: fc.constantFrom(0, 1, 2),
});
const leadArb = fc.record({
  at: fc.integer({ min: 0, max: SPAN_S - 1 }),
  source: fc.constantFrom('call', 'manual'),
  status: fc.constantFrom('new', 'converted', 'junk'),
  owner: fc.constantFrom(0, 1, 2),
  deal: fc.option(fc.constantFrom(...STAGES), { freq: 2 }),
});
const changeArb = fc.record({
  task: fc.nat(),
  done: fc.option(fc.integer({ min: -3600, max: 86_400 }), { freq: 3 }),
  lead: fc.nat(),
  owner: fc.constantFrom(0, 1, 2),
  stage: fc.constantFrom(...STAGES),
  drop: fc.boolean(),
});
/** To the second, so edges cut days; sometimes the whole span and more. */
const rangeArb = fc.oneof(
  fc
    .tuple(fc.integer({ min: -86_400, max: SPAN_S }), fc.integer({ min: 0, max: SPAN_S + 86_400 }))
    .map(([a, len]) => [a, a + len] as const),
  fc.constant([-86_400, SPAN_S + 86_400] as const),
);

describe('analytics CRM day rollups equal the raw formulas (real Postgres)', () => {
  let t: TestApp;
  const prefix = suitePrefix('crm-days');
  let users: SeededUser[] = [];
  let repo: AnalyticsReadModel;
  let rollups: AnalyticsRollupsRepository;

  beforeAll(async () => {
    t = await startTestApp();
    users = [
      await createUser(t.dataSource, `${prefix}-a`, 'operator'),
      await createUser(t.dataSource, `${prefix}-b`, 'operator'),
      await createUser(t.dataSource, `${prefix}-c`, 'operator'),
    ];
    repo = new AnalyticsReadModel(t.dataSource);
    rollups = new AnalyticsRollupsRepository(t.dataSource);
  });

  afterAll(async () => {
    if (!t) return;
    await clear();
    await deleteUsers(
      t.dataSource,
      users.map((u) => u.id),
    );
    await t.close();
  });

  const span = [new Date(DAY0 - 2 * 86_400_000), new Date(DAY0 + SPAN_S * 1000 + 2 * 86_400_000)];
  const at = (offsetS: number) => new Date(DAY0 + offsetS * 1000).toISOString();

  async function clear(): Promise<void> {
    const ds = t.dataSource;
    await ds.query(`DELETE FROM tasks WHERE kind = 'callback' AND due_at >= $1 AND due_at < $2`, span);
    const deals = await ds.query(
      `DELETE FROM leads WHERE created_at >= $1 AND created_at < $2 RETURNING deal_id`,
      span,
    );
    const ids = (deals as { deal_id: string | null }[]).flatMap((d) => (d.deal_id ? [d.deal_id] : []));
    await ds.query(`DELETE FROM deals WHERE id = ANY($1::uuid[])`, [ids]);
    await rollups.refreshCrm();
  }

  async function insert(tasks: readonly RandomTask[], leads: readonly RandomLead[]): Promise<void> {
    const ds = t.dataSource;
    await ds.query(
      `INSERT INTO tasks (title, kind, due_at, done_at, assignee_id)
       SELECT 'crm-days', 'callback', x.due_at, x.done_at, x.assignee_id
       FROM json_to_recordset($1::json) AS x(due_at timestamptz, done_at timestamptz, assignee_id uuid)`,
      [
        JSON.stringify(
          tasks.map((k) => ({
            due_at: at(k.dueAt),
            done_at: k.done === null ? null : at(k.dueAt + k.done),
            assignee_id: users[k.assignee]!.id,
          })),
        ),
      ],
    );
    for (const l of leads) {
      const [deal] = l.deal
        ? ((await ds.query(`INSERT INTO deals (title, stage) VALUES ('crm-days', $1) RETURNING id`, [l.deal])) as {
            id: string;
          }[])
        : [];
      await ds.query(
        `INSERT INTO leads (source, status, name, owner_id, deal_id, created_at) VALUES ($1, $2, 'crm-days', $3, $4, $5)`,
        [l.source, l.status, users[l.owner]!.id, deal?.id ?? null, at(l.at)],
      );
    }
  }

  /** Late changes, one statement each, as the CRM's screens make them. */
  async function change(changes: readonly Change[]): Promise<void> {
    const ds = t.dataSource;
    const tasks = (await ds.query(`SELECT id FROM tasks WHERE due_at >= $1 AND due_at < $2 ORDER BY id`, span)) as {
      id: string;
    }[];
    const leads = (await ds.query(
      `SELECT id, deal_id FROM leads WHERE created_at >= $1 AND created_at < $2 ORDER BY id`,
      span,
    )) as { id: string; deal_id: string | null }[];
    for (const c of changes) {
      const task = tasks[c.task % Math.max(tasks.length, 1)];
      if (task) {
        await ds.query(
          `UPDATE tasks SET done_at = CASE WHEN $2::int IS NULL THEN NULL ELSE due_at + make_interval(secs => $2::int) END
           WHERE id = $1`,
          [task.id, c.done],
        );
      }
      const lead = leads[c.lead % Math.max(leads.length, 1)];
      if (!lead) continue;
      if (c.drop) await ds.query(`DELETE FROM leads WHERE id = $1`, [lead.id]);
      else await ds.query(`UPDATE leads SET owner_id = $2 WHERE id = $1`, [lead.id, users[c.owner]!.id]);
      if (lead.deal_id) await ds.query(`UPDATE deals SET stage = $2 WHERE id = $1`, [lead.deal_id, c.stage]);
    }
  }

  async function pending(): Promise<number> {
    const [row] = (await t.dataSource.query(
      `SELECT count(*)::int AS n FROM analytics_crm_dirty WHERE day >= $1 AND day < $2`,
      span,
    )) as { n: number }[];
    return row!.n;
  }

  /** Refreshes until no mark of these days is left (a node's own timer may be refreshing at the same moment). */
  const settle = () =>
    waitFor(async () => (await rollups.refreshCrm()) >= 0 && (await pending()) === 0, {
      what: 'CRM day marks refreshed',
      timeoutMs: 10_000,
    });

  const bounds = (a: number, b: number, team: number[] | null): Bounds => ({
    fromUtc: new Date(DAY0 + a * 1000),
    toUtc: new Date(DAY0 + b * 1000),
    members: team ? team.map((i) => users[i]!.id) : null,
  });

  it('random tasks, leads, deals, late changes, ranges and teams: day rollups + edges = raw, pending or refreshed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(taskArb, { maxLength: 40 }),
        fc.array(leadArb, { maxLength: 25 }),
        fc.array(changeArb, { maxLength: 6 }),
        fc.array(fc.tuple(rangeArb, fc.option(fc.subarray([0, 1, 2], { minLength: 1 }), { freq: 3 })), {
          minLength: 1,
          maxLength: 4,
        }),
        async (tasks, leads, changes, ranges) => {
          await clear();
          await insert(tasks, leads);
          await settle();
          await change(changes);
          const compare = async () => {
            for (const [[a, b], team] of ranges) {
              const raw = await repo.crm(bounds(a, b, team));
              const rolled = await repo.crm({ ...bounds(a, b, team), crmDays: true });
              expect(rolled, `range ${a}..${b} s, team ${JSON.stringify(team)}`).toEqual(raw);
            }
          };
          await compare(); // the changed days pending (unless a node's timer was quicker): read from the rows
          await settle();
          await compare(); // every whole day from the rollups
        },
      ),
      { numRuns: 25 },
    );
  }, 180_000);

  it('a refreshed day is read from the rollup: its row counts what the rows say', async () => {
    await clear();
    await insert(
      [
        { dueAt: 3600, done: -60, assignee: 0 },
        { dueAt: 7200, done: 600, assignee: 0 },
        { dueAt: 9000, done: null, assignee: 1 },
      ],
      [
        { at: 100, source: 'call', status: 'converted', owner: 2, deal: 'won' },
        { at: 200, source: 'manual', status: 'new', owner: 2, deal: null },
      ],
    );
    await settle();
    const day = new Date(DAY0);
    expect(
      await t.dataSource.query(
        `SELECT assignee_id, due, in_time, late, open FROM analytics_callback_days WHERE day = $1 ORDER BY due DESC`,
        [day],
      ),
    ).toEqual([
      { assignee_id: users[0]!.id, due: 2, in_time: 1, late: 1, open: 0 },
      { assignee_id: users[1]!.id, due: 1, in_time: 0, late: 0, open: 1 },
    ]);
    expect(
      await t.dataSource.query(
        `SELECT owner_id, created, from_calls, converted, with_deal, with_won_deal FROM analytics_lead_days
         WHERE day = $1`,
        [day],
      ),
    ).toEqual([{ owner_id: users[2]!.id, created: 2, from_calls: 1, converted: 1, with_deal: 1, with_won_deal: 1 }]);
    // The summary reads that row: a count put into it by hand shows (then the day is marked and recomputed).
    const whole = { fromUtc: new Date(DAY0), toUtc: new Date(DAY0 + 86_400_000), crmDays: true };
    await t.dataSource.query(`UPDATE analytics_lead_days SET created = created + 1000 WHERE day = $1`, [day]);
    expect(await repo.crm(whole)).toMatchObject({ leads_created: 1002 });
    await t.dataSource.query(`INSERT INTO analytics_crm_dirty (kind, day) VALUES ('lead', $1)`, [day]);
    expect(await repo.crm(whole)).toMatchObject({ leads_created: 2 });
    await settle();
    expect(await repo.crm(whole)).toMatchObject({ leads_created: 2, leads_with_won_deal: 1 });
    // The deal lost afterwards: its lead's day is marked by the deals trigger, and the summary follows.
    await t.dataSource.query(
      `UPDATE deals SET stage = 'lost' WHERE id = (SELECT deal_id FROM leads WHERE created_at = $1)`,
      [new Date(DAY0 + 100_000)],
    );
    expect(await repo.crm(whole)).toMatchObject({ leads_with_deal: 1, leads_with_won_deal: 0, callbacks_due: 3 });
    await settle();
    expect(await repo.crm(whole)).toMatchObject({ leads_with_deal: 1, leads_with_won_deal: 0, callbacks_due: 3 });
  });
});
