import { z } from 'zod';

export const uuidSchema = z.uuid();
export const idParamsSchema = z.strictObject({ id: z.uuid() });

/** An Asterisk queue's name as the dialplan writes it; nothing else (a NUL or a slash) can reach a query. */
export const queueNameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a queue name: latin letters, digits, - and _');

/** limit/offset pagination for every list endpoint; `total` lets the UI render page counts. */
export const paginationQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** Sort order of a list; each list names the columns it sorts by (`sort`), defaulting to its natural order. */
export const SORT_DIRECTIONS = ['asc', 'desc'] as const;
export type SortDirection = (typeof SORT_DIRECTIONS)[number];
export const sortDirSchema = z.enum(SORT_DIRECTIONS).optional();

/** Free text in names; rejects control characters but keeps any Unicode (Cyrillic, emoji). */
export const nameSchema = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((s) => !/\p{Cc}/u.test(s), 'must not contain control characters');

export const LINKABLE_ENTITY_TYPES = ['contact', 'company', 'lead', 'deal', 'call'] as const;
export const linkSchema = z.strictObject({ entityType: z.enum(LINKABLE_ENTITY_TYPES), entityId: z.uuid() });
export type EntityLink = z.infer<typeof linkSchema>;

/** `POST /api/{contacts,leads,deals,tasks}/:id/reassign`: give the record to another (active) user. */
export const reassignRequestSchema = z.strictObject({ userId: z.uuid() });
export type ReassignRequest = z.infer<typeof reassignRequestSchema>;
