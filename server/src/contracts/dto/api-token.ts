import { z } from 'zod';

import { nameSchema } from './common';

/**
 * What a token may do, on top of its owner's role and row visibility (it never widens them). A `…:write` scope
 * includes the `…:read` of the same resource. Routes a scope does not name (users, tokens, agents, the wallboard,
 * supervision, settings) are for signed-in people only and refuse every token.
 */
export const API_TOKEN_SCOPES = [
  'calls:read',
  'calls:write',
  'recordings:read',
  'contacts:read',
  'contacts:write',
  'leads:read',
  'leads:write',
  'deals:read',
  'deals:write',
  'tasks:read',
  'tasks:write',
  'notes:read',
  'notes:write',
  'analytics:read',
  'webhooks:manage',
] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];

/** Whether `granted` covers `required` (a write scope covers the read scope of the same resource). */
export function scopeGrants(granted: readonly string[], required: ApiTokenScope): boolean {
  if (granted.includes(required)) return true;
  return required.endsWith(':read') && granted.includes(required.replace(/:read$/, ':write'));
}

/**
 * `personal`: acts as the user who made it, seen only by them. `integration`: made by an admin for another system,
 * acting as the user the admin names (often an account of its own, so its rights can be set apart), seen and
 * revoked by every admin.
 */
export const API_TOKEN_KINDS = ['personal', 'integration'] as const;

/** Every token starts with this, so a leaked one is recognisable (secret scanners, logs). */
export const API_TOKEN_PREFIX = 'zv_';

export const apiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(API_TOKEN_KINDS),
  /** The first characters of the token (`zv_` + 8), enough to tell tokens apart, never enough to use one. */
  prefix: z.string(),
  scopes: z.array(z.enum(API_TOKEN_SCOPES)),
  ownerId: z.string(),
  ownerLogin: z.string(),
  createdById: z.string().nullable(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  lastUsedIp: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiTokenDto = z.infer<typeof apiTokenSchema>;

/** The answer to creating a token: the only time the token itself is ever shown. */
export const createdApiTokenSchema = apiTokenSchema.extend({ token: z.string() });
export type CreatedApiTokenDto = z.infer<typeof createdApiTokenSchema>;

export const createApiTokenRequestSchema = z.strictObject({
  name: nameSchema.pipe(z.string().max(100)),
  kind: z.enum(API_TOKEN_KINDS).default('personal'),
  scopes: z
    .array(z.enum(API_TOKEN_SCOPES))
    .min(1)
    .max(API_TOKEN_SCOPES.length)
    .refine((s) => new Set(s).size === s.length, 'scopes must not repeat'),
  /** Null: never expires (integration tokens of systems that cannot rotate). */
  expiresInDays: z.number().int().min(1).max(730).nullable().default(90),
  /** Integration tokens: the user whose access the token acts with (default: the admin making it). */
  ownerId: z.uuid().optional(),
});
export type CreateApiTokenRequest = z.input<typeof createApiTokenRequestSchema>;
