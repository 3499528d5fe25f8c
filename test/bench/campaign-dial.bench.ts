import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

import { type OriginateRequest, type TelephonyProvider } from '@telephony';
import { createDatabase } from '@server/db/data-source';
import { CampaignDialer } from '@server/modules/campaigns/campaign-dialer';
import { CampaignsRepository } from '@server/modules/campaigns/campaigns.repository';
import { startTestNode, testLogger, type TestApp } from '@test/support/api-server';
import { type Figure, percentile } from '@test/bench/figure';

/**
 * Campaign dialling decisions (issue #19): a 100,000-record list with 100 operators. One decision is what the dialer
 * does per dial before the Originate (`CampaignDialer.claim`: the cross-node claim of the next due record in one
 * transaction, its attempt row, then the rules at dial time — campaign still running, not do-not-call or blocked,
 * inside the callee's window), for the next operator in turn. The baseline, interleaved in the same run, is the bare
 * SQL that picks the next due record (`SELECT … ORDER BY next_due_at LIMIT 1 FOR UPDATE SKIP LOCKED`). Each claimed
 * record is put back due far ahead (not timed), so every decision walks the same list.
 *
 * Then the time from "operator became available" (`AgentsService.setState` called) to "originate sent" (the dialer
 * calls the provider's `originate`), on the same list and operators, the campaign progressive: a dialer built as the
 * node builds it, its originate going to a fake sink (no PBX in the loop: Asterisk's own Originate handling is not in
 * the figure). The dialer runs as on a node: its timer at the node's `CAMPAIGN_TICK_MS` and woken by the agent state
 * change; each cycle starts at a random phase of the timer, so a wake-up that is lost shows as up to a tick more.
 * Each cycle's baseline is the bare pick SQL above, in the same cycle.
 */
const RECORDS = 100_000;
const OPERATORS = 100;
const RUNS = 1_000;
const WARM_UP = 50;
/** Bounded: each cycle waits half a tick on average first (the random phase). */
const CYCLES = 120;
const ORIGINATE_TIMEOUT_MS = 15_000;

export async function runCampaignDialBench(databaseUrl: string): Promise<Figure[]> {
  const database = await createDatabase({ databaseUrl, dataDir: 'unused-with-database-url' });
  await database.dataSource.initialize();
  // The node as main.ts composes it (its dial policy, settings and contacts), on the bench's database.
  process.env.DATABASE_URL ??= databaseUrl;
  const app = await startTestNode({ databaseUrl }, { database });
  const db = database.dataSource;
  const dialer = app.services.campaignDialer;
  dialer.stop();
  const repo = new CampaignsRepository(db);
  const tag = randomUUID().slice(0, 8);
  try {
    const users = (await db.query(
      `INSERT INTO users (login, password_hash, name, role, extension)
       SELECT 'cd-' || $1 || '-' || g, 'x', 'Оператор ' || g, 'operator', (50000 + g)::text
       FROM generate_series(1, $2::int) g RETURNING id`,
      [tag, OPERATORS],
    )) as { id: string }[];
    // Preview mode: the node's own ticks (stopped anyway) never dial it; claims work the same for both modes.
    const [{ id: campaignId }] = (await db.query(
      `INSERT INTO campaigns (name, mode, caller_id, call_window, retry_rules, dispositions, status)
       VALUES ($1, 'preview', '+74950000000', '{"from":"00:00","to":"24:00"}',
               '{"maxAttempts":3,"busy":15,"no-answer":120,"failed":60,"abandoned":30}', '{sale}', 'running')
       RETURNING id`,
      [`bench ${tag}`],
    )) as [{ id: string }];
    await db.query(`INSERT INTO campaign_operators (campaign_id, user_id) SELECT $1, unnest($2::uuid[])`, [
      campaignId,
      users.map((u) => u.id),
    ]);
    await db.query(
      `INSERT INTO campaign_records (campaign_id, phone_e164, name, next_due_at)
       SELECT $1, '+7495' || lpad(g::text, 7, '0'), 'Клиент ' || g, now() - make_interval(secs => g)
       FROM generate_series(1, $2::int) g`,
      [campaignId, RECORDS],
    );
    await db.query('ANALYZE campaign_records; ANALYZE campaign_attempts');
    const campaign = (await repo.find(campaignId))!;
    const later = new Date(Date.now() + 365 * 86_400_000);

    const decisions: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < WARM_UP + RUNS; i++) {
      let t = performance.now();
      await db.query(
        `SELECT id FROM campaign_records WHERE campaign_id = $1 AND state = 'pending' AND next_due_at <= now()
         ORDER BY next_due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [campaignId],
      );
      const bare = performance.now() - t;
      t = performance.now();
      const claimed = await dialer.claim(campaign, users[i % OPERATORS]!.id);
      const decided = performance.now() - t;
      if (!claimed) throw new Error('campaign-dial bench: no record claimed');
      await repo.dropAttempt(claimed.attempt.id, { state: 'pending', nextDueAt: later });
      if (i >= WARM_UP) {
        baseline.push(bare);
        decisions.push(decided);
      }
    }
    decisions.sort((a, b) => a - b);
    baseline.sort((a, b) => a - b);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const details = { records: RECORDS, operators: OPERATORS, runs: RUNS };
    await db.query(`UPDATE campaigns SET mode = 'progressive' WHERE id = $1`, [campaignId]);
    // A fresh agent is available: every other operator of the campaign takes a break, so each cycle dials once.
    for (const u of users.slice(1)) await app.services.agents.setState(u, u.id, { state: 'break' });
    const toOriginate = await availableToOriginate(app, campaignId, users[0]!.id, later);
    return [
      ...toOriginate,
      {
        figure: 'dial decision p50',
        value: percentile(decisions, 50),
        baseline: percentile(baseline, 50),
        ratio: percentile(decisions, 50) / percentile(baseline, 50),
        unit: 'ms',
        details,
      },
      {
        figure: 'dial decision p95',
        value: percentile(decisions, 95),
        baseline: percentile(baseline, 95),
        ratio: percentile(decisions, 95) / percentile(baseline, 95),
        unit: 'ms',
        details,
      },
      {
        figure: 'dial decisions per second (one at a time)',
        value: 1000 / mean(decisions),
        baseline: 1000 / mean(baseline),
        ratio: mean(baseline) / mean(decisions),
        unit: '/s',
        details,
      },
    ];
  } finally {
    await db.query(`DELETE FROM campaign_attempts WHERE campaign_id IN (SELECT id FROM campaigns WHERE name = $1)`, [
      `bench ${tag}`,
    ]);
    await db.query(`DELETE FROM campaigns WHERE name = $1`, [`bench ${tag}`]);
    await db.query(`DELETE FROM users WHERE login LIKE $1`, [`cd-${tag}-%`]);
    await app.close();
    await database.close();
  }
}

/**
 * Cycles of: operator available → the dialer claims, checks and originates → the bench takes the operator off
 * (break) and puts the record back. The other operators are on a break, so each cycle dials exactly once.
 */
async function availableToOriginate(app: TestApp, campaignId: string, userId: string, later: Date): Promise<Figure[]> {
  const db = app.dataSource;
  const repo = new CampaignsRepository(db);
  const agents = app.services.agents;
  let sent: ((at: number) => void) | undefined;
  let attemptId = '';
  // The dialer calls only these two; a PBX would start ringing the operator's phone here.
  const sink: Pick<TelephonyProvider, 'isUp' | 'originate'> = {
    isUp: () => true,
    originate: (request: OriginateRequest) => {
      sent?.(performance.now());
      attemptId = request.requestId;
      return Promise.resolve();
    },
  };
  const dialer = new CampaignDialer({
    repo,
    dialPolicy: app.services.dialPolicy,
    agents,
    telephony: sink as TelephonyProvider,
    settings: () => app.services.settings.current(),
    logger: testLogger('bench'),
    nodeId: 'bench',
  });
  const tickMs = app.node.config.campaigns.tickMs;
  const me = { id: userId };
  const pick = async () => {
    const t = performance.now();
    await db.query(
      `SELECT id FROM campaign_records WHERE campaign_id = $1 AND state = 'pending' AND next_due_at <= now()
       ORDER BY next_due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
      [campaignId],
    );
    return performance.now() - t;
  };
  const cycle = async (): Promise<number> => {
    const originated = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('campaign-dial bench: no originate')), ORIGINATE_TIMEOUT_MS);
      sent = (at) => {
        clearTimeout(timer);
        resolve(at);
      };
    });
    const t0 = performance.now();
    await agents.setState(me, userId, { state: 'available' });
    const elapsed = (await originated) - t0;
    sent = undefined;
    // The attempt stays live (the operator busy) until the operator is off, so no second dial slips in.
    await dialer.idle();
    await agents.setState(me, userId, { state: 'break' });
    await repo.dropAttempt(attemptId, { state: 'pending', nextDueAt: later });
    return elapsed;
  };

  await agents.setState(me, userId, { state: 'break' });
  const times: number[] = [];
  const base: number[] = [];
  dialer.start(tickMs);
  try {
    for (let i = 0; i < CYCLES; i++) {
      base.push(await pick());
      await new Promise((resolve) => setTimeout(resolve, Math.random() * tickMs));
      times.push(await cycle());
    }
  } finally {
    dialer.stop();
    await dialer.idle();
  }
  times.sort((a, b) => a - b);
  base.sort((a, b) => a - b);
  return ([50, 95, 99] as const).map((p) => ({
    figure: `available → originate sent p${p} (timer ${tickMs} ms + wake-up; fake originate sink, no PBX)`,
    value: percentile(times, p),
    baseline: percentile(base, p),
    ratio: percentile(times, p) / percentile(base, p),
    unit: 'ms',
    details: { cycles: CYCLES, tickMs, originate: 'fake sink (no PBX)', baseline: 'bare pick SQL, same cycles' },
  }));
}
