import { type DataSource } from 'typeorm';

import { DEFAULT_SHORT_ABANDON_SECONDS } from '@contracts/dto/analytics';

import { type OperatorDayStats, type QueueDayStats } from './wallboard.compute';

/** Today's figures straight from `calls` (indexed by started_at); one query per table side. */
export class WallboardRepository {
  constructor(private readonly dataSource: DataSource) {}

  async queueStats(dayStart: Date, thresholdSeconds: number): Promise<QueueDayStats[]> {
    const rows: {
      queue: string;
      answered: string;
      abandoned: string;
      missed: string;
      within: string;
      avg_wait: string | null;
    }[] = await this.dataSource.query(
      `SELECT queue,
              count(*) FILTER (WHERE disposition = 'answered') AS answered,
              count(*) FILTER (WHERE disposition = 'abandoned' AND coalesce(wait_seconds, 0) >= $3) AS abandoned,
              count(*) FILTER (WHERE disposition = 'missed') AS missed,
              count(*) FILTER (WHERE disposition = 'answered' AND wait_seconds <= $2) AS within,
              avg(wait_seconds) FILTER (WHERE disposition = 'answered') AS avg_wait
       FROM calls
       WHERE started_at >= $1 AND queue IS NOT NULL AND status = 'ended'
       GROUP BY queue`,
      [dayStart, thresholdSeconds, DEFAULT_SHORT_ABANDON_SECONDS],
    );
    return rows.map((r) => ({
      queue: r.queue,
      answered: Number(r.answered),
      abandoned: Number(r.abandoned),
      missed: Number(r.missed),
      answeredWithinThreshold: Number(r.within),
      averageWaitSeconds: r.avg_wait === null ? null : Math.round(Number(r.avg_wait)),
    }));
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
