import { type DataSource, In, type Repository } from 'typeorm';

import { UserEntity, type UserRow } from '@server/modules/users/user.entity';

/** What an admin may change on an account (the password has its own path). */
export type UserPatch = Partial<Pick<UserRow, 'name' | 'role' | 'active' | 'extension' | 'teamId' | 'locale'>>;

export class UsersRepository {
  private readonly repo: Repository<UserRow>;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(UserEntity);
  }

  findById(id: string): Promise<UserRow | null> {
    return this.repo.findOneBy({ id });
  }

  findByIds(ids: readonly string[]): Promise<UserRow[]> {
    return ids.length ? this.repo.findBy({ id: In([...ids]) }) : Promise.resolve([]);
  }

  findByLogin(login: string): Promise<UserRow | null> {
    return this.repo.findOneBy({ login: login.toLowerCase() });
  }

  findByExtension(extension: string): Promise<UserRow | null> {
    return this.repo.findOneBy({ extension, active: true });
  }

  list(): Promise<UserRow[]> {
    return this.repo.find({ order: { role: 'ASC', login: 'ASC' } });
  }

  insert(row: Omit<UserRow, 'id' | 'createdAt' | 'updatedAt'>): Promise<UserRow> {
    return this.repo.save(this.repo.create(row));
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<boolean> {
    const result = await this.repo.update({ id }, { passwordHash });
    return (result.affected ?? 0) > 0;
  }

  /**
   * Applies `patch` unless that leaves no active admin. The active admins are locked first, so two admins demoting
   * or deactivating each other at the same moment cannot both succeed. A unique violation (the extension of another
   * active user) propagates.
   */
  updateKeepingAnAdmin(
    id: string,
    patch: UserPatch,
  ): Promise<{ before: UserRow; after: UserRow } | 'not-found' | 'last-admin'> {
    return this.dataSource.transaction(async (em) => {
      const admins: { id: string }[] = await em.query(
        `SELECT id FROM users WHERE role = 'admin' AND active FOR UPDATE`,
      );
      const repo = em.getRepository(UserEntity);
      const before = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!before) return 'not-found';
      const after: UserRow = { ...before };
      const changed: UserPatch = {};
      for (const key of Object.keys(patch) as (keyof UserPatch)[]) {
        if (patch[key] === undefined || patch[key] === before[key]) continue;
        Object.assign(changed, { [key]: patch[key] });
        Object.assign(after, { [key]: patch[key] });
      }
      const wasAdmin = before.role === 'admin' && before.active;
      if (wasAdmin && !(after.role === 'admin' && after.active) && admins.length <= 1) return 'last-admin';
      if (Object.keys(changed).length) await repo.update({ id }, changed);
      return { before, after };
    });
  }
}
