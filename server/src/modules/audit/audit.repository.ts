import { type DataSource } from 'typeorm';

export interface AuditFilter {
  actorId?: string;
  action?: string;
  entity?: string;
  entityId?: string;
  from?: Date;
  to?: Date;
}

export interface AuditListRow {
  id: string;
  at: Date;
  actor_id: string | null;
  actor_name: string | null;
  actor_login: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  details: Record<string, unknown>;
  /** `at` in microseconds since the epoch: exact, unlike a JS Date, so a page continues right after its last row. */
  at_us: string;
}

/** A position in the (at DESC, id DESC) order: the last row of the previous page. */
export interface AuditPosition {
  atMicros: string;
  id: string;
}

/**
 * Reads of `audit_log` for the viewer (the audit module owns the table; users are joined for the actor's name).
 * Every filter has an index ending in (at DESC, id DESC) (migration 1764000710000), and pages continue after a
 * position instead of skipping rows, so the thousandth page costs what the first does.
 */
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  async page(f: AuditFilter, after: AuditPosition | null, limit: number): Promise<AuditListRow[]> {
    const params: unknown[] = [];
    const add = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where: string[] = [];
    if (f.actorId) where.push(`a.actor_id = ${add(f.actorId)}::uuid`);
    if (f.action) where.push(`a.action = ${add(f.action)}`);
    if (f.entity) where.push(`a.entity = ${add(f.entity)}`);
    if (f.entityId) where.push(`a.entity_id = ${add(f.entityId)}`);
    if (f.from) where.push(`a.at >= ${add(f.from)}`);
    if (f.to) where.push(`a.at < ${add(f.to)}`);
    if (after) {
      const at = `'epoch'::timestamptz + ${add(after.atMicros)}::bigint * interval '1 microsecond'`;
      where.push(`(a.at, a.id) < (${at}, ${add(after.id)}::bigint)`);
    }
    return this.dataSource.query(
      `SELECT a.id::text AS id, a.at, a.actor_id, u.name AS actor_name, u.login AS actor_login, a.action, a.entity,
              a.entity_id, a.details, (extract(epoch FROM a.at) * 1000000)::bigint::text AS at_us
       FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY a.at DESC, a.id DESC LIMIT ${add(limit)}`,
      params,
    );
  }

  /** Every distinct action, by walking the action index (one probe per action, not a scan of the table). */
  async actions(): Promise<string[]> {
    const rows: { action: string }[] = await this.dataSource.query(
      `WITH RECURSIVE t(action) AS (
         (SELECT action FROM audit_log ORDER BY action LIMIT 1)
         UNION ALL
         SELECT (SELECT a.action FROM audit_log a WHERE a.action > t.action ORDER BY a.action LIMIT 1)
         FROM t WHERE t.action IS NOT NULL
       )
       SELECT action FROM t WHERE action IS NOT NULL`,
    );
    return rows.map((r) => r.action);
  }
}
