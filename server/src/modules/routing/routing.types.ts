import { z } from 'zod';

/** `GET /api/routing/owner`'s query (the OpenAPI document describes it too). */
export const ownerQuerySchema = z.object({
  phone: z.string().max(64).default(''),
  token: z.string().max(256).optional(),
});
