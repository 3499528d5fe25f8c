import { EntitySchema } from 'typeorm';

import { type API_TOKEN_KINDS, type ApiTokenScope } from '@contracts/dto/api-token';

export interface ApiTokenRow {
  id: string;
  name: string;
  kind: (typeof API_TOKEN_KINDS)[number];
  /** `zv_` and the next 8 characters: shown to tell tokens apart. */
  prefix: string;
  /** sha256 of the whole token; the token itself is never stored. */
  tokenHash: Buffer;
  scopes: ApiTokenScope[];
  /** Whose access rules the token acts with. */
  ownerId: string;
  createdById: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  revokedAt: Date | null;
}

export const ApiTokenEntity = new EntitySchema<ApiTokenRow>({
  name: 'ApiToken',
  tableName: 'api_tokens',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    name: { type: 'text' },
    kind: { type: 'text' },
    prefix: { type: 'text' },
    tokenHash: { type: 'bytea', name: 'token_hash' },
    scopes: { type: 'text', array: true },
    ownerId: { type: 'uuid', name: 'owner_id' },
    createdById: { type: 'uuid', name: 'created_by_id', nullable: true },
    createdAt: { type: 'timestamptz', name: 'created_at', createDate: true },
    expiresAt: { type: 'timestamptz', name: 'expires_at', nullable: true },
    lastUsedAt: { type: 'timestamptz', name: 'last_used_at', nullable: true },
    lastUsedIp: { type: 'text', name: 'last_used_ip', nullable: true },
    revokedAt: { type: 'timestamptz', name: 'revoked_at', nullable: true },
  },
});
