import { type DataSource } from 'typeorm';

import { type SlaAlertKind, type SlaThresholdRequest } from '@contracts/dto/sla-alerts';

export interface SlaThresholdRow {
  queue: string;
  sl_below_percent: number | null;
  sl_window_minutes: number;
  sl_seconds: number;
  longest_wait_above_seconds: number | null;
  waiting_above: number | null;
  updated_at: Date;
}

export interface SlaAlertRow {
  id: string;
  queue: string;
  kind: SlaAlertKind;
  threshold: number;
  value: number;
  started_at: Date;
  ended_at: Date | null;
}

const ALERT_COLUMNS = `id, queue, kind, threshold::float8 AS threshold, value::float8 AS value, started_at, ended_at`;

/** `sla_thresholds` and `sla_alerts` (owned by analytics); reads `calls` for the windowed service level. */
export class SlaAlertsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async thresholds(): Promise<SlaThresholdRow[]> {
    return this.dataSource.query(
      `SELECT queue, sl_below_percent::float8 AS sl_below_percent, sl_window_minutes, sl_seconds,
         longest_wait_above_seconds, waiting_above, updated_at
       FROM sla_thresholds ORDER BY queue`,
    );
  }

  async upsertThreshold(queue: string, t: SlaThresholdRequest, by: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO sla_thresholds (queue, sl_below_percent, sl_window_minutes, sl_seconds, longest_wait_above_seconds,
         waiting_above, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (queue) DO UPDATE SET sl_below_percent = EXCLUDED.sl_below_percent,
         sl_window_minutes = EXCLUDED.sl_window_minutes, sl_seconds = EXCLUDED.sl_seconds,
         longest_wait_above_seconds = EXCLUDED.longest_wait_above_seconds, waiting_above = EXCLUDED.waiting_above,
         updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [queue, t.slBelowPercent, t.slWindowMinutes, t.slSeconds, t.longestWaitAboveSeconds, t.waitingAbove, by],
    );
  }

  async removeThreshold(queue: string): Promise<boolean> {
    const [, n] = (await this.dataSource.query(`DELETE FROM sla_thresholds WHERE queue = $1`, [queue])) as [
      unknown,
      number,
    ];
    return n > 0;
  }

  /**
   * Service level per watched queue over its window, in percent (analytics' formula: answered within `sl_seconds`
   * ÷ (offered − short abandons under 5 s)); inbound calls started in the window that have ended.
   */
  async windowServiceLevels(now: Date): Promise<Map<string, number | null>> {
    const rows: { queue: string; within: number; denominator: number }[] = await this.dataSource.query(
      `SELECT t.queue,
         count(c.id) FILTER (WHERE c.disposition = 'answered' AND c.wait_seconds <= t.sl_seconds)::int AS within,
         count(c.id) FILTER (WHERE NOT (c.disposition = 'abandoned' AND coalesce(c.wait_seconds, 0) < 5))::int
           AS denominator
       FROM sla_thresholds t
         LEFT JOIN calls c ON c.queue = t.queue AND c.direction = 'inbound' AND c.disposition IS NOT NULL
           AND c.disposition <> 'blocked' AND c.started_at >= $1::timestamptz - make_interval(mins => t.sl_window_minutes)
           AND c.started_at < $1
       WHERE t.sl_below_percent IS NOT NULL
       GROUP BY t.queue`,
      [now],
    );
    return new Map(
      rows.map((r) => [r.queue, r.denominator > 0 ? Math.round((r.within / r.denominator) * 1000) / 10 : null]),
    );
  }

  async openAlerts(): Promise<SlaAlertRow[]> {
    return this.dataSource.query(`SELECT ${ALERT_COLUMNS} FROM sla_alerts WHERE ended_at IS NULL ORDER BY started_at`);
  }

  async recentAlerts(): Promise<SlaAlertRow[]> {
    return this.dataSource.query(`SELECT ${ALERT_COLUMNS} FROM sla_alerts ORDER BY started_at DESC LIMIT 200`);
  }

  /** The new alert, or null when another node opened the same one first. */
  async open(queue: string, kind: SlaAlertKind, threshold: number, value: number, at: Date) {
    const rows: SlaAlertRow[] = await this.dataSource.query(
      `INSERT INTO sla_alerts (queue, kind, threshold, value, started_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (queue, kind) WHERE ended_at IS NULL DO NOTHING RETURNING ${ALERT_COLUMNS}`,
      [queue, kind, threshold, value, at],
    );
    return rows[0] ?? null;
  }

  /** The ended alert, or null when another node ended it first. */
  async close(id: string, at: Date): Promise<SlaAlertRow | null> {
    const [rows] = (await this.dataSource.query(
      `UPDATE sla_alerts SET ended_at = $2 WHERE id = $1 AND ended_at IS NULL RETURNING ${ALERT_COLUMNS}`,
      [id, at],
    )) as [SlaAlertRow[], number];
    return rows[0] ?? null;
  }
}
