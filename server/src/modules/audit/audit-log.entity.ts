import { EntitySchema } from 'typeorm';

export interface AuditLogRow {
  id: string;
  actorId: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  details: Record<string, unknown>;
  at: Date;
}

export const AuditLogEntity = new EntitySchema<AuditLogRow>({
  name: 'AuditLog',
  tableName: 'audit_log',
  columns: {
    id: { type: 'bigint', primary: true, generated: 'increment' },
    actorId: { type: 'uuid', name: 'actor_id', nullable: true },
    action: { type: 'text' },
    entity: { type: 'text' },
    entityId: { type: 'text', name: 'entity_id', nullable: true },
    details: { type: 'jsonb', default: () => `'{}'` },
    at: { type: 'timestamptz', createDate: true },
  },
});
