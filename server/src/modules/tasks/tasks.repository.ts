import { type DataSource, type Repository, type SelectQueryBuilder } from 'typeorm';

import { type UserDto } from '@contracts/dto/user';
import { scopeParams, seesAll, taskVisible } from '@server/common/access/visibility';
import { TaskEntity, type TaskRow } from '@server/modules/tasks/task.entity';

export interface TaskFilter {
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
    if (!seesAll(viewer)) qb.where(taskVisible('t'), scopeParams(viewer));
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
    return qb
      .orderBy('t.due_at', 'ASC', 'NULLS LAST')
      .addOrderBy('t.id', 'ASC')
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

  /** Hands everything open of `fromUserId` here to `toUserId` (a departing employee's work); returns how many. */
  async reassignOpen(fromUserId: string, toUserId: string): Promise<number> {
    const [, affected]: [unknown, number] = await this.repo.manager.query(
      `UPDATE tasks SET assignee_id = $2, updated_at = now() WHERE assignee_id = $1 AND done_at IS NULL`,
      [fromUserId, toUserId],
    );
    return affected;
  }
}
