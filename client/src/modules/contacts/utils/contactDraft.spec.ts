import { describe, expect, it } from 'vitest';

import { createContactRequestSchema, type ContactDto } from '@contracts/dto/contact';
import { parseTags, toDraft, toRequest } from '@client/modules/contacts/utils/contactDraft';

const contact: ContactDto = {
  id: 'c1',
  name: 'Ирина',
  email: null,
  companyId: 'co1',
  ownerId: null,
  doNotCall: true,
  tags: ['vip', 'опт'],
  custom: {},
  phones: [
    { raw: '8 (912) 345-67-89', e164: '+79123456789', label: 'моб.' },
    { raw: '+7 495 123-45-67', e164: '+74951234567', label: null },
  ],
  createdAt: '2026-11-23T00:00:00Z',
  updatedAt: '2026-11-23T00:00:00Z',
};

describe('contact draft', () => {
  it('round-trips a contact into a request the server schema accepts', () => {
    const body = toRequest(toDraft(contact));
    expect(body).toEqual({
      name: 'Ирина',
      email: null,
      companyId: 'co1',
      doNotCall: true,
      tags: ['vip', 'опт'],
      phones: [
        { raw: '8 (912) 345-67-89', label: 'моб.' },
        { raw: '+7 495 123-45-67', label: null },
      ],
    });
    expect(createContactRequestSchema.safeParse({ ...body, companyId: null }).success).toBe(true);
  });

  it('drops blank phone rows and trims fields', () => {
    const draft = toDraft();
    draft.name = '  Пётр  ';
    draft.email = ' ';
    draft.phones[0]!.raw = '   ';
    expect(toRequest(draft)).toMatchObject({ name: 'Пётр', email: null, phones: [] });
  });

  it('splits, trims and dedupes tags', () => {
    expect(parseTags(' vip, опт ,,vip ')).toEqual(['vip', 'опт']);
  });
});
