import { type DataSource, type EntityManager, MoreThan, type Repository } from 'typeorm';

import { AuditLogEntity, type AuditLogRow } from '@server/modules/audit/audit-log.entity';

export interface AuditEntry {
  actorId: string | null;
  action: string;
  entity: string;
  entityId?: string | null;
  details?: Record<string, unknown>;
}

/** Append-only trail of security-relevant and destructive actions. */
export class AuditService {
  private readonly repo: Repository<AuditLogRow>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(AuditLogEntity);
  }

  /** With `manager`, inside the caller's transaction: the change and its audit row commit or fail together. */
  async record(entry: AuditEntry, manager?: EntityManager): Promise<void> {
    const repo = manager ? manager.getRepository(AuditLogEntity) : this.repo;
    const row = repo.create({
      actorId: entry.actorId,
      action: entry.action,
      entity: entry.entity,
      entityId: entry.entityId ?? null,
      details: entry.details ?? {},
    });
    await repo.save(row, { reload: false });
  }

  /** As `record`, answering the new row's id (an action that can be undone from its audit record names it). */
  async recordReturningId(entry: AuditEntry, manager: EntityManager): Promise<string> {
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO audit_log (actor_id, action, entity, entity_id, details) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [entry.actorId, entry.action, entry.entity, entry.entityId ?? null, JSON.stringify(entry.details ?? {})],
    );
    return String(rows[0]!.id);
  }

  /** One audit row by id and action (null when there is none). */
  async find(id: string, action: string, manager?: EntityManager): Promise<AuditLogRow | null> {
    if (!/^\d{1,18}$/.test(id)) return null;
    return (manager ? manager.getRepository(AuditLogEntity) : this.repo).findOneBy({ id, action });
  }

  /** Whether an audit row of `action` names `key: value` in its details (e.g. the undo of a given merge). */
  async existsWithDetail(action: string, key: string, value: string, manager?: EntityManager): Promise<boolean> {
    const rows: unknown[] = await (manager ?? this.repo.manager).query(
      `SELECT 1 FROM audit_log WHERE action = $1 AND details ->> $2 = $3 LIMIT 1`,
      [action, key, value],
    );
    return rows.length > 0;
  }

  /** Whether the same actor did the same thing to the same record within the last `withinMs`. */
  async hasRecent(
    entry: { actorId: string; action: string; entity: string; entityId: string },
    withinMs: number,
  ): Promise<boolean> {
    return this.repo.exists({
      where: {
        actorId: entry.actorId,
        action: entry.action,
        entity: entry.entity,
        entityId: entry.entityId,
        at: MoreThan(new Date(Date.now() - withinMs)),
      },
    });
  }

  async latest(entity: string, entityId: string | null, limit = 20): Promise<AuditLogRow[]> {
    return this.repo.find({ where: { entity, entityId: entityId ?? undefined }, order: { id: 'DESC' }, take: limit });
  }
}
