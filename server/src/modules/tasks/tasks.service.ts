import { type DataSource } from 'typeorm';

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
import { seesAll } from '@server/common/access/visibility';
import { PG_FOREIGN_KEY_VIOLATION, pgErrorCode } from '@server/common/errors/app-error';
import { isAssignable } from '@server/modules/tasks/assignees.read-model';
import { type TaskRow } from '@server/modules/tasks/task.entity';
import { tasksError } from '@server/modules/tasks/tasks.errors';
import { TasksRepository } from '@server/modules/tasks/tasks.repository';

export class TasksService {
  private readonly repo: TasksRepository;

  constructor(private readonly dataSource: DataSource) {
    this.repo = new TasksRepository(dataSource);
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
      return toTaskDto(row);
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
    if (req.dueAt !== undefined) patch.dueAt = req.dueAt ? new Date(req.dueAt) : null;
    if (req.assigneeId !== undefined && req.assigneeId !== current.assigneeId) {
      await this.assertAssignable(viewer, req.assigneeId);
      patch.assigneeId = req.assigneeId;
    }
    if (req.done !== undefined)
      patch.doneAt = req.done ? (current.doneAt ? new Date(current.doneAt) : new Date()) : null;
    await this.repo.update(id, patch);
    return this.get(viewer, id);
  }

  /**
   * Operators assign only themselves (handing out work is a supervisor's call); supervisors, managers and admins
   * assign any active user, or nobody (a queue task).
   */
  private async assertAssignable(viewer: UserDto, assigneeId: string | null): Promise<void> {
    if (!seesAll(viewer)) {
      if (assigneeId !== viewer.id) throw tasksError('FORBIDDEN', 'assigneeId');
      return;
    }
    if (assigneeId !== null && !(await isAssignable(this.dataSource, assigneeId))) {
      throw tasksError('USER_NOT_FOUND', 'assigneeId');
    }
  }

  async remove(viewer: UserDto, id: string): Promise<void> {
    await this.get(viewer, id);
    await this.repo.remove(id);
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
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});
