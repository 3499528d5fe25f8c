import { type DataSource, type Repository, type SelectQueryBuilder } from 'typeorm';

import { type SortDirection } from '@contracts/dto/common';
import { type TASK_SORTS } from '@contracts/dto/task';
import { type UserDto } from '@contracts/dto/user';
import { seesAll, taskVisible } from '@server/common/access/visibility';
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

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(TaskEntity);
  }

  private scoped(viewer: UserDto): SelectQueryBuilder<TaskRow> {
    const qb = this.repo.createQueryBuilder('t');
    if (!seesAll(viewer)) qb.where(taskVisible('t'), { viewerId: viewer.id });
    return qb;
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

  async remove(id: string): Promise<void> {
    await this.repo.delete({ id });
  }
}
