import { z } from 'zod';

import { LINKABLE_ENTITY_TYPES, nameSchema, sortDirSchema } from './common';

export const TASK_KINDS = ['todo', 'callback', 'meeting', 'email'] as const;

export const taskSchema = z.object({
  id: z.string(),
  title: z.string(),
  kind: z.enum(TASK_KINDS),
  dueAt: z.string().nullable(),
  doneAt: z.string().nullable(),
  assigneeId: z.string().nullable(),
  createdById: z.string().nullable(),
  entityType: z.enum(LINKABLE_ENTITY_TYPES).nullable(),
  entityId: z.string().nullable(),
  /** The missed call a callback task is for: the latest one, when the client tried several times. */
  callId: z.string().nullable(),
  /** Queue owning an unassigned callback task (nobody owns the client yet). */
  queue: z.string().nullable(),
  /** When an overdue callback was escalated to the supervisors. */
  escalatedAt: z.string().nullable(),
  /** A callback's number to call back (E.164 when known); the client renders the title from it, localised. */
  callbackPhone: z.string().nullable(),
  /** How many missed calls from that number (and queue) this one open callback answers for. */
  callbackAttempts: z.number().int().nullable(),
  /** Who ticked it off (null while open, and for tasks done before this was kept). */
  doneById: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TaskDto = z.infer<typeof taskSchema>;

export const createTaskRequestSchema = z.strictObject({
  title: nameSchema,
  kind: z.enum(TASK_KINDS).default('todo'),
  dueAt: z.iso.datetime({ offset: true }).nullable().default(null),
  /** Defaults to the creating user. */
  assigneeId: z.uuid().nullable().optional(),
  entityType: z.enum(LINKABLE_ENTITY_TYPES).nullable().default(null),
  entityId: z.uuid().nullable().default(null),
});
export const updateTaskRequestSchema = z.strictObject({
  title: nameSchema.optional(),
  kind: z.enum(TASK_KINDS).optional(),
  dueAt: z.iso.datetime({ offset: true }).nullable().optional(),
  assigneeId: z.uuid().nullable().optional(),
  done: z.boolean().optional(),
});
export type CreateTaskRequest = z.input<typeof createTaskRequestSchema>;
export type UpdateTaskRequest = z.input<typeof updateTaskRequestSchema>;

export const TASK_SORTS = ['dueAt', 'title', 'kind', 'status', 'createdAt'] as const;

export const taskListQuerySchema = z.strictObject({
  /** Default: soonest due first (no due date last); `status` puts open tasks first. */
  sort: z.enum(TASK_SORTS).default('dueAt'),
  dir: sortDirSchema,
  entityType: z.enum(LINKABLE_ENTITY_TYPES).optional(),
  entityId: z.uuid().optional(),
  assigneeId: z.uuid().optional(),
  open: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
