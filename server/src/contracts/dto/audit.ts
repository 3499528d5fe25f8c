import { z } from 'zod';

/** An ISO date (a whole UTC day) or an ISO date-time with offset, as in the call log. */
const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
  error: 'must be an ISO date (2026-11-23) or date-time with offset (2026-11-23T10:00:00+03:00)',
});
const token = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[a-z0-9._-]+$/, 'letters, digits, . _ -');

const filters = {
  actorId: z.uuid().optional(),
  /** Exact action, e.g. `recording.listen`, `user.update`. */
  action: token.optional(),
  /** Exact entity type, e.g. `recording`, `user`. */
  entity: token.optional(),
  entityId: z.string().trim().min(1).max(100).optional(),
  /** Inclusive. */
  from: instant.optional(),
  /** Exclusive for a date-time; a bare date includes that whole day (UTC). */
  to: instant.optional(),
};

/** `GET /api/audit?…filters&cursor=&limit=`: newest first, paged by an opaque cursor (no offsets over 1M rows). */
export const auditListQuerySchema = z.strictObject({
  ...filters,
  cursor: z
    .string()
    .max(100)
    .regex(/^[A-Za-z0-9_-]+$/, 'a cursor from a previous page')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditListQuery = z.input<typeof auditListQuerySchema>;

/** `GET /api/audit/export?…filters`: the same rows as CSV, newest first, at most AUDIT_EXPORT_LIMIT. */
export const auditExportQuerySchema = z.strictObject({ ...filters, format: z.enum(['csv']).default('csv') });
export type AuditExportQuery = z.input<typeof auditExportQuerySchema>;
export const AUDIT_EXPORT_LIMIT = 100_000;

export interface AuditEntryDto {
  id: string;
  at: string;
  actorId: string | null;
  /** Null when the row has no actor (a system job) or the user was deleted. */
  actorName: string | null;
  actorLogin: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  details: Record<string, unknown>;
}

export interface AuditPageDto {
  items: AuditEntryDto[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}
