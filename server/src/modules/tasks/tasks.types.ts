/** What a task (or a note) may be linked to. */
export const LINKABLE_ENTITIES = ['contact', 'company', 'lead', 'deal', 'call'] as const;
export type LinkableEntity = (typeof LINKABLE_ENTITIES)[number];
