import { type DataSource, type Repository } from 'typeorm';

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

  async record(entry: AuditEntry): Promise<void> {
    const row = this.repo.create({
      actorId: entry.actorId,
      action: entry.action,
      entity: entry.entity,
      entityId: entry.entityId ?? null,
      details: entry.details ?? {},
    });
    await this.repo.save(row, { reload: false });
  }

  async latest(entity: string, entityId: string | null, limit = 20): Promise<AuditLogRow[]> {
    return this.repo.find({ where: { entity, entityId: entityId ?? undefined }, order: { id: 'DESC' }, take: limit });
  }
}
