import { hash, verify } from '@node-rs/argon2';

import { type AgentTelephonyOutcome } from '@contracts/dto/agent';
import {
  type ChangeOwnPasswordRequest,
  type CreateUserRequest,
  type ExtensionCheckDto,
  type HoldingKind,
  type PbxEndpointState,
  type ReassignRequest,
  type ResetPasswordRequest,
  type SipSecretRotationDto,
  type UpdateUserRequest,
  type UserAdminDto,
  type UserChangeDto,
  type UserDto,
  type UserHoldingsDto,
  changeOwnPasswordRequestSchema,
  createUserRequestSchema,
  reassignRequestSchema,
  resetPasswordRequestSchema,
  updateUserRequestSchema,
} from '@contracts/dto/user';
import { seesAll, type Viewer } from '@server/common/access/visibility';
import { PG_UNIQUE_VIOLATION, pgConstraint, pgErrorCode } from '@server/common/errors/app-error';
import { type Logger } from '@server/common/logger/logger';
import { type AuditService } from '@server/modules/audit/audit.service';
import { type SipProvisioner } from '@server/modules/sip-secrets/sip-provisioner.service';
import { type SipSecretsService } from '@server/modules/sip-secrets/sip-secrets.service';
import { type HoldingsReadModel } from '@server/modules/users/holdings.read-model';
import { passwordProblem } from '@server/modules/users/password-policy';
import { type UserRow } from '@server/modules/users/user.entity';
import { usersError } from '@server/modules/users/users.errors';
import { type UserPatch, type UsersRepository } from '@server/modules/users/users.repository';

/** What auth and API tokens read of users on every request, straight from the owner's repository. */
export type UserLookup = Pick<UsersRepository, 'findById' | 'findByIds' | 'findByLogin'>;
export { type UserRow };

export const toUserDto = (u: UserRow): UserDto => ({
  id: u.id,
  login: u.login,
  name: u.name,
  role: u.role,
  extension: u.extension,
  locale: u.locale,
  teamId: u.teamId,
});

const toUserAdminDto = (u: UserRow): UserAdminDto => ({ ...toUserDto(u), active: u.active });

export const hashPassword = (password: string) => hash(password);

/** What account changes reach besides the users table: sessions and sockets, SIP secrets and the PBX. */
/** What users needs of sessions; auth's AuthService is it (declared here so users does not import auth back). */
export interface UserSessions {
  endSessionsOf(userId: string): Promise<void>;
  disconnectUser(userId: string): void;
}

export interface UserAccessDeps {
  sessions: UserSessions;
  sipSecrets: Pick<SipSecretsService, 'rotate'>;
  sip: Pick<SipProvisioner, 'sync'>;
}

/** The rest of what administering users touches, each through its owner. */
export interface UserAdminDeps {
  /** Queue pauses of a departing user's phones. */
  agents?: { pauseDeparted(extension: string | null): Promise<AgentTelephonyOutcome> };
  /** A team named in a body must exist (400 TEAM_NOT_FOUND naming the field otherwise). */
  teams?: { assertExists(teamId: string, field: string): Promise<void> };
  /** What a user holds, and each kind's owner handing it over. */
  holdings?: Pick<HoldingsReadModel, 'of'>;
  reassign?: Record<HoldingKind, (fromUserId: string, toUserId: string) => Promise<number>>;
  /** The PBX's answer about an extension's endpoint (AMI PJSIPShowEndpoint); absent → `unknown`. */
  endpointExists?: (extension: string) => Promise<boolean>;
  logger?: Logger;
}

export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly audit?: AuditService,
    private readonly access?: UserAccessDeps,
    private readonly admin: UserAdminDeps = {},
  ) {}

  /** Staff directory: a supervisor who leads teams sees themselves and their teams' members. */
  async list(viewer?: Viewer): Promise<UserAdminDto[]> {
    const rows = await this.users.list();
    return rows.filter((u) => !viewer || seesAll(viewer) || viewer.teamScope?.includes(u.id)).map(toUserAdminDto);
  }

  async get(id: string, viewer?: Viewer): Promise<UserAdminDto> {
    const user = await this.users.findById(id);
    if (!user || (viewer && !seesAll(viewer) && !viewer.teamScope?.includes(id))) throw usersError('USER_NOT_FOUND');
    return toUserAdminDto(user);
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

  async create(input: CreateUserRequest, actorId: string | null = null): Promise<UserChangeDto> {
    const req = createUserRequestSchema.parse(input);
    this.assertPassword(req.password, req.login);
    if (req.teamId) await this.admin.teams?.assertExists(req.teamId, 'teamId');
    const row = await uniqueFields(async () =>
      this.users.insert({
        login: req.login,
        passwordHash: await hashPassword(req.password),
        name: req.name,
        role: req.role,
        extension: req.extension,
        locale: req.locale,
        active: true,
        teamId: req.teamId,
      }),
    );
    await this.audit?.record({
      actorId,
      action: 'user.create',
      entity: 'user',
      entityId: row.id,
      details: { login: row.login, role: row.role, extension: row.extension, teamId: row.teamId },
    });
    // The new extension's phones get their secret on the PBX now, not at the next periodic sync.
    if (row.extension) await this.access?.sip.sync();
    return { ...toUserAdminDto(row), pbxEndpoint: row.extension ? await this.pbxEndpoint(row.extension) : null };
  }

  /**
   * Changes an account. A role change or (de)activation closes the user's open sockets on every node (they come
   * back with the new role); deactivation also ends every session, rotates the SIP secret (so neither the browser
   * nor a phone configured with the old secret gets back in) and pauses the user's phones in every queue. Each
   * changed field is audited with from and to.
   */
  async update(id: string, input: UpdateUserRequest, actorId: string): Promise<UserChangeDto> {
    const patch: UserPatch = updateUserRequestSchema.parse(input);
    if (patch.teamId) await this.admin.teams?.assertExists(patch.teamId, 'teamId');
    const result = await uniqueFields(() => this.users.updateKeepingAnAdmin(id, patch));
    if (result === 'not-found') throw usersError('USER_NOT_FOUND');
    if (result === 'last-admin') throw usersError('LAST_ACTIVE_ADMIN');
    const { before, after } = result;
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const key of ['name', 'role', 'active', 'extension', 'teamId', 'locale'] as const) {
      if (before[key] !== after[key]) changes[key] = { from: before[key], to: after[key] };
    }
    const extensionChanged = 'extension' in changes && after.extension !== null;
    const dto: UserChangeDto = {
      ...toUserAdminDto(after),
      pbxEndpoint: extensionChanged && after.extension ? await this.pbxEndpoint(after.extension) : null,
    };
    if (Object.keys(changes).length === 0) return dto;
    await this.audit?.record({ actorId, action: 'user.update', entity: 'user', entityId: id, details: { changes } });

    if (before.active && !after.active) {
      await this.access?.sessions.endSessionsOf(id);
      await this.rotateAndSync(id, actorId, 'deactivated');
      const pause = await this.admin.agents?.pauseDeparted(before.extension);
      if (pause && !pause.applied)
        this.admin.logger?.warn({ userId: id, note: pause.note }, 'departed user not paused');
    } else {
      if (changes.role || changes.active) this.access?.sessions.disconnectUser(id);
      // Reactivated, or a new extension: the user's endpoints are provisioned (with the secret rotated at leaving).
      if (after.active && after.extension && (changes.active || changes.extension)) await this.access?.sip.sync();
    }
    return dto;
  }

  /** Admins: sets a user's password; every session of theirs ends (and their sockets close). */
  async resetPassword(id: string, input: ResetPasswordRequest, actorId: string): Promise<void> {
    const { password } = resetPasswordRequestSchema.parse(input);
    const user = await this.users.findById(id);
    if (!user) throw usersError('USER_NOT_FOUND');
    this.assertPassword(password, user.login);
    await this.users.setPasswordHash(id, await hashPassword(password));
    await this.access?.sessions.endSessionsOf(id);
    await this.audit?.record({ actorId, action: 'user.password.reset', entity: 'user', entityId: id });
  }

  /**
   * One's own password, proven by the current one (a wrong one is audited and answers 400, not 401, so the browser
   * keeps its session). The user's other sessions end; `keepSession` (the one asking) stays.
   */
  async changeOwnPassword(
    viewer: UserDto,
    input: ChangeOwnPasswordRequest,
    keepSession: { endOthers(userId: string, keepSessionId: string): Promise<void>; sessionId: string },
  ): Promise<void> {
    const req = changeOwnPasswordRequestSchema.parse(input);
    const user = await this.users.findById(viewer.id);
    if (!user) throw usersError('USER_NOT_FOUND');
    if (!(await verify(user.passwordHash, req.currentPassword).catch(() => false))) {
      await this.audit?.record({
        actorId: user.id,
        action: 'user.password.change-denied',
        entity: 'user',
        entityId: user.id,
      });
      throw usersError('CURRENT_PASSWORD_WRONG');
    }
    this.assertPassword(req.newPassword, user.login, 'newPassword');
    await this.users.setPasswordHash(user.id, await hashPassword(req.newPassword));
    await keepSession.endOthers(user.id, keepSession.sessionId);
    await this.audit?.record({ actorId: user.id, action: 'user.password.change', entity: 'user', entityId: user.id });
  }

  /** Whether an extension is free among active users (other than `userId`) and known to the PBX. */
  async checkExtension(extension: string, userId?: string): Promise<ExtensionCheckDto> {
    const holder = await this.users.findByExtension(extension);
    const takenBy = holder && holder.id !== userId ? { id: holder.id, name: holder.name } : null;
    return { extension, takenBy, pbx: await this.pbxEndpoint(extension) };
  }

  /** What a (departing) user still holds: the wizard's first step. */
  async holdings(id: string): Promise<UserHoldingsDto> {
    if (!(await this.users.findById(id))) throw usersError('USER_NOT_FOUND');
    if (!this.admin.holdings) throw new Error('UsersService was built without the holdings read model');
    return this.admin.holdings.of(id);
  }

  /** Hands the chosen kinds of a user's open work to an active colleague, each through its owner; audited. */
  async reassign(id: string, input: ReassignRequest, actorId: string): Promise<UserHoldingsDto> {
    const req = reassignRequestSchema.parse(input);
    if (!(await this.users.findById(id))) throw usersError('USER_NOT_FOUND');
    const target = await this.users.findById(req.toUserId);
    if (!target?.active || target.id === id) throw usersError('REASSIGN_TARGET_INVALID', 'toUserId');
    if (!this.admin.reassign) throw new Error('UsersService was built without the owners to reassign through');
    const moved: UserHoldingsDto = { leads: 0, tasks: 0, deals: 0, contacts: 0, companies: 0 };
    for (const kind of new Set(req.kinds)) moved[kind] = await this.admin.reassign[kind](id, target.id);
    await this.audit?.record({
      actorId,
      action: 'user.reassign',
      entity: 'user',
      entityId: id,
      details: { toUserId: target.id, moved },
    });
    return moved;
  }

  /** A new SIP secret for the user's phones; the old one stops working once the PBX is synced (see `pbx`). */
  async rotateSipSecret(id: string, actorId: string): Promise<SipSecretRotationDto> {
    if (!(await this.users.findById(id))) throw usersError('USER_NOT_FOUND');
    return this.rotateAndSync(id, actorId, 'admin');
  }

  private assertPassword(password: string, login: string, field = 'password'): void {
    const problem = passwordProblem(password, login);
    if (problem) throw usersError('WEAK_PASSWORD', field, { reason: problem });
  }

  private async pbxEndpoint(extension: string): Promise<PbxEndpointState> {
    if (!this.admin.endpointExists) return 'unknown';
    try {
      return (await this.admin.endpointExists(extension)) ? 'exists' : 'missing';
    } catch (err) {
      this.admin.logger?.info({ err, extension }, 'could not ask the PBX about an endpoint');
      return 'unknown';
    }
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

/** Login and extension are unique (the extension among active users): a clash is a 409 naming which. */
async function uniqueFields<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (pgErrorCode(err) === PG_UNIQUE_VIOLATION) {
      throw usersError(pgConstraint(err) === 'uq_users_extension' ? 'EXTENSION_TAKEN' : 'LOGIN_TAKEN');
    }
    throw err;
  }
}
