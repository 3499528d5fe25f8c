import { rm } from 'node:fs/promises';

import { type DataSource } from 'typeorm';

import { type Logger } from '@server/common/logger/logger';

import { storedFilePath } from './recording-paths';
import { type RecordingCalls, RecordingsRepository } from './recordings.repository';

export interface RetentionDeps {
  dataSource: DataSource;
  logger: Logger;
  storeDir: string;
  /** 0 keeps recordings forever. */
  retentionDays: number;
  /** Injected so tests can move time instead of waiting days. */
  now?: () => Date;
}

const BATCH = 500;

/**
 * Deletes recordings whose row is older than the retention period: the file first, then the row, so a failure
 * leaves a row the next run retries rather than an unreachable file nobody will ever delete. Returns how many
 * recordings were removed.
 */
export async function purgeExpiredRecordings(deps: RetentionDeps): Promise<number> {
  if (deps.retentionDays <= 0) return 0;
  const repo = new RecordingsRepository(deps.dataSource);
  const cutoff = new Date((deps.now ?? (() => new Date()))().getTime() - deps.retentionDays * 86_400_000);
  const { removed } = await removeRecordings(deps, (limit) => repo.olderThan(cutoff, limit));
  if (removed) deps.logger.info({ removed, cutoff: cutoff.toISOString() }, 'retention: expired recordings deleted');
  return removed;
}

/**
 * Deletes the recordings of calls that call data retention is about to drop, the same way (file first, then row):
 * a partition's drop fires no cascade, and a cascade would leave the files. `complete` is false when a file could
 * not be deleted: the calls must then wait for the next run.
 */
export async function purgeRecordingsOfCalls(
  deps: Pick<RetentionDeps, 'dataSource' | 'logger' | 'storeDir'>,
  calls: RecordingCalls,
): Promise<{ removed: number; complete: boolean }> {
  const repo = new RecordingsRepository(deps.dataSource);
  return removeRecordings(deps, (limit) => repo.ofCalls(calls, limit));
}

async function removeRecordings(
  deps: Pick<RetentionDeps, 'dataSource' | 'logger' | 'storeDir'>,
  next: (limit: number) => Promise<{ id: string; storageKey: string }[]>,
): Promise<{ removed: number; complete: boolean }> {
  const repo = new RecordingsRepository(deps.dataSource);
  let removed = 0;
  for (;;) {
    const batch = await next(BATCH);
    if (batch.length === 0) return { removed, complete: true };
    const done: string[] = [];
    for (const r of batch) {
      const file = storedFilePath(deps.storeDir, r.storageKey);
      try {
        if (file) await rm(file, { force: true });
        done.push(r.id);
      } catch (err) {
        deps.logger.warn({ err, recordingId: r.id }, 'retention: could not delete recording file; will retry');
      }
    }
    if (done.length) await repo.delete(done);
    removed += done.length;
    if (done.length < batch.length) return { removed, complete: false };
    if (batch.length < BATCH) return { removed, complete: true };
  }
}

/**
 * Runs the purge now and then every `intervalMs`, with the retention read at each run (a company setting, changed
 * without a restart); returns a stop function.
 */
export function scheduleRecordingRetention(
  deps: Omit<RetentionDeps, 'retentionDays'> & { retentionDays: () => number },
  intervalMs = 3_600_000,
): () => void {
  const run = () => {
    purgeExpiredRecordings({ ...deps, retentionDays: deps.retentionDays() }).catch((err: unknown) =>
      deps.logger.error({ err }, 'retention job failed'),
    );
  };
  run();
  const timer = setInterval(run, intervalMs).unref();
  return () => clearInterval(timer);
}
