import { type Logger } from 'pino';
import { type DataSource } from 'typeorm';

import { RestAfterRun } from '@server/common/jobs/rest-after-run';

import { AnalyticsRollupsRepository, BIN_MS, binOf } from './analytics-rollups.repository';

/** The whole bins of a range that a report reads from rollups; `stale` are bins of it whose refresh is pending. */
export interface RollupWindow {
  binFrom: Date;
  binTo: Date;
  stale: Date[];
}

export interface AnalyticsRollupsOptions {
  /** How long changed bins gather before one refresh statement takes them all (default 500 ms). */
  delayMs?: number;
  logger?: Logger;
}

const RETRY_MS = 5_000;

/**
 * Keeps the call rollups in step with `calls`, off the call pipeline's path: the pipeline (after a batch commits)
 * and the wrap-up tell it which calls changed, it marks their bins, and a timer recomputes the marked bins in one
 * statement. The refresh recomputes whole bins, so it is idempotent: a change seen twice, or by two nodes, gives
 * the same rows. Until a bin is refreshed, this node's reports read that bin from `calls` (`window().stale`);
 * another node may read it from the rollup for up to `delayMs` (or four times the last refresh, if longer) plus one
 * refresh. Bins marked on a node that dies
 * before refreshing them stay stale until their next change or `npm run analytics:rebuild`.
 */
export class AnalyticsRollupsService {
  private readonly repo: AnalyticsRollupsRepository;
  private readonly dirty = new Set<number>();
  private readonly refreshing = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private crmTimer: NodeJS.Timeout | undefined;
  private crmRunning: Promise<void> | undefined;
  /**
   * A refresh recomputes whole bins, and the current bin of a centre taking 100 calls a second ends with 90,000 calls
   * (0.5–0.7 s a refresh): the timer lets it rest after each.
   */
  private readonly rest = new RestAfterRun();

  constructor(
    dataSource: DataSource,
    private readonly options: AnalyticsRollupsOptions = {},
  ) {
    this.repo = new AnalyticsRollupsRepository(dataSource);
  }

  /** Calls (by start time) whose record changed and was committed. */
  touch(startedAt: Iterable<Date | string>): void {
    for (const at of startedAt) this.dirty.add(binOf(at).getTime());
    if (this.dirty.size > 0) this.schedule(this.options.delayMs ?? 500);
  }

  /**
   * Refreshes the CRM day rollups every `crmEveryMs` (default 1 s) on this node; several nodes may, the database lets
   * one at a time do it. Until a day is refreshed, reports count it from the rows.
   */
  start(crmEveryMs = 1_000): void {
    if (this.crmTimer || this.stopped) return;
    this.crmTimer = setInterval(() => void this.refreshCrm(), crmEveryMs);
    this.crmTimer.unref();
  }

  private refreshCrm(): Promise<void> {
    this.crmRunning ??= this.repo
      .refreshCrm()
      .then(
        () => undefined,
        (err: unknown) => this.options.logger?.warn({ err }, 'analytics rollups: CRM days refresh failed; retrying'),
      )
      .finally(() => (this.crmRunning = undefined));
    return this.crmRunning;
  }

  window(from: Date, to: Date): RollupWindow | null {
    const binFrom = Math.ceil(from.getTime() / BIN_MS) * BIN_MS;
    const binTo = Math.floor(to.getTime() / BIN_MS) * BIN_MS;
    if (binFrom >= binTo) return null;
    const stale = [...this.dirty, ...this.refreshing].filter((b) => b >= binFrom && b < binTo);
    return { binFrom: new Date(binFrom), binTo: new Date(binTo), stale: stale.map((b) => new Date(b)) };
  }

  /** Resolves once every bin marked so far is refreshed (tests, shutdown). */
  async drain(): Promise<void> {
    // A few rounds, not forever: with the database down the bins stay marked (and are read from calls).
    for (let round = 0; round < 3 && (this.dirty.size > 0 || this.running); round++) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      await (this.running ?? this.refresh());
    }
    await this.crmRunning;
    await this.refreshCrm();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.crmTimer) clearInterval(this.crmTimer);
    this.crmTimer = undefined;
    await this.crmRunning;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  rebuild(): Promise<{ bins: number; calls: number }> {
    return this.repo.rebuild();
  }

  private schedule(ms: number): void {
    if (this.stopped || this.timer || this.running) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        void this.refresh();
      },
      Math.max(ms, this.rest.untilMs - Date.now()),
    );
    this.timer.unref();
  }

  private refresh(): Promise<void> {
    const bins = [...this.dirty];
    this.dirty.clear();
    for (const b of bins) this.refreshing.add(b);
    const started = Date.now();
    this.running = this.repo
      .refresh(bins.map((b) => new Date(b)))
      .then(
        () => undefined,
        (err: unknown) => {
          // Marked again: the next refresh retries them; until then reports read them from calls.
          for (const b of bins) this.dirty.add(b);
          this.options.logger?.warn({ err, bins: bins.length }, 'analytics rollups: refresh failed; retrying');
          return RETRY_MS;
        },
      )
      .then((retryMs) => {
        this.rest.ran(started);
        for (const b of bins) this.refreshing.delete(b);
        this.running = undefined;
        if (this.dirty.size > 0) this.schedule(retryMs ?? this.options.delayMs ?? 500);
      });
    return this.running;
  }
}
