import { EntitySchema } from 'typeorm';

export interface ContactRow {
  id: string;
  name: string;
  email: string | null;
  companyId: string | null;
  ownerId: string | null;
  doNotCall: boolean;
  tags: string[];
  /** Custom field values by key (validated by the custom-fields module; removed fields' values kept). */
  custom: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

export interface ContactPhoneRow {
  id: string;
  contactId: string;
  raw: string;
  e164: string | null;
  /** Last ten digits (RU national significant number) for numbers stored in odd forms. */
  last10: string | null;
  label: string | null;
  position: number;
}

export const ContactEntity = new EntitySchema<ContactRow>({
  name: 'Contact',
  tableName: 'contacts',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    name: { type: 'text' },
    email: { type: 'text', nullable: true },
    companyId: { type: 'uuid', name: 'company_id', nullable: true },
    ownerId: { type: 'uuid', name: 'owner_id', nullable: true },
    doNotCall: { type: 'boolean', name: 'do_not_call', default: false },
    tags: { type: 'text', array: true, default: () => `'{}'` },
    custom: { type: 'jsonb', default: () => `'{}'` },
    createdAt: { type: 'timestamptz', name: 'created_at', createDate: true },
    updatedAt: { type: 'timestamptz', name: 'updated_at', updateDate: true },
  },
});

export const ContactPhoneEntity = new EntitySchema<ContactPhoneRow>({
  name: 'ContactPhone',
  tableName: 'contact_phones',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    contactId: { type: 'uuid', name: 'contact_id' },
    raw: { type: 'text' },
    e164: { type: 'text', nullable: true },
    last10: { type: 'text', nullable: true },
    label: { type: 'text', nullable: true },
    position: { type: 'smallint', default: 0 },
  },
});
