import { type MigrationInterface, type QueryRunner } from 'typeorm';

const OLD_STAGES = ['new', 'qualification', 'proposal', 'negotiation', 'won', 'lost'] as const;

/** The six stages the CHECK used to fix, as the default pipeline's editable stages. */
const DEFAULT_STAGES: { key: string; ru: string; en: string; kind: string; probability: number }[] = [
  { key: 'new', ru: 'Новая', en: 'New', kind: 'open', probability: 10 },
  { key: 'qualification', ru: 'Квалификация', en: 'Qualification', kind: 'open', probability: 25 },
  { key: 'proposal', ru: 'Предложение', en: 'Proposal', kind: 'open', probability: 50 },
  { key: 'negotiation', ru: 'Переговоры', en: 'Negotiation', kind: 'open', probability: 75 },
  { key: 'won', ru: 'Выиграна', en: 'Won', kind: 'won', probability: 100 },
  { key: 'lost', ru: 'Проиграна', en: 'Lost', kind: 'lost', probability: 0 },
];

/**
 * Several deal pipelines with editable stages. Today's six stages become the stages of the default pipeline under
 * the same keys, so every deal keeps its `stage` value, `closed_at` and audit trail untouched; only `pipeline_id` is
 * added. A deal's (pipeline_id, stage) references its pipeline's stage, so a stage with deals cannot be removed, and
 * a pipeline_id default (the default pipeline) keeps older writers that name only a stage working.
 */
export class CreatePipelines1764000730000 implements MigrationInterface {
  name = 'CreatePipelines1764000730000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE pipelines (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name_ru text NOT NULL CHECK (length(name_ru) BETWEEN 1 AND 100),
        name_en text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 100),
        position integer NOT NULL DEFAULT 0,
        is_default boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_pipelines_default ON pipelines ((true)) WHERE is_default`);
    await q.query(`
      CREATE TABLE pipeline_stages (
        pipeline_id uuid NOT NULL REFERENCES pipelines(id) ON DELETE CASCADE,
        key text NOT NULL CHECK (key ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
        name_ru text NOT NULL CHECK (length(name_ru) BETWEEN 1 AND 100),
        name_en text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 100),
        position integer NOT NULL,
        kind text NOT NULL DEFAULT 'open' CHECK (kind IN ('open', 'won', 'lost')),
        probability smallint NOT NULL DEFAULT 0 CHECK (probability BETWEEN 0 AND 100),
        PRIMARY KEY (pipeline_id, key)
      )`);
    const [created]: { id: string }[] = await q.query(
      `INSERT INTO pipelines (name_ru, name_en, position, is_default) VALUES ('Продажи', 'Sales', 0, true) RETURNING id`,
    );
    const id = created!.id;
    for (const [position, s] of DEFAULT_STAGES.entries()) {
      await q.query(
        `INSERT INTO pipeline_stages (pipeline_id, key, name_ru, name_en, position, kind, probability)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [id, s.key, s.ru, s.en, position, s.kind, s.probability],
      );
    }
    await q.query(`
      CREATE FUNCTION zv_default_pipeline() RETURNS uuid LANGUAGE sql STABLE AS $$
        SELECT id FROM pipelines WHERE is_default
      $$`);
    await q.query(`ALTER TABLE deals DROP CONSTRAINT deals_stage_check`);
    await q.query(`ALTER TABLE deals ADD COLUMN pipeline_id uuid NOT NULL DEFAULT zv_default_pipeline()`);
    await q.query(`
      ALTER TABLE deals ADD CONSTRAINT fk_deals_stage FOREIGN KEY (pipeline_id, stage)
        REFERENCES pipeline_stages (pipeline_id, key)`);
    await q.query(`DROP INDEX ix_deals_stage`);
    await q.query(`CREATE INDEX ix_deals_pipeline_stage ON deals (pipeline_id, stage)`);
    // Cards show open deals with their stage's name: a renamed stage tells the card caches (payload 'all').
    await q.query(`
      CREATE TRIGGER tr_pipeline_stages_card AFTER INSERT OR UPDATE OR DELETE ON pipeline_stages
        FOR EACH ROW EXECUTE FUNCTION zv_card_changed()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER tr_pipeline_stages_card ON pipeline_stages`);
    await q.query(`ALTER TABLE deals DROP CONSTRAINT fk_deals_stage`);
    // Deals of other pipelines (or of stages added later) fall back to the old stage their outcome matches.
    await q.query(
      `UPDATE deals d SET stage = CASE s.kind WHEN 'won' THEN 'won' WHEN 'lost' THEN 'lost' ELSE 'new' END
       FROM pipeline_stages s, pipelines p
       WHERE s.pipeline_id = d.pipeline_id AND s.key = d.stage AND p.id = d.pipeline_id
         AND NOT (p.is_default AND d.stage = ANY($1))`,
      [OLD_STAGES],
    );
    await q.query(`DROP INDEX ix_deals_pipeline_stage`);
    await q.query(`ALTER TABLE deals DROP COLUMN pipeline_id`);
    await q.query(`DROP FUNCTION zv_default_pipeline()`);
    await q.query(`DROP TABLE pipeline_stages`);
    await q.query(`DROP TABLE pipelines`);
    await q.query(`CREATE INDEX ix_deals_stage ON deals (stage)`);
    await q.query(`
      ALTER TABLE deals ADD CONSTRAINT deals_stage_check
        CHECK (stage IN ('new', 'qualification', 'proposal', 'negotiation', 'won', 'lost'))`);
  }
}
