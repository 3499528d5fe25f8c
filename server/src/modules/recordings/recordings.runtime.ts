import { type DataSource } from 'typeorm';

import { type Config } from '@server/config/env';
import { type Logger } from '@server/common/logger/logger';
import { type CallReaction } from '@server/common/calls/call-change';

import { createRecordingReaction, type RecordingReaction } from './recording-ingest.reaction';
import { RecordingIngestService } from './recording-ingest.service';
import { scheduleRecordingRetention } from './recording-retention.job';

export interface RecordingsRuntime {
  /** Register with the call pipeline. */
  reaction: CallReaction;
  /** Hears how each ingest ended (stored, duplicate, rejected…), for logs and tests. */
  onOutcome: RecordingReaction['onOutcome'];
  /** Stops the retention timer and lets the ingest in hand finish; queued ones wait for the next start. */
  stop(): Promise<void>;
}

/** Everything the composition root needs for recordings: the ingest reaction and the retention job. */
export function startRecordings(deps: {
  config: Pick<Config, 'recordingsDir' | 'recordingsStoreDir'>;
  dataSource: DataSource;
  logger: Logger;
  /** Days recordings are kept (0: forever), read at each run of the retention job. */
  retentionDays: () => number;
}): RecordingsRuntime {
  const { config, dataSource, logger } = deps;
  const ingest = new RecordingIngestService(dataSource, logger, {
    recordingsDir: config.recordingsDir,
    storeDir: config.recordingsStoreDir,
  });
  const reaction = createRecordingReaction(ingest, dataSource, logger);
  // Whatever a previous run of this node (or a crashed one) left half done; files already stored are skipped.
  reaction
    .recoverUnfinished()
    .then((n) => n && logger.info({ queued: n }, 'recordings: re-queued unfinished ingests'))
    .catch((err: unknown) => logger.warn({ err }, 'recordings: could not look for unfinished ingests'));
  const stopRetention = scheduleRecordingRetention({
    dataSource,
    logger,
    storeDir: config.recordingsStoreDir,
    retentionDays: deps.retentionDays,
  });
  return {
    reaction: reaction.reaction,
    onOutcome: (listener) => reaction.onOutcome(listener),
    stop: async () => {
      stopRetention();
      await reaction.stop();
    },
  };
}
