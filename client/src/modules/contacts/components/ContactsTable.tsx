import { useTranslation } from 'react-i18next';

import { type ContactDto } from '@contracts/dto/contact';
import { type CustomFieldDto } from '@contracts/dto/custom-field';
import { fieldLabel, formatCustomValue } from '@client/modules/customfields/utils/customValue';
import { href } from '@client/app/router';
import { useLocale } from '@client/app/useLocale';
import { DataTable } from '@client/ui/DataTable';
import { PhoneText } from '@client/ui/PhoneText';

export function ContactsTable({
  items,
  companyNames,
  customColumns = [],
}: {
  items: ContactDto[];
  companyNames: Map<string, string>;
  /** Custom fields shown as extra columns (the user picks them). */
  customColumns?: readonly CustomFieldDto[];
}) {
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
        ...customColumns.map((f) => ({ label: fieldLabel(f, locale) })),
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
          {customColumns.map((f) => (
            <td key={f.key} data-testid={`contact-custom-${f.key}`}>
              {formatCustomValue(f, contact.custom[f.key], locale, t('common.yes'))}
            </td>
          ))}
        </tr>
      ))}
    </DataTable>
  );
}
