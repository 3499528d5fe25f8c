import { z } from 'zod';

import { LINKABLE_ENTITY_TYPES } from './common';

export const noteSchema = z.object({
  id: z.string(),
  body: z.string(),
  authorId: z.string().nullable(),
  entityType: z.enum(LINKABLE_ENTITY_TYPES),
  entityId: z.string(),
  createdAt: z.string(),
});
export type NoteDto = z.infer<typeof noteSchema>;

export const createNoteRequestSchema = z.strictObject({
  body: z.string().trim().min(1).max(10_000),
  entityType: z.enum(LINKABLE_ENTITY_TYPES),
  entityId: z.uuid(),
});
export type CreateNoteRequest = z.infer<typeof createNoteRequestSchema>;

export const noteListQuerySchema = z.strictObject({
  entityType: z.enum(LINKABLE_ENTITY_TYPES),
  entityId: z.uuid(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
