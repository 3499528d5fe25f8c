import { type DataSource } from 'typeorm';

import {
  type CustomFieldDto,
  type CustomFieldEntity,
  type CustomFieldOption,
  type CustomFieldType,
} from '@contracts/dto/custom-field';

interface Row {
  id: string;
  entity: CustomFieldEntity;
  key: string;
  type: CustomFieldType;
  label_ru: string;
  label_en: string;
  required: boolean;
  position: number;
  options: CustomFieldOption[];
  on_card: boolean;
  removed_at: Date | null;
}

const toDto = (r: Row): CustomFieldDto => ({
  id: r.id,
  entity: r.entity,
  key: r.key,
  type: r.type,
  labelRu: r.label_ru,
  labelEn: r.label_en,
  required: r.required,
  position: r.position,
  options: r.options,
  onCard: r.on_card,
  removedAt: r.removed_at?.toISOString() ?? null,
});

export type FieldInsert = Omit<CustomFieldDto, 'id' | 'removedAt'>;
export type FieldPatch = Partial<
  Pick<CustomFieldDto, 'labelRu' | 'labelEn' | 'required' | 'position' | 'options' | 'onCard'>
>;

/** The `custom_fields` table: definitions only (values live in each record's `custom` column). */
export class CustomFieldsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(entity: CustomFieldEntity | undefined, includeRemoved: boolean): Promise<CustomFieldDto[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT * FROM custom_fields
       WHERE ($1::text IS NULL OR entity = $1) AND ($2 OR removed_at IS NULL)
       ORDER BY entity, position, created_at`,
      [entity ?? null, includeRemoved],
    );
    return rows.map(toDto);
  }

  async find(id: string): Promise<CustomFieldDto | null> {
    const rows: Row[] = await this.dataSource.query(`SELECT * FROM custom_fields WHERE id = $1`, [id]);
    return rows[0] ? toDto(rows[0]) : null;
  }

  async insert(f: FieldInsert): Promise<string> {
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO custom_fields (entity, key, type, label_ru, label_en, required, position, options, on_card)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [f.entity, f.key, f.type, f.labelRu, f.labelEn, f.required, f.position, JSON.stringify(f.options), f.onCard],
    );
    return rows[0]!.id;
  }

  async update(id: string, p: FieldPatch): Promise<void> {
    await this.dataSource.query(
      `UPDATE custom_fields SET label_ru = coalesce($2, label_ru), label_en = coalesce($3, label_en),
         required = coalesce($4, required), position = coalesce($5, position),
         options = coalesce($6::jsonb, options), on_card = coalesce($7, on_card), updated_at = now()
       WHERE id = $1`,
      [
        id,
        p.labelRu ?? null,
        p.labelEn ?? null,
        p.required ?? null,
        p.position ?? null,
        p.options ? JSON.stringify(p.options) : null,
        p.onCard ?? null,
      ],
    );
  }

  async setRemoved(id: string, removed: boolean): Promise<void> {
    await this.dataSource.query(
      `UPDATE custom_fields SET removed_at = CASE WHEN $2 THEN now() END, updated_at = now() WHERE id = $1`,
      [id, removed],
    );
  }

  async delete(id: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM custom_fields WHERE id = $1`, [id]);
  }
}
