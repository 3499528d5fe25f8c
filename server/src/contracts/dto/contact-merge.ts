import { z } from 'zod';

import { type ContactDto } from './contact';

/** `POST /api/contacts/:id/merge`: the contact `sourceId` is folded into `:id` (the one kept). */
export const mergeContactsRequestSchema = z.strictObject({ sourceId: z.uuid() });
export type MergeContactsRequest = z.infer<typeof mergeContactsRequestSchema>;

/** `POST /api/contacts/merges/:mergeId/undo`: the id of the merge's audit record (`contact.merge`). */
export const mergeIdParamsSchema = z.strictObject({ mergeId: z.string().regex(/^\d{1,18}$/, 'an audit record id') });

/** What moved to the kept contact, by kind; the same lists move back on undo. */
export const MERGE_REF_KINDS = ['calls', 'deals', 'tasks', 'notes', 'leads', 'formSubmissions', 'phones'] as const;
export type MergeRefKind = (typeof MERGE_REF_KINDS)[number];

export interface ContactMergeDto {
  contact: ContactDto;
  /** The audit record of the merge; undo names it. */
  mergeId: string;
  moved: Record<MergeRefKind, number>;
}

export interface ContactUnmergeDto {
  /** The contact that was merged away, back with its records. */
  restored: ContactDto;
  kept: ContactDto;
}

/** `GET /api/contacts/duplicates?phone=&exceptId=`: who else has this number (the contact form warns). */
export const contactDuplicatesQuerySchema = z.strictObject({
  phone: z.string().trim().min(3).max(40),
  /** The contact being edited, which of course has its own number. */
  exceptId: z.uuid().optional(),
});
export type ContactDuplicatesQuery = z.infer<typeof contactDuplicatesQuerySchema>;

export const contactDuplicatesSchema = z.object({
  /** Those the viewer may open. */
  items: z.array(z.object({ id: z.string(), name: z.string() })),
  /** How many more have the number but are not the viewer's to see (an operator's colleagues' clients). */
  hidden: z.number(),
});
export type ContactDuplicatesDto = z.infer<typeof contactDuplicatesSchema>;

export const contactMergeSchema = z.object({
  contact: z.object({ id: z.string() }).passthrough(),
  mergeId: z.string(),
  moved: z.record(z.enum(MERGE_REF_KINDS), z.number()),
});
export const contactUnmergeSchema = z.object({
  restored: z.object({ id: z.string() }).passthrough(),
  kept: z.object({ id: z.string() }).passthrough(),
});
