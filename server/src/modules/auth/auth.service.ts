import { createHash, randomBytes } from 'node:crypto';

import { hash, verify } from '@node-rs/argon2';
import { parse as parseCookie } from 'cookie';
import { type DataSource, LessThan, type Repository } from 'typeorm';

import { type UserDto } from '@contracts/dto/user';
import { type AuditService } from '@server/modules/audit/audit.service';
import { authError } from '@server/modules/auth/auth.errors';
import { SessionEntity, type SessionRow } from '@server/modules/auth/session.entity';
import { type UsersRepository } from '@server/modules/users/users.repository';
import { toUserDto } from '@server/modules/users/users.service';

export const SESSION_COOKIE = 'zv_session';

export interface LoginResult {
  user: UserDto;
  /** Opaque token for the cookie; only its sha256 is stored. */
  token: string;
  expiresAt: Date;
}

const sha256 = (token: string) => createHash('sha256').update(token).digest();

export class AuthService {
  private readonly sessions: Repository<SessionRow>;
  /** Verified against when the login is unknown, so response time does not reveal which logins exist. */
  private readonly dummyHash: Promise<string>;

  constructor(
    dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly ttlHours: number,
    private readonly audit?: AuditService,
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
    if (token) await this.sessions.delete({ tokenHash: sha256(token) });
  }

  /** The user behind a cookie token, or null when the token is unknown, expired or the user is deactivated. */
  async authenticate(token: string | undefined): Promise<UserDto | null> {
    if (!token || token.length > 200) return null;
    const session = await this.sessions.findOneBy({ tokenHash: sha256(token) });
    if (!session) return null;
    if (session.expiresAt.getTime() <= Date.now()) {
      await this.sessions.delete({ id: session.id });
      return null;
    }
    const user = await this.users.findById(session.userId);
    return user?.active ? toUserDto(user) : null;
  }

  /** For Socket.IO: authenticates the handshake by the same session cookie as REST. */
  authenticateSocketHandshake(cookieHeader: string | undefined): Promise<UserDto | null> {
    return this.authenticate(readSessionToken(cookieHeader));
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
