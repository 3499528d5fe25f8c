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
});
export type UserDto = z.infer<typeof userSchema>;

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
  password: z.string().min(8).max(256),
  name: z.string().trim().min(1).max(200),
  role: roleSchema,
  extension: z
    .string()
    .regex(/^\d{2,6}$/, '2–6 digits')
    .nullable()
    .default(null),
  locale: localeSchema.default('ru'),
});
export type CreateUserRequest = z.input<typeof createUserRequestSchema>;

/** `PATCH /api/users/:id` (admins): a role change or (de)activation; at least one of them. */
export const updateUserRequestSchema = z
  .strictObject({ role: roleSchema.optional(), active: z.boolean().optional() })
  .refine((v) => v.role !== undefined || v.active !== undefined, { message: 'give role or active' });
export type UpdateUserRequest = z.input<typeof updateUserRequestSchema>;

/** A user as an admin sees them: whether the account is active too. */
export const userAdminSchema = userSchema.extend({ active: z.boolean() });
export type UserAdminDto = z.infer<typeof userAdminSchema>;

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
