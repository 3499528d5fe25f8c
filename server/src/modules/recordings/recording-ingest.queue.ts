import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';

import { type DataSource } from 'typeorm';

import { type Logger } from '@server/common/logger/logger';

import { type IngestOutcome, type RecordingIngestService } from './recording-ingest.service';

export interface IngestQueueOptions {
  /** Transcodes at once on this node (ffmpeg is CPU-bound: about one per core). */
  concurrency: number;
  /** This node's name on its claims. */
  nodeId?: string;
  /** How often the node looks for jobs nobody holds (retries due, a crashed node's claims). */
  pollMs?: number;
  /** A claim lasts this long unless renewed; a crashed node's jobs are claimed again after it. */
  leaseMs?: number;
  /** Waits before each retry of a job that threw; after the last one the job is rejected as `gave-up`. */
  retryDelaysMs?: readonly number[];
}

export type OutcomeListener = (callId: string, pbxFile: string, outcome: IngestOutcome) => void;

interface Job {
  callId: string;
  pbxFile: string;
  closed: boolean;
  attempts: number;
}

/** typeorm answers an UPDATE … RETURNING with `[rows, count]` and an INSERT … RETURNING with the rows. */
const returned = <T>(result: unknown): T[] =>
  (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];

const RETRY_DELAYS_MS = [1_000, 5_000, 15_000, 60_000, 300_000, 900_000, 3_600_000];

/** A counting semaphore: at most `size` holders at once, the others wait in order. */
class Slots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly size: number) {}
  async take(): Promise<void> {
    if (this.used < this.size) {
      this.used += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.used -= 1;
  }
}

/**
 * The recordings to ingest, kept in `recording_ingests` so none is lost: written when the call's recording is
 * decided, claimed by a node for a lease it renews while it works, deleted once stored. A node that crashes
 * mid-ingest leaves its claims to run out; any node of the same spool then takes them. Many files are waited for
 * at once (waiting costs nothing) and `concurrency` are transcoded at once.
 */
export class RecordingIngestQueue {
  private readonly nodeId: string;
  private readonly inHand = new Map<string, Promise<void>>();
  private readonly slots: Slots;
  private readonly maxInHand: number;
  private readonly listeners: OutcomeListener[] = [];
  private readonly abort = new AbortController();
  private pumping: Promise<void> | undefined;
  private again = false;
  private stopping = false;
  private running = false;
  private poller: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly ingest: RecordingIngestService,
    private readonly logger: Logger,
    private readonly options: IngestQueueOptions,
  ) {
    this.nodeId = options.nodeId ?? randomUUID();
    this.slots = new Slots(Math.max(1, options.concurrency));
    this.maxInHand = Math.max(1, options.concurrency) * 8;
    // Every file in hand waits on this one signal; more than Node's default 10 is expected, not a leak.
    setMaxListeners(this.maxInHand + 1, this.abort.signal);
  }

  /** Polls for jobs nobody holds and renews this node's claims, until `stop`. */
  start(): void {
    this.running = true;
    const lease = this.options.leaseMs ?? 60_000;
    this.poller = setInterval(() => this.kick(), this.options.pollMs ?? 2_000).unref();
    this.heartbeat = setInterval(() => {
      if (this.inHand.size === 0) return;
      this.dataSource
        .query(
          `UPDATE recording_ingests SET claimed_until = now() + make_interval(secs => $3)
           WHERE spool = $1 AND claimed_by = $2`,
          [this.ingest.spool, this.nodeId, lease / 1000],
        )
        .catch((err: unknown) => this.logger.warn({ err }, 'recordings: could not renew the ingest claims'));
    }, lease / 3).unref();
    this.kick();
  }

  /**
   * A recording to ingest. `due`: the file can be read now (the PBX said it is closed, or the call has ended);
   * otherwise it waits for `callEnded`. Idempotent: the same file twice is one job.
   */
  async add(callId: string, pbxFile: string, { closed, due }: { closed: boolean; due: boolean }): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO recording_ingests (spool, call_id, pbx_file, closed, due_at)
       VALUES ($1, $2, $3, $4, CASE WHEN $5 THEN now() ELSE 'infinity' END)
       ON CONFLICT (spool, call_id, pbx_file) DO UPDATE SET
         closed = recording_ingests.closed OR EXCLUDED.closed,
         due_at = LEAST(recording_ingests.due_at, EXCLUDED.due_at)
       WHERE recording_ingests.rejected IS NULL`,
      [this.ingest.spool, callId, pbxFile, closed, due],
    );
    if (due) this.kick();
  }

  /** The call has ended: its recordings that waited for that are due. */
  async callEnded(callId: string): Promise<void> {
    const released = returned(
      await this.dataSource.query(
        `UPDATE recording_ingests SET due_at = now()
         WHERE spool = $1 AND call_id = $2 AND due_at = 'infinity' AND rejected IS NULL RETURNING 1`,
        [this.ingest.spool, callId],
      ),
    );
    if (released.length) this.kick();
  }

  /**
   * Jobs for recordings of calls that ended in the last `hours` and have neither a recording nor a job: what a node
   * lost between deciding the event and writing the job. Returns how many it added.
   */
  async recoverUnfinished(hours = 24): Promise<number> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO recording_ingests (spool, call_id, pbx_file, closed, due_at)
       SELECT DISTINCT $1::text, e.call_id, e.payload->>'file', false, now()
       FROM call_events e JOIN calls c ON c.id = e.call_id
       WHERE e.type = 'recording.ready' AND e.payload->>'file' IS NOT NULL AND c.status = 'ended'
         AND c.ended_at > now() - make_interval(hours => $2)
         AND NOT EXISTS (SELECT 1 FROM recordings r WHERE r.call_id = e.call_id)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [this.ingest.spool, hours],
    );
    if (rows.length) this.kick();
    return rows.length;
  }

  onOutcome(listener: OutcomeListener): void {
    this.listeners.push(listener);
  }

  /** Looks for due jobs now (soon, if a look is under way); a queue not started only looks in `idle()`. */
  kick(force = false): void {
    if (this.stopping || !(this.running || force)) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pump()
      .catch((err: unknown) => this.logger.warn({ err }, 'recordings: could not claim ingest jobs'))
      .finally(() => (this.pumping = undefined));
  }

  /** Resolves once no job of this spool is due and none is in hand (tests, benches). */
  async idle(): Promise<void> {
    for (;;) {
      this.kick(true);
      await this.pumping;
      if (this.inHand.size > 0) {
        await Promise.all(this.inHand.values());
        continue;
      }
      const due: unknown[] = await this.dataSource.query(
        `SELECT 1 FROM recording_ingests WHERE spool = $1 AND rejected IS NULL AND due_at <= now() LIMIT 1`,
        [this.ingest.spool],
      );
      if (due.length === 0 && !this.pumping && this.inHand.size === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /**
   * Claims nothing more, stops waiting for files (they may never appear) and finishes the transcodes under way;
   * the jobs it let go are due again at once, for the next start or another node.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.poller);
    this.abort.abort();
    await this.pumping;
    await Promise.all(this.inHand.values());
    clearInterval(this.heartbeat);
  }

  private async pump(): Promise<void> {
    do {
      this.again = false;
      const room = this.maxInHand - this.inHand.size;
      if (room <= 0 || this.stopping) return;
      const jobs = await this.claim(room);
      for (const job of jobs) this.run(job);
      if (jobs.length === room) this.again = true;
    } while (this.again && !this.stopping);
  }

  private async claim(limit: number): Promise<Job[]> {
    const rows = returned<{ call_id: string; pbx_file: string; closed: boolean; attempts: number }>(
      await this.dataSource.query(
        // MATERIALIZED: the pick runs once. As a FROM item a nested loop may rescan it, and each rescan skips the
        // rows the statement just locked, so one claim took more than $4 jobs (the campaign claim's bug).
        `WITH n AS MATERIALIZED (
           SELECT call_id, pbx_file FROM recording_ingests
           WHERE spool = $1 AND rejected IS NULL AND due_at <= now()
             AND (claimed_until IS NULL OR claimed_until < now())
           ORDER BY due_at LIMIT $4 FOR UPDATE SKIP LOCKED)
         UPDATE recording_ingests j
         SET claimed_by = $2, claimed_until = now() + make_interval(secs => $3), attempts = j.attempts + 1
         FROM n
         WHERE j.spool = $1 AND j.call_id = n.call_id AND j.pbx_file = n.pbx_file
         RETURNING j.call_id, j.pbx_file, j.closed, j.attempts`,
        [this.ingest.spool, this.nodeId, (this.options.leaseMs ?? 60_000) / 1000, limit],
      ),
    );
    return rows.map((r) => ({ callId: r.call_id, pbxFile: r.pbx_file, closed: r.closed, attempts: r.attempts }));
  }

  private run(job: Job): void {
    const key = `${job.callId}\n${job.pbxFile}`;
    const work = this.work(job)
      .catch((err: unknown) => this.logger.error({ err, ...job }, 'recordings: ingest job failed'))
      .finally(() => {
        this.inHand.delete(key);
        this.kick();
      });
    this.inHand.set(key, work);
  }

  private async work(job: Job): Promise<void> {
    let outcome: IngestOutcome;
    try {
      const request = { callId: job.callId, pbxFile: job.pbxFile, closed: job.closed, signal: this.abort.signal };
      const checked = await this.ingest.check(request);
      if ('status' in checked) {
        outcome = checked;
      } else {
        await this.slots.take();
        try {
          outcome = await this.ingest.store(checked);
        } finally {
          this.slots.give();
        }
      }
    } catch (err) {
      await this.retryLater(job, err);
      return;
    }
    await this.settle(job, outcome);
    for (const listener of this.listeners) listener(job.callId, job.pbxFile, outcome);
  }

  private async settle(job: Job, outcome: IngestOutcome): Promise<void> {
    const where = `spool = $1 AND call_id = $2 AND pbx_file = $3`;
    const params = [this.ingest.spool, job.callId, job.pbxFile];
    if (outcome.status === 'stored' || outcome.status === 'duplicate') {
      await this.dataSource.query(`DELETE FROM recording_ingests WHERE ${where}`, params);
    } else if (outcome.status === 'rejected') {
      await this.dataSource.query(
        `UPDATE recording_ingests SET rejected = $4, claimed_by = NULL, claimed_until = NULL WHERE ${where}`,
        [...params, outcome.reason],
      );
    } else {
      // Interrupted by the node's stop: not an attempt; due again at once for whoever starts next.
      await this.dataSource.query(
        `UPDATE recording_ingests SET attempts = attempts - 1, claimed_by = NULL, claimed_until = NULL WHERE ${where}`,
        params,
      );
    }
  }

  private async retryLater(job: Job, err: unknown): Promise<void> {
    const delays = this.options.retryDelaysMs ?? RETRY_DELAYS_MS;
    const delay = delays[job.attempts - 1];
    const message = err instanceof Error ? err.message : String(err);
    if (delay === undefined) {
      this.logger.error({ err, ...job }, 'recording ingest failed; giving up (gave-up)');
    } else {
      this.logger.warn({ err, ...job, retryInMs: delay }, 'recording ingest failed; will retry');
    }
    await this.dataSource.query(
      `UPDATE recording_ingests SET claimed_by = NULL, claimed_until = NULL, last_error = $4,
         due_at = now() + make_interval(secs => $5), rejected = CASE WHEN $6 THEN 'gave-up' END
       WHERE spool = $1 AND call_id = $2 AND pbx_file = $3`,
      [this.ingest.spool, job.callId, job.pbxFile, message.slice(0, 500), (delay ?? 0) / 1000, delay === undefined],
    );
  }
}
