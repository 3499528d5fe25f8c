/**
 * One recordings ingest queue on DATABASE_URL in a process of its own, for the crash test to SIGKILL mid-ingest:
 * `tsx test/support/recording-ingest-worker.ts <spool> <store> <ffmpeg> <leaseMs>`.
 */
import { pino } from 'pino';

import { createDatabase } from '@server/db/data-source';
import { MediaTools } from '@server/modules/recordings/media-tools';
import { RecordingIngestQueue } from '@server/modules/recordings/recording-ingest.queue';
import { RecordingIngestService } from '@server/modules/recordings/recording-ingest.service';

const [spool = '', store = '', ffmpeg = 'ffmpeg', leaseMs = '1500'] = process.argv.slice(2);
const database = await createDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: 'unused-with-database-url' });
await database.dataSource.initialize();
const logger = pino({ level: 'silent' });
const service = new RecordingIngestService(database.dataSource, logger, {
  recordingsDir: spool,
  storeDir: store,
  media: new MediaTools({ ffmpegPath: ffmpeg }),
});
new RecordingIngestQueue(database.dataSource, service, logger, {
  concurrency: 1,
  nodeId: 'doomed-node',
  pollMs: 100,
  leaseMs: Number(leaseMs),
}).start();
