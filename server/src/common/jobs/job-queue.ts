import type pg from 'pg';
import { PgBoss, type WorkHandler, type WorkOptions } from 'pg-boss';
import { type DataSource } from 'typeorm';

import { type Logger } from '@server/common/logger/logger';

/** pg-boss keeps its own tables in this schema (made and upgraded by pg-boss itself, under an advisory lock). */
export const JOB_SCHEMA = 'zvonok_jobs';

/**
 * The persistent job queue (pg-boss) on the node's own database connection pool: the same pool TypeORM uses, so
 * the embedded database's single connection is shared in turn rather than fought over (PGlite serves one backend;
 * a second pool would interleave messages on it). Workers poll; nothing here needs LISTEN.
 */
export class JobQueue {
  private readonly boss: PgBoss;
  private started = false;

  constructor(dataSource: DataSource, logger: Logger) {
    const pool = () => (dataSource.driver as unknown as { master: pg.Pool }).master;
    this.boss = new PgBoss({
      db: { executeSql: (text, values) => pool().query(text, values) },
      schema: JOB_SCHEMA,
      // No cron schedules; supervision (expiring stalled jobs, retention) stays on, on every node.
      schedule: false,
      registerInstance: false,
    });
    this.boss.on('error', (err: unknown) => logger.warn({ err }, 'job queue error'));
  }

  async start(): Promise<void> {
    if (this.started) return;
    await this.boss.start();
    this.started = true;
  }

  /** Waits for the jobs in hand (up to `timeoutMs`), then stops polling. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.boss.stop({ graceful: true, timeout: timeoutMs, close: false });
  }

  isStarted(): boolean {
    return this.started;
  }

  /** Creates the queue or brings its options up to date (both are idempotent across nodes). */
  async queue(name: string, options: Parameters<PgBoss['createQueue']>[1]): Promise<void> {
    if (await this.boss.getQueue(name)) await this.boss.updateQueue(name, options);
    else await this.boss.createQueue(name, options);
  }

  /** Inserts jobs; a job whose `id` exists already is left as it is (so enqueuing twice is enqueuing once). */
  async insert<T extends object>(name: string, jobs: { id?: string; data: T; startAfter?: Date }[]): Promise<void> {
    if (jobs.length) await this.boss.insert(name, jobs);
  }

  work<T>(name: string, options: WorkOptions, handler: WorkHandler<T>): Promise<string> {
    return this.boss.work<T>(name, options, handler as never);
  }
}
