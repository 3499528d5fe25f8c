import { createHash, randomBytes } from 'node:crypto';

import { hash, verify } from '@node-rs/argon2';
import { parse as parseCookie } from 'cookie';
import { type DataSource, In, LessThan, MoreThan, type Repository } from 'typeorm';

import { type Role, type UserDto } from '@contracts/dto/user';
import { type Viewer } from '@server/common/access/visibility';
import { type AuditService } from '@server/modules/audit/audit.service';
import { authError } from '@server/common/auth/auth.errors';
import { SessionEntity, type SessionRow } from '@server/modules/auth/session.entity';
import { toUserDto, type UserLookup } from '@server/modules/users/users.service';

export const SESSION_COOKIE = 'zv_session';

export interface LoginResult {
  user: UserDto;
  /** Opaque token for the cookie; only its sha256 is stored. */
  token: string;
  expiresAt: Date;
}

/** A signed-in session: who, and which session row (sockets remember it to be cut off with it). */
export interface SessionOwner {
  sessionId: string;
  user: Viewer;
}

/**
 * Sessions whose open sockets must go: one session (logout), or all of a user's (a role change, deactivation).
 * Sockets of a changed role reconnect on their own and come back with the new role.
 */
export type Revocation = { sessionId: string } | { userId: string };

const sha256 = (token: string) => createHash('sha256').update(token).digest();

export class AuthService {
  private readonly sessions: Repository<SessionRow>;
  /** Verified against when the login is unknown, so response time does not reveal which logins exist. */
  private readonly dummyHash: Promise<string>;
  private readonly revocationListeners = new Set<(revocation: Revocation) => void>();

  constructor(
    dataSource: DataSource,
    private readonly users: UserLookup,
    private readonly ttlHours: number,
    private readonly audit?: AuditService,
    /** The users a supervisor sees: themselves and their teams (null: they lead none and see all). */
    private readonly teamScope?: (supervisorId: string) => Promise<string[] | null>,
  ) {
    this.sessions = dataSource.getRepository(SessionEntity);
    this.dummyHash = hash(randomBytes(16).toString('hex'));
  }

  /** Checks the password and opens a NEW session every time (an old token never gets promoted). */
  async login(login: string, password: string, meta: { ip?: string; userAgent?: string } = {}): Promise<LoginResult> {
    const user = await this.users.findByLogin(login);
    const ok = await verify(user?.passwordHash ?? (await this.dummyHash), password).catch(() => false);
    if (!user || !ok || !user.active) {
      await this.audit?.record({
        actorId: user?.id ?? null,
        action: 'auth.login-failed',
        entity: 'user',
        entityId: user?.id ?? null,
        details: { login: login.slice(0, 64), ip: meta.ip },
      });
      throw authError('INVALID_CREDENTIALS');
    }
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.ttlHours * 3_600_000);
    await this.sessions.insert({
      tokenHash: sha256(token),
      userId: user.id,
      expiresAt,
      ip: meta.ip ?? null,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
    });
    await this.audit?.record({
      actorId: user.id,
      action: 'auth.login',
      entity: 'user',
      entityId: user.id,
      details: { ip: meta.ip },
    });
    return { user: toUserDto(user), token, expiresAt };
  }

  async logout(token: string | undefined): Promise<void> {
    if (!token) return;
    const deleted = await this.sessions
      .createQueryBuilder()
      .delete()
      .where('token_hash = :hash', { hash: sha256(token) })
      .returning('id')
      .execute();
    for (const { id } of deleted.raw as { id: string }[]) this.revoke({ sessionId: id });
  }

  /** Ends every session of the user (deactivation) and closes their sockets on every node. */
  async endSessionsOf(userId: string): Promise<void> {
    await this.sessions.delete({ userId });
    this.revoke({ userId });
  }

  /** Ends the user's other sessions (a password change): the one asking stays signed in, the others are closed. */
  async endSessionsExcept(userId: string, keepSessionId: string): Promise<void> {
    const ended = await this.sessions
      .createQueryBuilder()
      .delete()
      .where('user_id = :userId AND id <> :keep', { userId, keep: keepSessionId })
      .returning('id')
      .execute();
    for (const { id } of ended.raw as { id: string }[]) this.revoke({ sessionId: id });
  }

  /** Closes the user's sockets on every node; their sessions stay (a role change: sockets rejoin as the new role). */
  disconnectUser(userId: string): void {
    this.revoke({ userId });
  }

  /** Socket.IO subscribes here to close the sockets of ended sessions (on every node, through its adapter). */
  onRevoked(listener: (revocation: Revocation) => void): () => void {
    this.revocationListeners.add(listener);
    return () => this.revocationListeners.delete(listener);
  }

  /** The user behind a cookie token, or null when the token is unknown, expired or the user is deactivated. */
  async authenticate(token: string | undefined): Promise<Viewer | null> {
    return (await this.authenticateSession(token))?.user ?? null;
  }

  /** Like `authenticate`, with the session's id. */
  async authenticateSession(token: string | undefined): Promise<SessionOwner | null> {
    if (!token || token.length > 200) return null;
    const session = await this.sessions.findOneBy({ tokenHash: sha256(token) });
    if (!session) return null;
    if (session.expiresAt.getTime() <= Date.now()) {
      await this.sessions.delete({ id: session.id });
      return null;
    }
    const user = await this.users.findById(session.userId);
    if (!user?.active) return null;
    const scope = user.role === 'supervisor' && this.teamScope ? await this.teamScope(user.id) : null;
    return { sessionId: session.id, user: scope ? { ...toUserDto(user), teamScope: scope } : toUserDto(user) };
  }

  /** For Socket.IO: authenticates the handshake by the same session cookie as REST. */
  authenticateSocketHandshake(cookieHeader: string | undefined): Promise<SessionOwner | null> {
    return this.authenticateSession(readSessionToken(cookieHeader));
  }

  /**
   * Which of these sessions are still good (not ended or expired, user active), with their user's current role:
   * open sockets re-check themselves with it, in case a revocation never reached their node.
   */
  async liveSessions(sessionIds: readonly string[]): Promise<Map<string, Role>> {
    const live = new Map<string, Role>();
    if (sessionIds.length === 0) return live;
    const sessions = await this.sessions.findBy({ id: In([...sessionIds]), expiresAt: MoreThan(new Date()) });
    const users = new Map(
      (await this.users.findByIds([...new Set(sessions.map((s) => s.userId))])).map((u) => [u.id, u]),
    );
    for (const session of sessions) {
      const user = users.get(session.userId);
      if (user?.active) live.set(session.id, user.role);
    }
    return live;
  }

  private revoke(revocation: Revocation): void {
    for (const listener of this.revocationListeners) listener(revocation);
  }

  async purgeExpired(): Promise<number> {
    const result = await this.sessions.delete({ expiresAt: LessThan(new Date()) });
    return result.affected ?? 0;
  }
}

export function readSessionToken(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  return parseCookie(cookieHeader)[SESSION_COOKIE] || undefined;
}
