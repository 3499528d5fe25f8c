import { z } from 'zod';

export const USER_ROLES = ['admin', 'manager', 'supervisor', 'operator'] as const;
export const roleSchema = z.enum(USER_ROLES);
export type Role = z.infer<typeof roleSchema>;
export const localeSchema = z.enum(['ru', 'en']);

export const userSchema = z.object({
  id: z.string(),
  login: z.string(),
  name: z.string(),
  role: roleSchema,
  extension: z.string().nullable(),
  locale: localeSchema,
  /** The team the user belongs to (operators; see teams). */
  teamId: z.string().nullable(),
});
export type UserDto = z.infer<typeof userSchema>;

/**
 * A password as typed. The rules (length ≥ 10, not among the common passwords, not the login) are checked by the
 * server, which answers 400 WEAK_PASSWORD with `details: {field, reason}`; the upper bound keeps argon2's input sane.
 */
export const MIN_PASSWORD_LENGTH = 10;
const passwordSchema = z.string().min(1).max(256);
export const PASSWORD_PROBLEMS = ['too-short', 'too-common', 'contains-login'] as const;
export type PasswordProblem = (typeof PASSWORD_PROBLEMS)[number];
const extensionSchema = z.string().regex(/^\d{2,6}$/, '2–6 digits');

export const loginRequestSchema = z.strictObject({
  login: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;
export const authResponseSchema = z.object({ user: userSchema });
export type AuthResponse = z.infer<typeof authResponseSchema>;

export const createUserRequestSchema = z.strictObject({
  login: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9._-]{1,64}$/, 'latin letters, digits, dot, dash, underscore'),
  password: passwordSchema,
  name: z.string().trim().min(1).max(200),
  role: roleSchema,
  extension: extensionSchema.nullable().default(null),
  locale: localeSchema.default('ru'),
  teamId: z.uuid().nullable().default(null),
});
export type CreateUserRequest = z.input<typeof createUserRequestSchema>;

/** `PATCH /api/users/:id` (admins): any of name, role, (de)activation, extension, team, language. */
export const updateUserRequestSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    role: roleSchema.optional(),
    active: z.boolean().optional(),
    extension: extensionSchema.nullable().optional(),
    teamId: z.uuid().nullable().optional(),
    locale: localeSchema.optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'give at least one field' });
export type UpdateUserRequest = z.input<typeof updateUserRequestSchema>;

/** `POST /api/users/:id/password` (admins): a new password; the user's sessions end. */
export const resetPasswordRequestSchema = z.strictObject({ password: passwordSchema });
export type ResetPasswordRequest = z.input<typeof resetPasswordRequestSchema>;

/** `POST /api/users/me/password`: one's own password, with the current one; one's other sessions end. */
export const changeOwnPasswordRequestSchema = z.strictObject({
  currentPassword: passwordSchema,
  newPassword: passwordSchema,
});
export type ChangeOwnPasswordRequest = z.input<typeof changeOwnPasswordRequestSchema>;

/** Whether the PBX has the extension's endpoint: `unknown` when telephony is off or the PBX cannot be asked. */
export type PbxEndpointState = 'exists' | 'missing' | 'unknown';

/** `GET /api/users/extension-check?extension=&userId=`: is it free among active users, and does the PBX know it. */
export const extensionCheckQuerySchema = z.strictObject({
  extension: extensionSchema,
  /** The user being edited (their own extension is not "taken"). */
  userId: z.uuid().optional(),
});
export interface ExtensionCheckDto {
  extension: string;
  takenBy: { id: string; name: string } | null;
  pbx: PbxEndpointState;
}

/** A user as an admin sees them: whether the account is active too. */
export const userAdminSchema = userSchema.extend({ active: z.boolean() });
export type UserAdminDto = z.infer<typeof userAdminSchema>;

/** A created or changed user, with what the PBX said about their extension (null: no extension, or unchanged). */
export type UserChangeDto = UserAdminDto & { pbxEndpoint: PbxEndpointState | null };

/** What a user holds that a colleague should take over when they leave. */
export const HOLDING_KINDS = ['leads', 'tasks', 'deals', 'contacts', 'companies'] as const;
export type HoldingKind = (typeof HOLDING_KINDS)[number];
/** Open leads (not converted or junk), open tasks assigned, open deals, contacts and companies owned. */
export type UserHoldingsDto = Record<HoldingKind, number>;

/** `POST /api/users/:id/reassign` (admins): hands the chosen kinds of open work to an active colleague. */
export const reassignRequestSchema = z.strictObject({
  toUserId: z.uuid(),
  kinds: z
    .array(z.enum(HOLDING_KINDS))
    .min(1)
    .max(HOLDING_KINDS.length)
    .default([...HOLDING_KINDS]),
});
export type ReassignRequest = z.input<typeof reassignRequestSchema>;

/** Whether the PBX followed a change of SIP secrets. */
export interface PbxApplied {
  applied: boolean;
  /** Why not, in plain words (telephony off, PBX down, provisioning not configured). Null when applied. */
  note: string | null;
}

/** `POST /api/users/:id/sip-secret/rotate`: never the secret itself (only its owner's softphone config has it). */
export interface SipSecretRotationDto {
  rotatedAt: string;
  pbx: PbxApplied;
}
