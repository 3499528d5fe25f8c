import { z } from 'zod';

import { nameSchema } from './common';

/** A team of operators led by a supervisor, who then sees the team's records (and only those). */
export const teamSchema = z.object({
  id: z.string(),
  name: z.string(),
  supervisorId: z.string().nullable(),
  memberIds: z.array(z.string()),
});
export type TeamDto = z.infer<typeof teamSchema>;

export const createTeamRequestSchema = z.strictObject({
  name: nameSchema.pipe(z.string().max(100)),
  /** A user with the supervisor role, or nobody yet. */
  supervisorId: z.uuid().nullable().default(null),
});
export type CreateTeamRequest = z.input<typeof createTeamRequestSchema>;

export const updateTeamRequestSchema = z
  .strictObject({
    name: nameSchema.pipe(z.string().max(100)).optional(),
    supervisorId: z.uuid().nullable().optional(),
  })
  .refine((v) => v.name !== undefined || v.supervisorId !== undefined, { message: 'give name or supervisorId' });
export type UpdateTeamRequest = z.input<typeof updateTeamRequestSchema>;
