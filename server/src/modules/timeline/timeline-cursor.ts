import { z } from 'zod';

import { type TimelineEntityType } from '@contracts/dto/timeline';

import { timelineError } from './timeline.errors';

/**
 * Where a page ended: the last item's time with the database's full microsecond precision (a `Date` would round
 * it, and two items in the same millisecond would then be skipped or repeated) and its key, which breaks ties.
 */
export interface TimelinePosition {
  /** `2026-11-23T10:00:00.123456Z` */
  at: string;
  /** `call:<uuid>`, `task-done:<uuid>`…; compared byte-wise, like the database's `COLLATE "C"`. */
  key: string;
}

const cursorSchema = z.strictObject({
  t: z.string(),
  e: z.string(),
  a: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/),
  k: z.string().regex(/^[a-z-]+:[0-9a-f-]{1,36}$/),
});

/**
 * The cursor names the record it belongs to, so one taken from another client's page is refused (400) rather than
 * silently paging some other stream. It is opaque to clients, not secret: it holds nothing the page did not show.
 */
export function encodeCursor(entityType: TimelineEntityType, entityId: string, pos: TimelinePosition): string {
  return Buffer.from(JSON.stringify({ t: entityType, e: entityId, a: pos.at, k: pos.key })).toString('base64url');
}

export function decodeCursor(cursor: string, entityType: TimelineEntityType, entityId: string): TimelinePosition {
  let parsed: z.infer<typeof cursorSchema>;
  try {
    parsed = cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw timelineError('TIMELINE_CURSOR_INVALID', { field: 'before', reason: 'malformed' });
  }
  if (parsed.t !== entityType || parsed.e !== entityId) {
    throw timelineError('TIMELINE_CURSOR_INVALID', { field: 'before', reason: 'other-record' });
  }
  return { at: parsed.a, key: parsed.k };
}
