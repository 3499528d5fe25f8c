import { hash } from '@node-rs/argon2';

import {
  type CreateUserRequest,
  type SipSecretRotationDto,
  type UpdateUserRequest,
  type UserAdminDto,
  type UserDto,
  createUserRequestSchema,
  updateUserRequestSchema,
} from '@contracts/dto/user';
import { PG_UNIQUE_VIOLATION, pgConstraint, pgErrorCode } from '@server/common/errors/app-error';
import { type AuditService } from '@server/modules/audit/audit.service';
import { type AuthService } from '@server/modules/auth/auth.service';
import { type SipProvisioner } from '@server/modules/sip-secrets/sip-provisioner';
import { type SipSecretsService } from '@server/modules/sip-secrets/sip-secrets.service';
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

const toUserAdminDto = (u: UserRow): UserAdminDto => ({ ...toUserDto(u), active: u.active });

export const hashPassword = (password: string) => hash(password);

/** What account changes reach besides the users table: sessions and sockets, SIP secrets and the PBX. */
export interface UserAccessDeps {
  sessions: Pick<AuthService, 'endSessionsOf' | 'disconnectUser'>;
  sipSecrets: Pick<SipSecretsService, 'rotate'>;
  sip: Pick<SipProvisioner, 'sync'>;
}

export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly audit?: AuditService,
    private readonly access?: UserAccessDeps,
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

  async create(input: CreateUserRequest, actorId: string | null = null): Promise<UserDto> {
    const req = createUserRequestSchema.parse(input);
    let row: UserRow;
    try {
      row = await this.users.insert({
        login: req.login,
        passwordHash: await hashPassword(req.password),
        name: req.name,
        role: req.role,
        extension: req.extension,
        locale: req.locale,
        active: true,
      });
    } catch (err) {
      if (pgErrorCode(err) === PG_UNIQUE_VIOLATION) {
        throw usersError(pgConstraint(err) === 'uq_users_extension' ? 'EXTENSION_TAKEN' : 'LOGIN_TAKEN');
      }
      throw err;
    }
    await this.audit?.record({
      actorId,
      action: 'user.create',
      entity: 'user',
      entityId: row.id,
      details: { login: row.login, role: row.role },
    });
    // The new extension's phones get their secret on the PBX now, not at the next periodic sync.
    if (row.extension) await this.access?.sip.sync();
    return toUserDto(row);
  }

  /**
   * A role change or (de)activation. Open sockets of the user close on every node (they come back with the new
   * role); deactivation also ends every session and rotates the SIP secret, so neither the browser nor a phone
   * configured with the old secret gets back in (and a reactivated user starts with a secret nobody knew before).
   */
  async update(id: string, input: UpdateUserRequest, actorId: string): Promise<UserAdminDto> {
    const patch = updateUserRequestSchema.parse(input);
    const result = await this.users.updateKeepingAnAdmin(id, patch);
    if (result === 'not-found') throw usersError('USER_NOT_FOUND');
    if (result === 'last-admin') throw usersError('LAST_ACTIVE_ADMIN');
    const { before, after } = result;
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    if (before.role !== after.role) changes.role = { from: before.role, to: after.role };
    if (before.active !== after.active) changes.active = { from: before.active, to: after.active };
    if (Object.keys(changes).length === 0) return toUserAdminDto(after);
    await this.audit?.record({ actorId, action: 'user.update', entity: 'user', entityId: id, details: { changes } });

    if (before.active && !after.active) {
      await this.access?.sessions.endSessionsOf(id);
      await this.rotateAndSync(id, actorId, 'deactivated');
    } else {
      this.access?.sessions.disconnectUser(id);
      // Reactivated: the user's endpoints are provisioned again (with the secret rotated at deactivation).
      if (after.active && !before.active && after.extension) await this.access?.sip.sync();
    }
    return toUserAdminDto(after);
  }

  /** A new SIP secret for the user's phones; the old one stops working once the PBX is synced (see `pbx`). */
  async rotateSipSecret(id: string, actorId: string): Promise<SipSecretRotationDto> {
    if (!(await this.users.findById(id))) throw usersError('USER_NOT_FOUND');
    return this.rotateAndSync(id, actorId, 'admin');
  }

  private async rotateAndSync(
    id: string,
    actorId: string,
    reason: 'admin' | 'deactivated',
  ): Promise<SipSecretRotationDto> {
    if (!this.access) throw new Error('UsersService was built without SIP secrets');
    const rotatedAt = await this.access.sipSecrets.rotate(id);
    const pbx = await this.access.sip.sync();
    await this.audit?.record({
      actorId,
      action: 'user.sip-secret.rotate',
      entity: 'user',
      entityId: id,
      details: { reason, pbxApplied: pbx.applied },
    });
    return { rotatedAt: rotatedAt.toISOString(), pbx };
  }
}
