import { availableParallelism } from 'node:os';

import { type DataSource } from 'typeorm';

import { type Config } from '@server/config/env';
import { type Logger } from '@server/common/logger/logger';
import { type CallReaction } from '@server/common/calls/call-change';

import { createRecordingReaction } from './recording-ingest.reaction';
import { type OutcomeListener, RecordingIngestQueue } from './recording-ingest.queue';
import { RecordingIngestService } from './recording-ingest.service';
import { scheduleRecordingRetention } from './recording-retention.job';

export interface RecordingsRuntime {
  /** Register with the call pipeline. */
  reaction: CallReaction;
  /** The ingest queue (tests and benches wait for it with `idle()`). */
  queue: RecordingIngestQueue;
  /** Hears how each ingest ended (stored, duplicate, rejected…), for logs and tests. */
  onOutcome(listener: OutcomeListener): void;
  /**
   * Stops the retention timer, stops waiting for files that may never appear and finishes the transcodes under
   * way; the jobs let go are taken up by the next start or another node.
   */
  stop(): Promise<void>;
}

/** Everything the composition root needs for recordings: the ingest queue and its reaction, the retention job. */
export function startRecordings(deps: {
  config: Pick<Config, 'recordingsDir' | 'recordingsStoreDir'> & Partial<Pick<Config, 'recordingIngestConcurrency'>>;
  dataSource: DataSource;
  logger: Logger;
  nodeId?: string;
  /** Days recordings are kept (0: forever), read at each run of the retention job. */
  retentionDays: () => number;
}): RecordingsRuntime {
  const { config, dataSource, logger } = deps;
  const log = logger.child({ module: 'recordings' });
  const ingest = new RecordingIngestService(dataSource, logger, {
    recordingsDir: config.recordingsDir,
    storeDir: config.recordingsStoreDir,
  });
  const queue = new RecordingIngestQueue(dataSource, ingest, log, {
    concurrency: config.recordingIngestConcurrency ?? availableParallelism(),
    ...(deps.nodeId ? { nodeId: deps.nodeId } : {}),
  });
  queue.start();
  // What a previous run of this node (or a crashed one) decided but never wrote down as a job.
  queue
    .recoverUnfinished()
    .then((n) => n && log.info({ queued: n }, 'recordings: queued unfinished ingests'))
    .catch((err: unknown) => log.warn({ err }, 'recordings: could not look for unfinished ingests'));
  const stopRetention = scheduleRecordingRetention({
    dataSource,
    logger,
    storeDir: config.recordingsStoreDir,
    retentionDays: deps.retentionDays,
  });
  return {
    reaction: createRecordingReaction(queue),
    queue,
    onOutcome: (listener) => queue.onOutcome(listener),
    stop: async () => {
      stopRetention();
      await queue.stop();
    },
  };
}
