import { type DataSource, type EntityManager } from 'typeorm';
import { contactColumnRefs, type ContactRefsOwner } from '@server/common/db/contact-refs';

import { type Page } from '@contracts/dto/common';
import {
  type CreateTaskRequest,
  type TaskDto,
  type UpdateTaskRequest,
  createTaskRequestSchema,
  taskListQuerySchema,
  updateTaskRequestSchema,
} from '@contracts/dto/task';
import { type UserDto } from '@contracts/dto/user';
import { firstHiddenReference, reference } from '@server/common/access/linked-entity';
import { assignsOthers } from '@server/common/access/visibility';
import { PG_FOREIGN_KEY_VIOLATION, pgErrorCode } from '@server/common/errors/app-error';
import { ownershipError, type Reassigner } from '@server/modules/ownership/ownership.service';
import { isAssignable } from '@server/modules/tasks/assignees.read-model';
import { type TaskRow } from '@server/modules/tasks/task.entity';
import { tasksError } from '@server/modules/tasks/tasks.errors';
import { TasksRepository } from '@server/modules/tasks/tasks.repository';
import {
  CallbackTasksRepository,
  type OpenCallback,
  type OverdueCallback,
} from '@server/modules/tasks/callback-tasks.repository';
import { type DomainEventSink, NO_DOMAIN_EVENTS } from '@server/common/events/domain-events';

export class TasksService {
  /** A contact merge moves this module's tasks rows between contacts (and back on undo), in its transaction. */
  readonly contactRefs: ContactRefsOwner = contactColumnRefs({
    table: 'tasks',
    column: 'entity_id',
    where: "entity_type = 'contact'",
  });
  private readonly repo: TasksRepository;
  private readonly callbackRows = new CallbackTasksRepository();

  constructor(
    private readonly dataSource: DataSource,
    private readonly reassigner: Reassigner,
    /** `task.created` for webhooks. */
    private readonly events: DomainEventSink = NO_DOMAIN_EVENTS,
  ) {
    this.repo = new TasksRepository(dataSource);
  }

  /** Part of a departing user's handover (users module): their open tasks go to `toUserId`; returns how many. */
  reassignOpen(fromUserId: string, toUserId: string): Promise<number> {
    return this.repo.reassignOpen(fromUserId, toUserId);
  }

  async list(viewer: UserDto, query: (typeof taskListQuerySchema)['_zod']['input']): Promise<Page<TaskDto>> {
    const q = taskListQuerySchema.parse(query);
    const [rows, total] = await this.repo.search(viewer, {
      ...q,
      open: q.open === undefined ? undefined : q.open === 'true',
    });
    return { items: rows.map(toTaskDto), total, limit: q.limit, offset: q.offset };
  }

  async get(viewer: UserDto, id: string): Promise<TaskDto> {
    const row = await this.repo.findVisible(viewer, id);
    if (!row) throw tasksError('TASK_NOT_FOUND');
    return toTaskDto(row);
  }

  async create(viewer: UserDto, input: CreateTaskRequest): Promise<TaskDto> {
    const req = createTaskRequestSchema.parse(input);
    if ((req.entityType === null) !== (req.entityId === null)) {
      throw tasksError('LINKED_ENTITY_NOT_FOUND', 'entityId');
    }
    if (req.entityType) {
      const hidden = await firstHiddenReference(this.dataSource, viewer, {
        entityId: reference(req.entityType, req.entityId),
      });
      if (hidden) throw tasksError('LINKED_ENTITY_NOT_FOUND', hidden);
    }
    const assigneeId = req.assigneeId === undefined ? viewer.id : req.assigneeId;
    await this.assertAssignable(viewer, assigneeId);
    try {
      const row = await this.repo.insert({
        title: req.title,
        kind: req.kind,
        dueAt: req.dueAt ? new Date(req.dueAt) : null,
        doneAt: null,
        assigneeId,
        createdById: viewer.id,
        entityType: req.entityType,
        entityId: req.entityId,
      });
      const task = toTaskDto(row);
      await this.events.publish({ type: 'task.created', key: task.id, occurredAt: row.createdAt, data: { task } });
      return task;
    } catch (err) {
      if (pgErrorCode(err) === PG_FOREIGN_KEY_VIOLATION) throw tasksError('LINKED_ENTITY_NOT_FOUND');
      throw err;
    }
  }

  async update(viewer: UserDto, id: string, input: UpdateTaskRequest): Promise<TaskDto> {
    const req = updateTaskRequestSchema.parse(input);
    const current = await this.get(viewer, id);
    const patch: Partial<TaskRow> = {};
    if (req.title !== undefined) patch.title = req.title;
    if (req.kind !== undefined) patch.kind = req.kind;
    if (req.dueAt !== undefined) {
      patch.dueAt = req.dueAt ? new Date(req.dueAt) : null;
      // A new due time deserves a new reminder.
      if (patch.dueAt?.getTime() !== (current.dueAt ? Date.parse(current.dueAt) : undefined)) patch.remindedAt = null;
    }
    if (req.done !== undefined && req.done !== (current.doneAt !== null)) {
      patch.doneAt = req.done ? new Date() : null;
      patch.doneById = req.done ? viewer.id : null;
    }
    if (req.assigneeId !== undefined && req.assigneeId !== current.assigneeId) {
      // Operators may only take a task themselves (403 otherwise); anyone else reassigns, audited.
      if (!assignsOthers(viewer)) await this.assertAssignable(viewer, req.assigneeId);
      await this.changeAssignee(viewer, current, req.assigneeId, 'assigneeId');
    }
    if (Object.keys(patch).length) await this.repo.update(id, patch);
    return this.get(viewer, id);
  }

  /** `POST /api/tasks/:id/reassign`: supervisors, managers and admins hand the task to another active user. */
  async reassign(viewer: UserDto, id: string, userId: string): Promise<TaskDto> {
    if (!assignsOthers(viewer)) throw ownershipError('FORBIDDEN', 'userId');
    await this.changeAssignee(viewer, await this.get(viewer, id), userId, 'userId');
    return this.get(viewer, id);
  }

  private changeAssignee(viewer: UserDto, task: TaskDto, assigneeId: string | null, field: string): Promise<boolean> {
    return this.reassigner.reassign(
      viewer,
      {
        entityType: 'task',
        entityId: task.id,
        name: task.title,
        fromUserId: task.assigneeId,
        toUserId: assigneeId,
        field,
      },
      (m) => this.repo.setAssignee(m, task.id, assigneeId),
    );
  }

  /**
   * Operators assign only themselves (handing out work is a supervisor's call); supervisors, managers and admins
   * assign any active user, or nobody (a queue task).
   */
  private async assertAssignable(viewer: UserDto, assigneeId: string | null): Promise<void> {
    if (!assignsOthers(viewer)) {
      if (assigneeId !== viewer.id) throw tasksError('FORBIDDEN', 'assigneeId');
      return;
    }
    if (assigneeId !== null && !(await isAssignable(this.dataSource, assigneeId))) {
      throw tasksError('USER_NOT_FOUND', 'assigneeId');
    }
  }

  /** For the reminder job: the tasks to remind of now, each claimed once across all nodes. */
  async claimDueReminders(leadMinutes: number): Promise<TaskDto[]> {
    return (await this.repo.claimDueReminders(leadMinutes)).map(toTaskDto);
  }

  async remove(viewer: UserDto, id: string): Promise<void> {
    await this.get(viewer, id);
    await this.repo.remove(id);
  }

  /** A task by id whoever may see it: for the system (callbacks), which made or claimed it. */
  async byId(id: string): Promise<TaskDto> {
    const row = await this.repo.findById(id);
    if (!row) throw tasksError('TASK_NOT_FOUND');
    return toTaskDto(row);
  }

  // Callback tasks: the callbacks module decides when a call counts and passes its transaction, so its
  // callback_calls rows and these commit together.

  openCallback(em: EntityManager, c: OpenCallback): Promise<{ id: string; created: boolean }> {
    return this.callbackRows.open(em, c);
  }

  setCallbackAttempts(em: EntityManager, id: string, attempts: number, lastCallId: string): Promise<void> {
    return this.callbackRows.setAttempts(em, id, attempts, lastCallId);
  }

  claimOverdueCallbacks(
    em: EntityManager,
    escalateMinutes: number,
    now: Date,
    limit: number,
  ): Promise<OverdueCallback[]> {
    return this.callbackRows.claimOverdue(em, escalateMinutes, now, limit);
  }
}

export const toTaskDto = (r: TaskRow): TaskDto => ({
  id: r.id,
  title: r.title,
  kind: r.kind,
  dueAt: r.dueAt?.toISOString() ?? null,
  doneAt: r.doneAt?.toISOString() ?? null,
  assigneeId: r.assigneeId,
  createdById: r.createdById,
  entityType: r.entityType,
  entityId: r.entityId,
  callId: r.callId ?? null,
  queue: r.queue ?? null,
  escalatedAt: r.escalatedAt?.toISOString() ?? null,
  callbackPhone: r.callbackPhone ?? null,
  callbackAttempts: r.callbackAttempts ?? null,
  doneById: r.doneById ?? null,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});
