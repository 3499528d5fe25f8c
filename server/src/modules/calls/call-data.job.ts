import { type DataSource } from 'typeorm';

import { type JobQueue } from '@server/common/jobs/job-queue';
import { type Logger } from '@server/common/logger/logger';
import { uuidV5 } from '@telephony';

import { CallPartitionsRepository, type MonthRange } from './call-partitions.repository';

/** Months of partitions kept made ahead of the current one, so a call never waits for its month. */
export const MONTHS_AHEAD = 3;
const BATCH = 1000;
const QUEUE = 'call-data-maintenance';
const JOB_ID_NAMESPACE = '0d7c58b2-6a3e-4c59-a0a7-5f2d8e1c9b44';

export interface CallDataDeps {
  dataSource: DataSource;
  logger: Logger;
  /** Whole months of calls kept before the current one; 0 keeps calls forever. */
  retentionMonths: number;
  /**
   * Deletes the recordings of the calls about to go, files first (the recordings module's own retention way);
   * `complete: false` when a file could not be deleted, and those calls wait for the next run.
   */
  purgeRecordings: (calls: MonthRange | { ids: string[] }) => Promise<{ complete: boolean }>;
  /** Injected so tests can move time instead of waiting months. */
  now?: () => Date;
}

export interface CallDataRun {
  /** Months whose partitions were made now. */
  created: string[];
  /** Months that could not be made (logged as errors). */
  failed: string[];
  /** Months dropped whole, and how many calls they held. */
  dropped: { month: string; calls: number }[];
  /** Calls of the DEFAULT partition (legacy ids) deleted row by row. */
  defaultDeleted: number;
}

const monthOf = (d: Date, plus = 0) =>
  new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + plus, 1)).toISOString().slice(0, 10);

/**
 * One run of call data upkeep: makes the partitions of this month and MONTHS_AHEAD more (idempotent), then, when a
 * retention is set, drops whole months older than it and deletes the DEFAULT partition's calls started before its
 * start. A month that cannot be made is logged and the run goes on: its calls land in DEFAULT until an operator
 * resolves it, and nothing is lost.
 */
export async function runCallDataMaintenance(deps: CallDataDeps): Promise<CallDataRun> {
  const repo = new CallPartitionsRepository(deps.dataSource);
  const now = (deps.now ?? (() => new Date()))();
  const run: CallDataRun = { created: [], failed: [], dropped: [], defaultDeleted: 0 };
  for (let i = 0; i <= MONTHS_AHEAD; i++) {
    const month = monthOf(now, i);
    try {
      if ((await repo.createMonth(month)) > 0) run.created.push(month);
    } catch (err) {
      run.failed.push(month);
      deps.logger.error({ err, month }, 'call data: could not make the month partitions; its calls go to DEFAULT');
    }
  }
  if (run.created.length) deps.logger.info({ months: run.created }, 'call data: month partitions made');
  if (deps.retentionMonths <= 0) return run;

  const keepFrom = monthOf(now, -deps.retentionMonths);
  for (const month of (await repo.months()).filter((m) => m < keepFrom)) {
    try {
      if (!(await deps.purgeRecordings(await repo.range(month))).complete) continue;
      run.dropped.push({ month, calls: await repo.dropMonth(month) });
    } catch (err) {
      // Rolled back whole (e.g. a row somewhere still refers to one of its rows); retried by the next run.
      deps.logger.error({ err, month }, 'call data: could not drop the month');
    }
  }
  const cutoff = new Date(`${keepFrom}T00:00:00Z`);
  for (;;) {
    const ids = await repo.defaultCallsBefore(cutoff, BATCH);
    if (ids.length === 0) break;
    if (!(await deps.purgeRecordings({ ids })).complete) break;
    await repo.deleteCalls(ids);
    run.defaultDeleted += ids.length;
    if (ids.length < BATCH) break;
  }
  await repo.deleteOrphanDefaultEvents(cutoff);
  if (run.dropped.length || run.defaultDeleted)
    deps.logger.info({ dropped: run.dropped, defaultDeleted: run.defaultDeleted, keepFrom }, 'call data: retention');
  return run;
}

/**
 * Schedules the upkeep once per cluster through the job queue: every node offers the hour's job under an id made
 * from the hour, the queue keeps one, and one node's worker runs it. The retention is read at each run (a company
 * setting, changed without a restart). Returns a stop function.
 */
export async function scheduleCallDataMaintenance(
  deps: Omit<CallDataDeps, 'retentionMonths'> & { jobs: JobQueue; retentionMonths: () => number },
  intervalMs = 3_600_000,
): Promise<() => void> {
  const { jobs, logger } = deps;
  await jobs.queue(QUEUE, { retryLimit: 2, expireInSeconds: 3600, deleteAfterSeconds: 7 * 86_400 });
  await jobs.work(QUEUE, { batchSize: 1, pollingIntervalSeconds: 30 }, async () => {
    await runCallDataMaintenance({ ...deps, retentionMonths: deps.retentionMonths() });
  });
  const offer = () => {
    const slot = new Date(Math.floor(Date.now() / intervalMs) * intervalMs).toISOString();
    jobs
      .insert(QUEUE, [{ id: uuidV5(`${QUEUE}:${slot}`, JOB_ID_NAMESPACE), data: {} }])
      .catch((err: unknown) => logger.warn({ err }, 'call data: could not offer the upkeep job'));
  };
  offer();
  const timer = setInterval(offer, intervalMs).unref();
  return () => clearInterval(timer);
}
