import { type DataSource } from 'typeorm';

import { DEFAULT_SHORT_ABANDON_SECONDS } from '@contracts/dto/analytics';
import { AnalyticsReadModel } from '@server/modules/analytics/analytics.read-model';
import { serviceLevelOf } from '@server/modules/analytics/analytics.service';

import { type OperatorDayStats, type QueueDayStats } from './wallboard.compute';

/** The wallboard's "today": from midnight to the next one on the call centre's clock (`tz`), as UTC instants. */
export interface DayWindow {
  fromUtc: Date;
  toUtc: Date;
}

/**
 * Today's figures. Queue figures are the analytics queue report for today (same SQL, same service-level formula:
 * failed calls and all, short abandons out), so the wallboard and the analytics page for today agree by
 * construction; operator figures come straight from `calls` (indexed by started_at).
 */
export class WallboardRepository {
  private readonly analytics: AnalyticsReadModel;

  constructor(private readonly dataSource: DataSource) {
    this.analytics = new AnalyticsReadModel(dataSource);
  }

  /** Midnight of `date` to midnight of `next` in `tz` (Postgres' own zone rules, as analytics uses). */
  day(date: string, next: string, tz: string): Promise<DayWindow> {
    return this.analytics.bounds(date, next, tz);
  }

  async queueStats(day: DayWindow, thresholdSeconds: number): Promise<QueueDayStats[]> {
    const rows = await this.analytics.queueKpis(day, thresholdSeconds, DEFAULT_SHORT_ABANDON_SECONDS);
    return rows.flatMap((r) =>
      r.queue === null
        ? [] // direct lines are no queue of the wall
        : [
            {
              queue: r.queue,
              answered: r.answered,
              abandoned: r.abandoned,
              missed: r.missed,
              serviceLevel: serviceLevelOf(r),
              averageWaitSeconds: r.asa === null ? null : Math.round(r.asa),
            },
          ],
    );
  }

  async operatorStats(dayStart: Date): Promise<OperatorDayStats[]> {
    const rows: { extension: string; answered: string; talk: string | null }[] = await this.dataSource.query(
      `SELECT regexp_replace(agent_extension, '-web$', '') AS extension,
              count(*) FILTER (WHERE answered_at IS NOT NULL) AS answered,
              sum(talk_seconds) FILTER (WHERE status = 'ended') AS talk
       FROM calls
       WHERE started_at >= $1 AND agent_extension IS NOT NULL
       GROUP BY 1`,
      [dayStart],
    );
    return rows.map((r) => ({
      extension: r.extension,
      answered: Number(r.answered),
      talkSeconds: Number(r.talk ?? 0),
    }));
  }
}
