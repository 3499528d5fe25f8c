import { z } from 'zod';

export const STAGE_KINDS = ['open', 'won', 'lost'] as const;
export type StageKind = (typeof STAGE_KINDS)[number];

/** A stage's key: stable while its names change; deals store it. */
export const STAGE_KEY = /^[a-z0-9][a-z0-9_-]{0,39}$/;

export interface PipelineStageDto {
  key: string;
  nameRu: string;
  nameEn: string;
  /** 0, 1, 2… in the pipeline's order. */
  position: number;
  /** `won` / `lost` close a deal (it gets closedAt); `open` stages are the way there. */
  kind: StageKind;
  /** Chance of winning a deal at this stage, in percent (the funnel's weighted amount). */
  probability: number;
}

export interface PipelineDto {
  id: string;
  nameRu: string;
  nameEn: string;
  position: number;
  /** The pipeline of deals created without one (the six stages of before live here). */
  isDefault: boolean;
  stages: PipelineStageDto[];
}

const name = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((s) => !/\p{Cc}/u.test(s), 'must not contain control characters');

/** A stage as an admin edits it; a stage without a key is new (the server gives it one). */
export const stageInputSchema = z.strictObject({
  key: z.string().regex(STAGE_KEY, 'latin lower-case letters, digits, - and _').optional(),
  nameRu: name,
  nameEn: name,
  kind: z.enum(STAGE_KINDS).default('open'),
  probability: z.number().int().min(0).max(100).default(0),
});
export type StageInput = z.input<typeof stageInputSchema>;

const stagesSchema = z
  .array(stageInputSchema)
  .min(1)
  .max(30)
  .refine((stages) => stages.some((s) => (s.kind ?? 'open') === 'open'), 'at least one open stage')
  .refine((stages) => {
    const keys = stages.flatMap((s) => (s.key ? [s.key] : []));
    return new Set(keys).size === keys.length;
  }, 'stage keys must differ');

export const createPipelineRequestSchema = z.strictObject({
  nameRu: name,
  nameEn: name,
  position: z.number().int().min(0).max(1000).default(0),
  /** In order: the kanban's columns from left to right. */
  stages: stagesSchema,
});
export type CreatePipelineRequest = z.input<typeof createPipelineRequestSchema>;

/**
 * `stages`, when given, is the whole new list in order: listed keys are kept (renamed, moved), new entries added,
 * and a stage left out is deleted — refused (409 STAGE_HAS_DEALS) while deals are on it.
 */
export const updatePipelineRequestSchema = z
  .strictObject({
    nameRu: name.optional(),
    nameEn: name.optional(),
    position: z.number().int().min(0).max(1000).optional(),
    stages: stagesSchema.optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'give at least one field' });
export type UpdatePipelineRequest = z.input<typeof updatePipelineRequestSchema>;
