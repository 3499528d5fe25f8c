import { type DataSource } from 'typeorm';

import { type WebhookEventType } from '@contracts/dto/webhook';
import { ChangeCache } from '@server/common/cache/change-cache';

export interface EndpointRow {
  id: string;
  url: string;
  description: string;
  events: WebhookEventType[];
  secret: Buffer;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: WebhookEventType;
  payload: Record<string, unknown>;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  last_status_code: number | null;
  last_attempt_at: Date | null;
  delivered_at: Date | null;
  created_at: Date;
}

export interface AttemptRow {
  delivery_id: string;
  attempt: number;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  manual: boolean;
  at: Date;
}

export interface NewDelivery {
  id: string;
  endpointId: string;
}

export interface AttemptResult {
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  manual: boolean;
  /** What the delivery is after this attempt. */
  status: DeliveryRow['status'];
}

/** TypeORM answers an UPDATE or DELETE with `[rows, affected]`, anything else with the rows. */
const rowsOf = <T>(result: unknown): T[] =>
  (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];

/** Owner of webhook_endpoints, webhook_deliveries and webhook_attempts. */
export class WebhooksRepository {
  constructor(
    private readonly dataSource: DataSource,
    /**
     * Who subscribes to what is read on every call event; the database says when an endpoint changes (scope
     * `webhook_endpoints`, migration WebhookEndpointsChangeFeed). A cache that is never live reads every time.
     */
    private readonly cache: ChangeCache = new ChangeCache(),
  ) {}

  async insertEndpoint(e: {
    url: string;
    description: string;
    events: readonly string[];
    active: boolean;
    createdById: string;
    sealSecret: (id: string) => Buffer;
  }): Promise<EndpointRow> {
    // The secret is sealed with the endpoint's own id, so the id is made first.
    const [made] = await this.dataSource.query<{ id: string }[]>(`SELECT gen_random_uuid() AS id`);
    const id = made!.id;
    const rows = await this.dataSource.query<EndpointRow[]>(
      `INSERT INTO webhook_endpoints (id, url, description, events, secret, active, created_by_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [id, e.url, e.description, e.events, e.sealSecret(id), e.active, e.createdById],
    );
    this.changed();
    return rows[0]!;
  }

  listEndpoints(): Promise<EndpointRow[]> {
    return this.dataSource.query(`SELECT * FROM webhook_endpoints ORDER BY created_at DESC, id`);
  }

  async findEndpoint(id: string): Promise<EndpointRow | null> {
    const rows = await this.dataSource.query<EndpointRow[]>(`SELECT * FROM webhook_endpoints WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  async updateEndpoint(
    id: string,
    patch: { url?: string; description?: string; events?: readonly string[]; active?: boolean; secret?: Buffer },
  ): Promise<EndpointRow | null> {
    const rows = rowsOf<EndpointRow>(
      await this.dataSource.query(
        `UPDATE webhook_endpoints SET url = coalesce($2, url), description = coalesce($3, description),
         events = coalesce($4, events), active = coalesce($5, active), secret = coalesce($6, secret),
         updated_at = now()
       WHERE id = $1 RETURNING *`,
        [
          id,
          patch.url ?? null,
          patch.description ?? null,
          patch.events ?? null,
          patch.active ?? null,
          patch.secret ?? null,
        ],
      ),
    );
    this.changed();
    return rows[0] ?? null;
  }

  async deleteEndpoint(id: string): Promise<boolean> {
    const rows = rowsOf<{ id: string }>(
      await this.dataSource.query(`DELETE FROM webhook_endpoints WHERE id = $1 RETURNING id`, [id]),
    );
    this.changed();
    return rows.length > 0;
  }

  /** This node's own write is seen by its next call event at once, not after the notification's round trip. */
  private changed(): void {
    this.cache.invalidate('webhook_endpoints');
  }

  /** Active endpoints subscribed to `type`. */
  subscribers(type: WebhookEventType): Promise<string[]> {
    return this.cache.get('webhook_endpoints', type, async () => {
      const rows = await this.dataSource.query<{ id: string }[]>(
        `SELECT id FROM webhook_endpoints WHERE active AND $1 = ANY(events)`,
        [type],
      );
      return rows.map((r) => r.id);
    });
  }

  /** Inserts the deliveries not stored yet (an event enqueued twice is one delivery); returns the new ids. */
  async insertDeliveries(
    event: { id: string; type: WebhookEventType; payload: object },
    deliveries: readonly NewDelivery[],
  ): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, payload)
       SELECT d.id, d.endpoint_id, $3, $4, $5 FROM unnest($1::uuid[], $2::uuid[]) AS d(id, endpoint_id)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [deliveries.map((d) => d.id), deliveries.map((d) => d.endpointId), event.id, event.type, event.payload],
    );
    return rows.map((r) => r.id);
  }

  /** A delivery with what sending it needs; null when it (or its endpoint) was deleted. */
  async forSending(id: string): Promise<(DeliveryRow & Pick<EndpointRow, 'url' | 'secret' | 'active'>) | null> {
    const rows = await this.dataSource.query<(DeliveryRow & Pick<EndpointRow, 'url' | 'secret' | 'active'>)[]>(
      `SELECT d.*, e.url, e.secret, e.active FROM webhook_deliveries d
       JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Logs one attempt and moves the delivery to the status it leads to, in one statement. */
  async recordAttempt(id: string, r: AttemptResult): Promise<void> {
    await this.dataSource.query(
      `WITH d AS (
         UPDATE webhook_deliveries SET attempts = attempts + 1, last_status_code = $2, last_attempt_at = now(),
           status = $5, delivered_at = CASE WHEN $5 = 'delivered' THEN now() ELSE delivered_at END
         WHERE id = $1 RETURNING attempts)
       INSERT INTO webhook_attempts (delivery_id, attempt, status_code, duration_ms, error, manual)
       SELECT $1, attempts, $2, $3, $4, $6 FROM d`,
      [id, r.statusCode, r.durationMs, r.error, r.status, r.manual],
    );
  }

  async markPending(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE webhook_deliveries SET status = 'pending' WHERE id = $1`, [id]);
  }

  async findDelivery(id: string): Promise<DeliveryRow | null> {
    const rows = await this.dataSource.query<DeliveryRow[]>(`SELECT * FROM webhook_deliveries WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  async listDeliveries(
    endpointId: string,
    q: { status?: string; limit: number; offset: number },
  ): Promise<{ rows: DeliveryRow[]; total: number }> {
    const where = `endpoint_id = $1 AND ($2::text IS NULL OR status = $2)`;
    const rows = await this.dataSource.query<DeliveryRow[]>(
      `SELECT * FROM webhook_deliveries WHERE ${where} ORDER BY created_at DESC, id LIMIT $3 OFFSET $4`,
      [endpointId, q.status ?? null, q.limit, q.offset],
    );
    const [count] = await this.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM webhook_deliveries WHERE ${where}`,
      [endpointId, q.status ?? null],
    );
    return { rows, total: count?.n ?? 0 };
  }

  /** The newest `perDelivery` attempts of each delivery. */
  async attemptsOf(deliveryIds: readonly string[], perDelivery = 20): Promise<AttemptRow[]> {
    if (deliveryIds.length === 0) return [];
    return this.dataSource.query(
      `SELECT delivery_id, attempt, status_code, duration_ms, error, manual, at FROM (
         SELECT a.*, row_number() OVER (PARTITION BY delivery_id ORDER BY id DESC) AS n
         FROM webhook_attempts a WHERE delivery_id = ANY($1)) x
       WHERE n <= $2 ORDER BY delivery_id, attempt DESC, at DESC`,
      [deliveryIds, perDelivery],
    );
  }

  /** The delivery log is kept this many days. */
  async purgeOlderThan(days: number): Promise<number> {
    const rows = rowsOf<{ id: string }>(
      await this.dataSource.query(
        `DELETE FROM webhook_deliveries WHERE created_at < now() - make_interval(days => $1) RETURNING id`,
        [days],
      ),
    );
    return rows.length;
  }
}
