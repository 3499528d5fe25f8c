import { EntitySchema } from 'typeorm';

import { type LeadUtm } from '@contracts/dto/web-form';

export const LEAD_STATUSES = ['new', 'in_progress', 'qualified', 'converted', 'junk'] as const;
export const LEAD_SOURCES = ['call', 'web', 'manual', 'import'] as const;

export interface LeadRow {
  id: string;
  source: (typeof LEAD_SOURCES)[number];
  status: (typeof LEAD_STATUSES)[number];
  name: string | null;
  phoneRaw: string | null;
  phoneE164: string | null;
  ownerId: string | null;
  contactId: string | null;
  /** The first deal made when the lead was converted. */
  dealId: string | null;
  convertedAt: Date | null;
  /** The call that created the lead (source 'call'), so whichever node handles that call knows it did. */
  sourceCallId: string | null;
  /** The website form that created the lead (source 'web'), and the UTM tags of that visit. */
  formId: string | null;
  utm: LeadUtm | null;
  /** Custom field values by key (validated by the custom-fields module; removed fields' values kept). */
  custom: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

export const LeadEntity = new EntitySchema<LeadRow>({
  name: 'Lead',
  tableName: 'leads',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    source: { type: 'text' },
    status: { type: 'text', default: 'new' },
    name: { type: 'text', nullable: true },
    phoneRaw: { type: 'text', name: 'phone_raw', nullable: true },
    phoneE164: { type: 'text', name: 'phone_e164', nullable: true },
    ownerId: { type: 'uuid', name: 'owner_id', nullable: true },
    contactId: { type: 'uuid', name: 'contact_id', nullable: true },
    dealId: { type: 'uuid', name: 'deal_id', nullable: true },
    convertedAt: { type: 'timestamptz', name: 'converted_at', nullable: true },
    sourceCallId: { type: 'uuid', name: 'source_call_id', nullable: true },
    formId: { type: 'uuid', name: 'form_id', nullable: true },
    utm: { type: 'jsonb', nullable: true },
    custom: { type: 'jsonb', default: () => `'{}'` },
    createdAt: { type: 'timestamptz', name: 'created_at', createDate: true },
    updatedAt: { type: 'timestamptz', name: 'updated_at', updateDate: true },
  },
});
