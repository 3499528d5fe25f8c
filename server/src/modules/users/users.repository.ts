import { type DataSource, In, type Repository } from 'typeorm';

import { UserEntity, type UserRole, type UserRow } from '@server/modules/users/user.entity';

export type RoleActivePatch = { role?: UserRole; active?: boolean };

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

  /**
   * Changes role and/or active unless that leaves no active admin. The active admins are locked first, so two
   * admins demoting or deactivating each other at the same moment cannot both succeed.
   */
  updateKeepingAnAdmin(
    id: string,
    patch: RoleActivePatch,
  ): Promise<{ before: UserRow; after: UserRow } | 'not-found' | 'last-admin'> {
    return this.dataSource.transaction(async (em) => {
      const admins: { id: string }[] = await em.query(
        `SELECT id FROM users WHERE role = 'admin' AND active FOR UPDATE`,
      );
      const repo = em.getRepository(UserEntity);
      const before = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!before) return 'not-found';
      const role = patch.role ?? before.role;
      const active = patch.active ?? before.active;
      const wasAdmin = before.role === 'admin' && before.active;
      if (wasAdmin && !(role === 'admin' && active) && admins.length <= 1) return 'last-admin';
      if (role !== before.role || active !== before.active) await repo.update({ id }, { role, active });
      return { before, after: { ...before, role, active } };
    });
  }
}
