import { z } from 'zod';

/**
 * Do-not-call enforcement: the blocked-numbers list (admins edit it; the PBX refuses those numbers both ways) and
 * the check every outgoing call passes first (click-to-call, the softphone's dial, the PBX's own lookup).
 */

/** Why a number may not be dialled: a contact asked not to be called, or the number is on the blocked list. */
export const DO_NOT_CALL_REASONS = ['do-not-call', 'blocked'] as const;
export type DoNotCallReason = (typeof DO_NOT_CALL_REASONS)[number];

/** `details` of a 409 DO_NOT_CALL: why, and whether the caller's role may override it (with a reason). */
export interface DoNotCallDetails {
  reason: DoNotCallReason;
  overridable: boolean;
}

/** Free text a person writes to justify something; printable, 3–500 characters. */
const reasonSchema = z
  .string()
  .trim()
  .min(3)
  .max(500)
  .refine((s) => !/\p{Cc}/u.test(s), 'must not contain control characters');

/** A supervisor's or manager's decision to call a do-not-call number anyway; audited with the reason. */
export const dialOverrideSchema = z.strictObject({ reason: reasonSchema });
export type DialOverride = z.input<typeof dialOverrideSchema>;

export const dialCheckRequestSchema = z.strictObject({
  /** An E.164/national number (+7 916…, 8 916…) or an internal extension (2–6 digits). */
  destination: z.string().trim().min(2).max(40),
  override: dialOverrideSchema.optional(),
});
export type DialCheckRequest = z.input<typeof dialCheckRequestSchema>;

export interface DialCheckResponse {
  /** What to dial: E.164, or the extension as typed. */
  destination: string;
  /** True when the number is do-not-call or blocked and this request overrode it (audited). */
  overridden: boolean;
}

export const blockedNumberSchema = z.object({
  id: z.string(),
  phoneRaw: z.string(),
  e164: z.string(),
  reason: z.string(),
  createdBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type BlockedNumberDto = z.infer<typeof blockedNumberSchema>;

export const createBlockedNumberRequestSchema = z.strictObject({
  phone: z
    .string()
    .trim()
    .min(2)
    .max(40)
    .regex(/^[\d\s()+\-.]+$/, 'digits, spaces, + ( ) - . only'),
  reason: reasonSchema,
});
export type CreateBlockedNumberRequest = z.input<typeof createBlockedNumberRequestSchema>;

export const updateBlockedNumberRequestSchema = z.strictObject({ reason: reasonSchema });
export type UpdateBlockedNumberRequest = z.input<typeof updateBlockedNumberRequestSchema>;

export const blockedNumberListQuerySchema = z.strictObject({
  /** A number in any format, a part of one, or words of the reason. */
  q: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type BlockedNumberListQuery = z.input<typeof blockedNumberListQuerySchema>;

/** The PBX's lookup (`GET /api/routing/dial-policy`, token): which way the call goes, the number, the extension. */
export const dialPolicyQuerySchema = z.object({
  direction: z.enum(['inbound', 'outbound']),
  phone: z.string().max(64).default(''),
  /** Outbound: the calling endpoint (`1001`, `1001-web`), whose one-time override may let the call through. */
  ext: z.string().max(64).default(''),
  token: z.string().max(256).optional(),
});
