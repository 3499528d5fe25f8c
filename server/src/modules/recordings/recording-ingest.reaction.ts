import { type DataSource } from 'typeorm';

import { type Logger } from '@server/common/logger/logger';
import { type CallReaction } from '@server/common/calls/call-change';

import { type IngestOutcome, type RecordingIngestService } from './recording-ingest.service';

export interface RecordingReaction {
  reaction: CallReaction;
  /** Resolves when every queued ingest has finished (tests). */
  idle(): Promise<void>;
  /**
   * Graceful shutdown: finishes the ingest in hand and starts no other; what was queued is left to the next
   * start's `recoverUnfinished` (a file that never appears would otherwise hold the node up for its timeout).
   */
  stop(): Promise<void>;
  /**
   * Queues recordings of calls that ended in the last `hours` but have no recording row: an ingest a crashed or
   * restarted node never finished. Returns how many files were queued.
   */
  recoverUnfinished(hours?: number): Promise<number>;
  /** Outcomes in completion order, for diagnostics and tests. */
  onOutcome(listener: (callId: string, pbxFile: string, outcome: IngestOutcome) => void): void;
}

/** Waits before each retry of an ingest that threw (database or disk trouble), about two minutes in all. */
const RETRY_DELAYS_MS = [1_000, 2_000, 5_000, 10_000, 30_000, 60_000];

/**
 * Ingests a call's recordings once the call has ended. Work is queued and done one file at a time off the event
 * consumer: waiting for MixMonitor to close the file and running ffmpeg take seconds, which must not delay the
 * next call's screen pop, and one ffmpeg at a time leaves the other core to the web node.
 *
 * Triggers: `call.ended` (every `recording.ready` stored for the call so far) and a `recording.ready` that arrives
 * after the end. Both may name the same file; the pending set and the storage key's unique constraint make that
 * one row.
 */
export function createRecordingReaction(
  ingest: RecordingIngestService,
  dataSource: DataSource,
  logger: Logger,
): RecordingReaction {
  const pending = new Set<string>();
  const listeners: ((callId: string, pbxFile: string, outcome: IngestOutcome) => void)[] = [];
  let tail: Promise<void> = Promise.resolve();
  let stopping = false;

  const enqueue = (callId: string, pbxFile: string, attempt = 0) => {
    const key = `${callId}\n${pbxFile}`;
    if (pending.has(key)) return;
    pending.add(key);
    let failed = false;
    tail = tail
      .then(async () => {
        if (stopping) return;
        const outcome = await ingest.ingest(callId, pbxFile);
        for (const listener of listeners) listener(callId, pbxFile, outcome);
      })
      .catch((err: unknown) => {
        // A throw is the database or the disk failing, not a bad file (that is an outcome): try again later,
        // so an outage during the ingest does not leave the call without its recording.
        failed = attempt < RETRY_DELAYS_MS.length;
        if (failed) logger.warn({ err, callId, pbxFile, attempt }, 'recording ingest failed; will retry');
        else logger.error({ err, callId, pbxFile }, 'recording ingest failed; giving up until the next start');
      })
      .finally(() => {
        pending.delete(key);
        if (!failed || stopping) return;
        // unref: a pending retry never holds a stopping node up (the next start recovers the file).
        setTimeout(() => enqueue(callId, pbxFile, attempt + 1), RETRY_DELAYS_MS[attempt]).unref();
      });
  };

  const reaction: CallReaction = async ({ event, after: call }) => {
    if (event.type === 'recording.ready') {
      if (call.status === 'ended') enqueue(call.id, event.file);
      return;
    }
    if (event.type !== 'call.ended') return;
    const rows: { file: string }[] = await dataSource.query(
      `SELECT DISTINCT payload->>'file' AS file FROM call_events WHERE call_id = $1 AND type = 'recording.ready'`,
      [call.id],
    );
    for (const { file } of rows) if (file) enqueue(call.id, file);
  };

  const recoverUnfinished = async (hours = 24): Promise<number> => {
    const rows: { call_id: string; file: string }[] = await dataSource.query(
      `SELECT DISTINCT e.call_id, e.payload->>'file' AS file
       FROM call_events e JOIN calls c ON c.id = e.call_id
       WHERE e.type = 'recording.ready' AND c.status = 'ended' AND c.ended_at > now() - make_interval(hours => $1)
         AND NOT EXISTS (SELECT 1 FROM recordings r WHERE r.call_id = e.call_id)`,
      [hours],
    );
    for (const r of rows) if (r.file) enqueue(r.call_id, r.file);
    return rows.length;
  };

  return {
    reaction,
    recoverUnfinished,
    idle: async () => {
      // A task may enqueue nothing further, but wait until the chain stops growing.
      let seen: Promise<void> | undefined;
      while (seen !== tail) {
        seen = tail;
        await seen;
      }
    },
    stop: async () => {
      stopping = true;
      await tail;
    },
    onOutcome: (listener) => listeners.push(listener),
  };
}
