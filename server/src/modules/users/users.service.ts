import { hash } from '@node-rs/argon2';

import { type CreateUserRequest, type UserDto, createUserRequestSchema } from '@contracts/dto/user';
import { PG_UNIQUE_VIOLATION, pgConstraint, pgErrorCode } from '@server/common/errors/app-error';
import { type AuditService } from '@server/modules/audit/audit.service';
import { type UserRow } from '@server/modules/users/user.entity';
import { usersError } from '@server/modules/users/users.errors';
import { type UsersRepository } from '@server/modules/users/users.repository';

export const toUserDto = (u: UserRow): UserDto => ({
  id: u.id,
  login: u.login,
  name: u.name,
  role: u.role,
  extension: u.extension,
  locale: u.locale,
});

export const hashPassword = (password: string) => hash(password);

export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly audit?: AuditService,
  ) {}

  async list(): Promise<UserDto[]> {
    return (await this.users.list()).map(toUserDto);
  }

  async get(id: string): Promise<UserDto> {
    const user = await this.users.findById(id);
    if (!user) throw usersError('USER_NOT_FOUND');
    return toUserDto(user);
  }

  /** Resolves the operator whose phone rang; for the call pipeline. */
  async findByExtension(extension: string): Promise<UserDto | null> {
    const user = await this.users.findByExtension(extension);
    return user ? toUserDto(user) : null;
  }

  /** An active user by login (QUEUE_DEFAULT_OWNER names one by login). */
  async findActiveByLogin(login: string): Promise<UserDto | null> {
    const user = await this.users.findByLogin(login);
    return user?.active ? toUserDto(user) : null;
  }

  async create(input: CreateUserRequest, actorId: string | null = null): Promise<UserDto> {
    const req = createUserRequestSchema.parse(input);
    try {
      const row = await this.users.insert({
        login: req.login,
        passwordHash: await hashPassword(req.password),
        name: req.name,
        role: req.role,
        extension: req.extension,
        locale: req.locale,
        active: true,
      });
      await this.audit?.record({
        actorId,
        action: 'user.create',
        entity: 'user',
        entityId: row.id,
        details: { login: row.login, role: row.role },
      });
      return toUserDto(row);
    } catch (err) {
      if (pgErrorCode(err) === PG_UNIQUE_VIOLATION) {
        throw usersError(pgConstraint(err) === 'uq_users_extension' ? 'EXTENSION_TAKEN' : 'LOGIN_TAKEN');
      }
      throw err;
    }
  }
}
