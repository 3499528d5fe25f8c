import { EntitySchema } from 'typeorm';

export interface DealRow {
  id: string;
  title: string;
  pipelineId: string;
  /** Key of a stage of the pipeline (pipeline_stages). */
  stage: string;
  /** numeric(14,2) comes back from pg as a string; kept as a string so no precision is lost. */
  amount: string;
  currency: string;
  ownerId: string | null;
  contactId: string | null;
  companyId: string | null;
  closedAt: Date | null;
  /** Custom field values by key (validated by the custom-fields module; removed fields' values kept). */
  custom: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

export const DealEntity = new EntitySchema<DealRow>({
  name: 'Deal',
  tableName: 'deals',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    title: { type: 'text' },
    pipelineId: { type: 'uuid', name: 'pipeline_id' },
    stage: { type: 'text' },
    amount: { type: 'numeric', precision: 14, scale: 2, default: 0 },
    currency: { type: 'char', length: 3, default: 'RUB' },
    ownerId: { type: 'uuid', name: 'owner_id', nullable: true },
    contactId: { type: 'uuid', name: 'contact_id', nullable: true },
    companyId: { type: 'uuid', name: 'company_id', nullable: true },
    closedAt: { type: 'timestamptz', name: 'closed_at', nullable: true },
    custom: { type: 'jsonb', default: () => `'{}'` },
    createdAt: { type: 'timestamptz', name: 'created_at', createDate: true },
    updatedAt: { type: 'timestamptz', name: 'updated_at', updateDate: true },
  },
});
