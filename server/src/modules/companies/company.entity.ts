import { EntitySchema } from 'typeorm';

export interface CompanyRow {
  id: string;
  name: string;
  inn: string | null;
  website: string | null;
  phoneE164: string | null;
  ownerId: string | null;
  /** Custom field values by key (validated by the custom-fields module; removed fields' values kept). */
  custom: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

export const CompanyEntity = new EntitySchema<CompanyRow>({
  name: 'Company',
  tableName: 'companies',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    name: { type: 'text' },
    inn: { type: 'text', nullable: true },
    website: { type: 'text', nullable: true },
    phoneE164: { type: 'text', name: 'phone_e164', nullable: true },
    ownerId: { type: 'uuid', name: 'owner_id', nullable: true },
    custom: { type: 'jsonb', default: () => `'{}'` },
    createdAt: { type: 'timestamptz', name: 'created_at', createDate: true },
    updatedAt: { type: 'timestamptz', name: 'updated_at', updateDate: true },
  },
});
