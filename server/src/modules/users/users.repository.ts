import { type DataSource, type Repository } from 'typeorm';

import { UserEntity, type UserRow } from '@server/modules/users/user.entity';

export class UsersRepository {
  private readonly repo: Repository<UserRow>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(UserEntity);
  }

  findById(id: string): Promise<UserRow | null> {
    return this.repo.findOneBy({ id });
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
}
