import { type DataSource } from 'typeorm';

import { type QueueSettingRow } from '@server/modules/analytics/analytics.read-model';

/** `analytics_queue_settings`, owned by analytics: a queue's configured wrap-up seconds. */
export class QueueSettingsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async upsertQueueSetting(queue: string, wrapUpSeconds: number): Promise<QueueSettingRow> {
    const rows: QueueSettingRow[] = await this.dataSource.query(
      `INSERT INTO analytics_queue_settings (queue, wrap_up_seconds) VALUES ($1, $2)
       ON CONFLICT (queue) DO UPDATE SET wrap_up_seconds = EXCLUDED.wrap_up_seconds, updated_at = now()
       RETURNING queue, wrap_up_seconds, updated_at`,
      [queue, wrapUpSeconds],
    );
    return rows[0]!;
  }
}
