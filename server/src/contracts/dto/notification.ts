import { z } from 'zod';

/**
 * What a stored notification is about. The client renders the text from `kind` and `params` in the reader's
 * language; `entityType`/`entityId` say what clicking it opens.
 */
export const NOTIFICATION_KINDS = [
  'task-assigned',
  'task-due',
  'callback-escalated',
  'lead-assigned',
  'record-reassigned',
  'deal-stage-changed',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const notificationEntityTypes = ['task', 'lead', 'contact', 'company', 'deal'] as const;
export type NotificationEntityType = (typeof notificationEntityTypes)[number];

export const notificationSchema = z.object({
  id: z.string(),
  kind: z.enum(NOTIFICATION_KINDS),
  entityType: z.enum(notificationEntityTypes),
  entityId: z.string(),
  /**
   * Interpolation values of the text: always `name` (the record's title or name); `reason` for task-assigned
   * (missed-call, abandoned-call, callback-request, assigned), `entityType` for record-reassigned, `from`/`to` for
   * deal-stage-changed.
   */
  params: z.record(z.string(), z.string()),
  /** Who caused it (null: Zvonok itself, e.g. a missed call or an escalation). */
  actorId: z.string().nullable(),
  readAt: z.string().nullable(),
  createdAt: z.string(),
});
export type NotificationDto = z.infer<typeof notificationSchema>;

export const notificationListQuerySchema = z.strictObject({
  /** `true`: only the unread ones. */
  unread: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
export type NotificationListQuery = z.input<typeof notificationListQuerySchema>;

export const notificationPageSchema = z.object({
  items: z.array(notificationSchema),
  total: z.number(),
  limit: z.number(),
  offset: z.number(),
  /** The recipient's unread count, whatever the page (the bell's badge). */
  unread: z.number(),
});
export type NotificationPageDto = z.infer<typeof notificationPageSchema>;

export const readAllResponseSchema = z.object({ marked: z.number() });
export type ReadAllResponse = z.infer<typeof readAllResponseSchema>;
