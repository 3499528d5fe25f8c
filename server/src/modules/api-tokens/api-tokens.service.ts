import { type DataSource } from 'typeorm';

import {
  type ApiTokenDto,
  type ApiTokenScope,
  type CreateApiTokenRequest,
  type CreatedApiTokenDto,
  createApiTokenRequestSchema,
} from '@contracts/dto/api-token';
import { type UserDto } from '@contracts/dto/user';
import { type AuditService } from '@server/modules/audit/audit.service';
import { type Viewer } from '@server/common/access/visibility';
import { toUserDto, type UserLookup, type UserRow } from '@server/modules/users/users.service';

import { type ApiTokenRow } from './api-token.entity';
import { apiTokensError } from './api-tokens.errors';
import { ApiTokensRepository } from './api-tokens.repository';
import { hashToken, looksLikeToken, newTokenSecret } from './token-secret';

/** Who a request with a valid token acts as, and what the token allows on top of that user's own rules. */
export interface TokenPrincipal {
  tokenId: string;
  prefix: string;
  scopes: readonly ApiTokenScope[];
  user: Viewer;
}

export interface RequestMeta {
  ip: string | null;
}

/**
 * API tokens: made by a user for themselves (personal) or by an admin for another system (integration), stored as
 * a hash, shown once. A token acts as its owner — the owner's role and row visibility — narrowed by its scopes; it
 * stops working when revoked, expired or when its owner is deactivated. Creation, revocation and use are audited.
 */
export class ApiTokensService {
  private readonly repo: ApiTokensRepository;

  constructor(
    dataSource: DataSource,
    private readonly users: UserLookup,
    private readonly audit: AuditService,
    /** A team supervisor's scope, as the session gives it: a token sees what its owner's session would. */
    private readonly teamScope?: (supervisorId: string) => Promise<string[] | null>,
  ) {
    this.repo = new ApiTokensRepository(dataSource);
  }

  async list(viewer: UserDto): Promise<ApiTokenDto[]> {
    const rows = await this.repo.list(viewer.id, viewer.role === 'admin');
    return this.toDtos(rows);
  }

  async create(viewer: UserDto, input: CreateApiTokenRequest, meta: RequestMeta): Promise<CreatedApiTokenDto> {
    const req = createApiTokenRequestSchema.parse(input);
    if (req.kind === 'integration' && viewer.role !== 'admin') throw apiTokensError('FORBIDDEN', { field: 'kind' });
    const ownerId = req.ownerId ?? viewer.id;
    if (req.kind === 'personal' && ownerId !== viewer.id) throw apiTokensError('FORBIDDEN', { field: 'ownerId' });
    const owner = await this.users.findById(ownerId);
    if (!owner?.active) throw apiTokensError('USER_NOT_FOUND', { field: 'ownerId' });
    const secret = newTokenSecret();
    const row = await this.repo.insert({
      name: req.name,
      kind: req.kind,
      prefix: secret.prefix,
      tokenHash: secret.hash,
      scopes: [...req.scopes],
      ownerId,
      createdById: viewer.id,
      expiresAt: req.expiresInDays === null ? null : new Date(Date.now() + req.expiresInDays * 86_400_000),
    });
    await this.audit.record({
      actorId: viewer.id,
      action: 'api-token.create',
      entity: 'api-token',
      entityId: row.id,
      details: { name: row.name, kind: row.kind, prefix: row.prefix, scopes: row.scopes, ownerId, ip: meta.ip },
    });
    return { ...toDto(row, owner), token: secret.token };
  }

  /** Personal tokens by their owner; integration tokens by any admin. Revoking twice is not an error. */
  async revoke(viewer: UserDto, id: string, meta: RequestMeta): Promise<void> {
    const row = await this.repo.findById(id);
    const mayRevoke =
      row !== null && (row.kind === 'integration' ? viewer.role === 'admin' : row.ownerId === viewer.id);
    if (!row || !mayRevoke) throw apiTokensError('API_TOKEN_NOT_FOUND');
    if (await this.repo.revoke(id)) {
      await this.audit.record({
        actorId: viewer.id,
        action: 'api-token.revoke',
        entity: 'api-token',
        entityId: id,
        details: { name: row.name, prefix: row.prefix, ip: meta.ip },
      });
    }
  }

  /** The principal behind a presented token, or null when it is malformed, unknown, revoked or expired. */
  async authenticate(token: string): Promise<TokenPrincipal | null> {
    if (!looksLikeToken(token)) return null;
    const row = await this.repo.findByHash(hashToken(token));
    if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) return null;
    const owner = await this.users.findById(row.ownerId);
    if (!owner?.active) return null;
    const user = toUserDto(owner);
    const scope = user.role === 'supervisor' && this.teamScope ? await this.teamScope(user.id) : null;
    return {
      tokenId: row.id,
      prefix: row.prefix,
      scopes: row.scopes,
      user: scope ? { ...user, teamScope: scope } : user,
    };
  }

  /**
   * Every request a token makes that may change something is audited; reads at most once a minute per token,
   * together with the last-use stamp shown in the UI.
   */
  async recordUse(principal: TokenPrincipal, request: { method: string; path: string; ip: string | null }) {
    const stamped = await this.repo.touch(principal.tokenId, request.ip);
    if (!stamped && (request.method === 'GET' || request.method === 'HEAD')) return;
    await this.audit.record({
      actorId: principal.user.id,
      action: 'api-token.use',
      entity: 'api-token',
      entityId: principal.tokenId,
      details: { prefix: principal.prefix, method: request.method, path: request.path, ip: request.ip },
    });
  }

  private async toDtos(rows: ApiTokenRow[]): Promise<ApiTokenDto[]> {
    const owners = new Map(
      (await this.users.findByIds([...new Set(rows.map((r) => r.ownerId))])).map((u) => [u.id, u]),
    );
    return rows.map((r) => toDto(r, owners.get(r.ownerId)));
  }
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toDto(r: ApiTokenRow, owner: UserRow | undefined): ApiTokenDto {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    prefix: r.prefix,
    scopes: r.scopes,
    ownerId: r.ownerId,
    ownerLogin: owner?.login ?? '',
    createdById: r.createdById,
    createdAt: r.createdAt.toISOString(),
    expiresAt: iso(r.expiresAt),
    lastUsedAt: iso(r.lastUsedAt),
    lastUsedIp: r.lastUsedIp,
    revokedAt: iso(r.revokedAt),
  };
}
