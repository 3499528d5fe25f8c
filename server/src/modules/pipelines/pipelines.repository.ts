import { type DataSource, type EntityManager } from 'typeorm';

import { type PipelineDto, type PipelineStageDto, type StageKind } from '@contracts/dto/pipeline';

interface PipelineRow {
  id: string;
  name_ru: string;
  name_en: string;
  position: number;
  is_default: boolean;
}

interface StageRow {
  pipeline_id: string;
  key: string;
  name_ru: string;
  name_en: string;
  position: number;
  kind: StageKind;
  probability: number;
}

export interface StageWrite {
  key: string;
  nameRu: string;
  nameEn: string;
  kind: StageKind;
  probability: number;
}

const toStage = (s: StageRow): PipelineStageDto => ({
  key: s.key,
  nameRu: s.name_ru,
  nameEn: s.name_en,
  position: s.position,
  kind: s.kind,
  probability: s.probability,
});

/** `pipelines` and `pipeline_stages` (the pipelines module's tables). */
export class PipelinesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(): Promise<PipelineDto[]> {
    const pipelines: PipelineRow[] = await this.dataSource.query(
      `SELECT id, name_ru, name_en, position, is_default FROM pipelines ORDER BY is_default DESC, position, name_ru`,
    );
    const stages: StageRow[] = await this.dataSource.query(
      `SELECT pipeline_id, key, name_ru, name_en, position, kind, probability FROM pipeline_stages
       ORDER BY pipeline_id, position`,
    );
    return pipelines.map((p) => ({
      id: p.id,
      nameRu: p.name_ru,
      nameEn: p.name_en,
      position: p.position,
      isDefault: p.is_default,
      stages: stages.filter((s) => s.pipeline_id === p.id).map(toStage),
    }));
  }

  async find(id: string): Promise<PipelineDto | null> {
    return (await this.list()).find((p) => p.id === id) ?? null;
  }

  async insert(em: EntityManager, p: { nameRu: string; nameEn: string; position: number }): Promise<string> {
    const rows: { id: string }[] = await em.query(
      `INSERT INTO pipelines (name_ru, name_en, position) VALUES ($1, $2, $3) RETURNING id`,
      [p.nameRu, p.nameEn, p.position],
    );
    return rows[0]!.id;
  }

  async update(em: EntityManager, id: string, p: { nameRu?: string; nameEn?: string; position?: number }) {
    await em.query(
      `UPDATE pipelines SET name_ru = coalesce($2, name_ru), name_en = coalesce($3, name_en),
         position = coalesce($4, position), updated_at = now() WHERE id = $1`,
      [id, p.nameRu ?? null, p.nameEn ?? null, p.position ?? null],
    );
  }

  /** Locks the pipeline (so two admins' edits of its stages run one after the other). */
  async lock(em: EntityManager, id: string): Promise<boolean> {
    return (await em.query(`SELECT 1 FROM pipelines WHERE id = $1 FOR UPDATE`, [id])).length > 0;
  }

  /** Keys of the given stages that deals are on. */
  async stagesWithDeals(em: EntityManager, pipelineId: string, keys: string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const rows: { stage: string }[] = await em.query(
      `SELECT DISTINCT stage FROM deals WHERE pipeline_id = $1 AND stage = ANY($2)`,
      [pipelineId, keys],
    );
    return rows.map((r) => r.stage);
  }

  /** Replaces the stage list: upserts the given stages in order, deletes the others (the caller checked deals). */
  async writeStages(em: EntityManager, pipelineId: string, stages: StageWrite[]): Promise<void> {
    await em.query(`DELETE FROM pipeline_stages WHERE pipeline_id = $1 AND NOT (key = ANY($2))`, [
      pipelineId,
      stages.map((s) => s.key),
    ]);
    for (const [position, s] of stages.entries()) {
      await em.query(
        `INSERT INTO pipeline_stages (pipeline_id, key, name_ru, name_en, position, kind, probability)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (pipeline_id, key) DO UPDATE SET name_ru = EXCLUDED.name_ru, name_en = EXCLUDED.name_en,
           position = EXCLUDED.position, kind = EXCLUDED.kind, probability = EXCLUDED.probability`,
        [pipelineId, s.key, s.nameRu, s.nameEn, position, s.kind, s.probability],
      );
    }
  }

  async dealCount(pipelineId: string): Promise<number> {
    const rows: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM deals WHERE pipeline_id = $1`,
      [pipelineId],
    );
    return rows[0]!.n;
  }

  async delete(id: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM pipelines WHERE id = $1`, [id]);
  }
}
