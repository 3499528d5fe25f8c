import { type DataSource } from 'typeorm';

import { type TargetMetric, type TargetPeriod } from '@contracts/dto/analytics-roles';

export interface TargetRow {
  user_id: string;
  metric: TargetMetric;
  period: TargetPeriod;
  value: number;
  set_by_name: string | null;
  updated_at: Date;
}

/** `analytics_targets`, owned by analytics: what a supervisor expects of an operator per day or month. */
export class AnalyticsTargetsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async of(userIds: readonly string[]): Promise<TargetRow[]> {
    return this.dataSource.query(
      `SELECT t.user_id, t.metric, t.period, t.value, s.name AS set_by_name, t.updated_at
       FROM analytics_targets t LEFT JOIN users s ON s.id = t.set_by
       WHERE t.user_id = ANY($1::uuid[]) ORDER BY t.period, t.metric`,
      [userIds],
    );
  }

  async upsert(userId: string, metric: TargetMetric, period: TargetPeriod, value: number, setBy: string) {
    await this.dataSource.query(
      `INSERT INTO analytics_targets (user_id, metric, period, value, set_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id, metric, period)
         DO UPDATE SET value = EXCLUDED.value, set_by = EXCLUDED.set_by, updated_at = now()`,
      [userId, metric, period, value, setBy],
    );
  }

  async remove(userId: string, metric: TargetMetric, period: TargetPeriod): Promise<void> {
    await this.dataSource.query(`DELETE FROM analytics_targets WHERE user_id = $1 AND metric = $2 AND period = $3`, [
      userId,
      metric,
      period,
    ]);
  }
}
