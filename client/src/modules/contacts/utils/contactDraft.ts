import { type ContactDto, type CreateContactRequest } from '@contracts/dto/contact';

export interface PhoneDraft {
  /** Stable key for React while rows are added and removed. */
  key: string;
  raw: string;
  label: string;
}

export interface ContactDraft {
  name: string;
  email: string;
  companyId: string;
  doNotCall: boolean;
  tags: string;
  phones: PhoneDraft[];
}

let nextKey = 0;
export const newPhoneRow = (raw = '', label = ''): PhoneDraft => ({ key: `p${(nextKey += 1)}`, raw, label });

export function toDraft(contact?: ContactDto): ContactDraft {
  if (!contact) return { name: '', email: '', companyId: '', doNotCall: false, tags: '', phones: [newPhoneRow()] };
  return {
    name: contact.name,
    email: contact.email ?? '',
    companyId: contact.companyId ?? '',
    doNotCall: contact.doNotCall,
    tags: contact.tags.join(', '),
    // Edit what the user once typed; the server re-derives E.164 from it.
    phones: contact.phones.length ? contact.phones.map((p) => newPhoneRow(p.raw, p.label ?? '')) : [newPhoneRow()],
  };
}

export function parseTags(input: string): string[] {
  const seen = new Set<string>();
  for (const tag of input.split(',')) {
    const trimmed = tag.trim();
    if (trimmed) seen.add(trimmed);
  }
  return [...seen];
}

/** Request body for both create and full update; blank phone rows are dropped, not sent as errors. */
export function toRequest(draft: ContactDraft): Required<Omit<CreateContactRequest, 'ownerId' | 'custom'>> {
  return {
    name: draft.name.trim(),
    email: draft.email.trim() || null,
    companyId: draft.companyId || null,
    doNotCall: draft.doNotCall,
    tags: parseTags(draft.tags),
    phones: draft.phones.filter((p) => p.raw.trim()).map((p) => ({ raw: p.raw.trim(), label: p.label.trim() || null })),
  };
}
