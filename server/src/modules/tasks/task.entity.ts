import { EntitySchema } from 'typeorm';

import { type LinkableEntity } from '@server/modules/tasks/tasks.types';

export const TASK_KINDS = ['todo', 'callback', 'meeting', 'email'] as const;

export interface TaskRow {
  id: string;
  title: string;
  kind: (typeof TASK_KINDS)[number];
  dueAt: Date | null;
  doneAt: Date | null;
  assigneeId: string | null;
  createdById: string | null;
  entityType: LinkableEntity | null;
  entityId: string | null;
  /** Set by the callbacks module only (a callback task of a missed call), so optional for every other insert. */
  callId?: string | null;
  /** Queue that owns an unassigned callback task. */
  queue?: string | null;
  escalatedAt?: Date | null;
  /** A callback's caller number, and how many missed calls it answers for (set by the callbacks module only). */
  callbackPhone?: string | null;
  callbackAttempts?: number | null;
  /** Who ticked it off (kept since the timeline; null for older tasks and reopened ones). */
  doneById?: string | null;
  /** When the due reminder went out; cleared when the due time moves. */
  remindedAt?: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const TaskEntity = new EntitySchema<TaskRow>({
  name: 'Task',
  tableName: 'tasks',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    title: { type: 'text' },
    kind: { type: 'text', default: 'todo' },
    dueAt: { type: 'timestamptz', name: 'due_at', nullable: true },
    doneAt: { type: 'timestamptz', name: 'done_at', nullable: true },
    assigneeId: { type: 'uuid', name: 'assignee_id', nullable: true },
    createdById: { type: 'uuid', name: 'created_by_id', nullable: true },
    entityType: { type: 'text', name: 'entity_type', nullable: true },
    entityId: { type: 'uuid', name: 'entity_id', nullable: true },
    callId: { type: 'uuid', name: 'call_id', nullable: true },
    queue: { type: 'text', nullable: true },
    escalatedAt: { type: 'timestamptz', name: 'escalated_at', nullable: true },
    callbackPhone: { type: 'text', name: 'callback_phone', nullable: true },
    callbackAttempts: { type: 'integer', name: 'callback_attempts', nullable: true },
    doneById: { type: 'uuid', name: 'done_by_id', nullable: true },
    remindedAt: { type: 'timestamptz', name: 'reminded_at', nullable: true },
    createdAt: { type: 'timestamptz', name: 'created_at', createDate: true },
    updatedAt: { type: 'timestamptz', name: 'updated_at', updateDate: true },
  },
});
