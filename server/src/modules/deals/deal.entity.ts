import { EntitySchema } from 'typeorm';

export const DEAL_STAGES = ['new', 'qualification', 'proposal', 'negotiation', 'won', 'lost'] as const;

export interface DealRow {
  id: string;
  title: string;
  stage: (typeof DEAL_STAGES)[number];
  /** numeric(14,2) comes back from pg as a string; kept as a string so no precision is lost. */
  amount: string;
  currency: string;
  ownerId: string | null;
  contactId: string | null;
  companyId: string | null;
  closedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const DealEntity = new EntitySchema<DealRow>({
  name: 'Deal',
  tableName: 'deals',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    title: { type: 'text' },
    stage: { type: 'text', default: 'new' },
    amount: { type: 'numeric', precision: 14, scale: 2, default: 0 },
    currency: { type: 'char', length: 3, default: 'RUB' },
    ownerId: { type: 'uuid', name: 'owner_id', nullable: true },
    contactId: { type: 'uuid', name: 'contact_id', nullable: true },
    companyId: { type: 'uuid', name: 'company_id', nullable: true },
    closedAt: { type: 'timestamptz', name: 'closed_at', nullable: true },
    createdAt: { type: 'timestamptz', name: 'created_at', createDate: true },
    updatedAt: { type: 'timestamptz', name: 'updated_at', updateDate: true },
  },
});
