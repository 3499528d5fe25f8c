import { type DataSource } from 'typeorm';

import {
  AUDIT_EXPORT_LIMIT,
  type AuditEntryDto,
  type AuditExportQuery,
  type AuditListQuery,
  type AuditPageDto,
  auditExportQuerySchema,
  auditListQuerySchema,
} from '@contracts/dto/audit';
import { rangeEnd, rangeStart } from '@contracts/dto/call';
import { AppError } from '@server/common/errors/app-error';
import { CSV_BOM, csvLine } from '@server/common/export/table-export';

import { type AuditFilter, type AuditListRow, type AuditPosition, AuditRepository } from './audit.repository';

const EXPORT_BATCH = 2_000;

const toDto = (r: AuditListRow): AuditEntryDto => ({
  id: r.id,
  at: r.at.toISOString(),
  actorId: r.actor_id,
  actorName: r.actor_name,
  actorLogin: r.actor_login,
  action: r.action,
  entity: r.entity,
  entityId: r.entity_id,
  details: r.details,
});

const encodeCursor = (r: AuditListRow) => Buffer.from(`${r.at_us}:${r.id}`).toString('base64url');

function decodeCursor(cursor: string): AuditPosition {
  const match = /^(\d{1,20}):(\d{1,20})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) {
    throw new AppError('VALIDATION_FAILED', 400, 'Invalid cursor', {
      details: [{ field: 'cursor', message: 'a cursor from a previous page' }],
    });
  }
  return { atMicros: match[1]!, id: match[2]! };
}

const toFilter = (q: {
  actorId?: string;
  action?: string;
  entity?: string;
  entityId?: string;
  from?: string;
  to?: string;
}): AuditFilter => ({
  actorId: q.actorId,
  action: q.action,
  entity: q.entity,
  entityId: q.entityId,
  from: q.from ? rangeStart(q.from) : undefined,
  to: q.to ? rangeEnd(q.to) : undefined,
});

/**
 * Reading the audit trail (admins; managers read-only — and nobody may change it: there is no route that edits or
 * deletes a row, and the database refuses UPDATE). Writing stays `AuditService.record`.
 */
export class AuditViewerService {
  private readonly repo: AuditRepository;

  constructor(dataSource: DataSource) {
    this.repo = new AuditRepository(dataSource);
  }

  async list(query: AuditListQuery): Promise<AuditPageDto> {
    const q = auditListQuerySchema.parse(query);
    const rows = await this.repo.page(toFilter(q), q.cursor ? decodeCursor(q.cursor) : null, q.limit + 1);
    const more = rows.length > q.limit;
    const page = more ? rows.slice(0, q.limit) : rows;
    return { items: page.map(toDto), nextCursor: more ? encodeCursor(page.at(-1)!) : null };
  }

  actions(): Promise<string[]> {
    return this.repo.actions();
  }

  /**
   * The filtered rows as CSV (newest first, at most AUDIT_EXPORT_LIMIT), written batch by batch so a large export
   * never sits in memory whole. `write` returns false when the client is slow; we then wait for `drain`.
   */
  async exportCsv(query: AuditExportQuery, out: { write(chunk: string): boolean; drained(): Promise<void> }) {
    const q = auditExportQuerySchema.parse(query);
    const filter = toFilter(q);
    out.write(CSV_BOM + csvLine(['at', 'actor login', 'actor name', 'action', 'entity', 'entity id', 'details']));
    let after: AuditPosition | null = null;
    for (let written = 0; written < AUDIT_EXPORT_LIMIT;) {
      const rows = await this.repo.page(filter, after, Math.min(EXPORT_BATCH, AUDIT_EXPORT_LIMIT - written));
      if (rows.length === 0) break;
      let chunk = '';
      for (const r of rows) {
        chunk += csvLine([
          r.at.toISOString(),
          r.actor_login,
          r.actor_name,
          r.action,
          r.entity,
          r.entity_id,
          JSON.stringify(r.details),
        ]);
      }
      if (!out.write(chunk)) await out.drained();
      written += rows.length;
      const last = rows.at(-1)!;
      after = { atMicros: last.at_us, id: last.id };
    }
  }
}
