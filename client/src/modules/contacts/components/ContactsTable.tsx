import { useTranslation } from 'react-i18next';

import { type ContactDto } from '@contracts/dto/contact';
import { href } from '@client/app/router';
import { useLocale } from '@client/app/useLocale';
import { DataTable } from '@client/ui/DataTable';
import { PhoneText } from '@client/ui/PhoneText';

export function ContactsTable({ items, companyNames }: { items: ContactDto[]; companyNames: Map<string, string> }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <DataTable
      testId="contacts-table"
      columns={[
        { label: t('contacts.name') },
        { label: t('contacts.phones') },
        { label: t('contacts.company') },
        { label: t('contacts.tags') },
      ]}
    >
      {items.map((contact) => (
        <tr key={contact.id} data-testid="contact-row">
          <td>
            <a
              className="row-link"
              href={href(`/contacts/${encodeURIComponent(contact.id)}`)}
              data-testid="contact-name"
            >
              {contact.name}
            </a>{' '}
            {contact.doNotCall ? (
              <span className="badge badge--danger" data-testid="contact-dnc">
                {t('contacts.doNotCall')}
              </span>
            ) : null}
          </td>
          <td>
            <span className="stack">
              {contact.phones.map((phone, index) => (
                <span key={`${index}:${phone.raw}`} data-testid="contact-phone">
                  <PhoneText value={phone.e164 ?? phone.raw} locale={locale} />
                  {phone.label ? <span className="muted"> · {phone.label}</span> : null}
                </span>
              ))}
            </span>
          </td>
          <td>{contact.companyId ? (companyNames.get(contact.companyId) ?? '') : ''}</td>
          <td>
            <span className="tag-list">
              {contact.tags.map((tag) => (
                <span key={tag} className="badge badge--primary">
                  {tag}
                </span>
              ))}
            </span>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
