import { type DataSource, type EntityManager, In, type Repository, type SelectQueryBuilder } from 'typeorm';

import { type SortDirection } from '@contracts/dto/common';
import { type TASK_SORTS } from '@contracts/dto/task';
import { type UserDto } from '@contracts/dto/user';
import { scopeParams, seesAll, taskVisible } from '@server/common/access/visibility';
import { sortList, type SortColumn } from '@server/common/search/list-sort';
import { TaskEntity, type TaskRow } from '@server/modules/tasks/task.entity';

const SORTS: Record<(typeof TASK_SORTS)[number], SortColumn> = {
  dueAt: { sql: 't.due_at' },
  title: { sql: 't.title' },
  kind: { sql: 't.kind' },
  // Open first, then done.
  status: { sql: `(t.done_at IS NOT NULL)` },
  createdAt: { sql: 't.created_at', dir: 'DESC' },
};

export interface TaskFilter {
  sort?: (typeof TASK_SORTS)[number];
  dir?: SortDirection;
  entityType?: string;
  entityId?: string;
  assigneeId?: string;
  open?: boolean;
  limit: number;
  offset: number;
}

export class TasksRepository {
  private readonly repo: Repository<TaskRow>;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(TaskEntity);
  }

  /**
   * Claims the open, assigned tasks due within `leadMinutes` that were not reminded of yet, oldest due first: one
   * conditional UPDATE, so of several nodes running the job exactly one claims each task.
   */
  async claimDueReminders(leadMinutes: number, limit = 200): Promise<TaskRow[]> {
    const claimed = (await this.dataSource.query(
      // MATERIALIZED: the pick runs once, so one claim takes at most $2 (see CallbackTasksRepository.claimOverdue).
      `WITH picked AS MATERIALIZED (
         SELECT id FROM tasks
         WHERE done_at IS NULL AND reminded_at IS NULL AND due_at IS NOT NULL AND assignee_id IS NOT NULL
           AND due_at <= now() + make_interval(mins => $1)
         ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE tasks t SET reminded_at = now() FROM picked WHERE t.id = picked.id AND t.reminded_at IS NULL
       RETURNING t.id`,
      [leadMinutes, limit],
    )) as [{ id: string }[], number];
    const ids = claimed[0].map((r) => r.id);
    return ids.length ? this.repo.find({ where: { id: In(ids) }, order: { dueAt: 'ASC' } }) : [];
  }

  private scoped(viewer: UserDto): SelectQueryBuilder<TaskRow> {
    const qb = this.repo.createQueryBuilder('t');
    if (!seesAll(viewer)) qb.where(taskVisible('t'), scopeParams(viewer));
    return qb;
  }

  findById(id: string): Promise<TaskRow | null> {
    return this.repo.findOneBy({ id });
  }

  findVisible(viewer: UserDto, id: string): Promise<TaskRow | null> {
    return this.scoped(viewer).andWhere('t.id = :id', { id }).getOne();
  }

  search(viewer: UserDto, f: TaskFilter): Promise<[TaskRow[], number]> {
    const qb = this.scoped(viewer);
    if (f.entityType) qb.andWhere('t.entity_type = :entityType', { entityType: f.entityType });
    if (f.entityId) qb.andWhere('t.entity_id = :entityId', { entityId: f.entityId });
    if (f.assigneeId) qb.andWhere('t.assignee_id = :assigneeId', { assigneeId: f.assigneeId });
    if (f.open !== undefined) qb.andWhere(f.open ? 't.done_at IS NULL' : 't.done_at IS NOT NULL');
    return sortList(qb, SORTS[f.sort ?? 'dueAt'], f.dir, 't.id')
      .skip(f.offset)
      .take(f.limit)
      .getManyAndCount();
  }

  insert(row: Omit<TaskRow, 'id' | 'createdAt' | 'updatedAt'>): Promise<TaskRow> {
    return this.repo.save(this.repo.create(row));
  }

  async update(id: string, patch: Partial<TaskRow>): Promise<void> {
    await this.repo.update({ id }, { ...patch, updatedAt: new Date() });
  }

  /** The assignee alone, inside the caller's transaction (a reassignment is audited in the same one). */
  async setAssignee(m: EntityManager, id: string, assigneeId: string | null): Promise<void> {
    await m.getRepository(TaskEntity).update({ id }, { assigneeId, updatedAt: new Date() });
  }

  async remove(id: string): Promise<void> {
    await this.repo.delete({ id });
  }

  /** Hands everything open of `fromUserId` here to `toUserId` (a departing employee's work); returns how many. */
  async reassignOpen(fromUserId: string, toUserId: string): Promise<number> {
    const [, affected]: [unknown, number] = await this.repo.manager.query(
      `UPDATE tasks SET assignee_id = $2, updated_at = now() WHERE assignee_id = $1 AND done_at IS NULL`,
      [fromUserId, toUserId],
    );
    return affected;
  }
}
