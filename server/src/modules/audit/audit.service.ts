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
