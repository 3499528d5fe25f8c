import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { contactsApi } from '@client/api/crmApi';
import { useQuery } from '@client/app/useQuery';
import { ContactActivity } from '@client/modules/contacts/components/ContactActivity';
import { ContactForm } from '@client/modules/contacts/components/ContactForm';
import { Timeline } from '@client/modules/timeline/components/Timeline';
import { QueryView } from '@client/ui/QueryView';

/** Create (no id) or edit screen; the form remounts per contact so its draft never leaks between them. */
export function ContactEditor({ id }: { id?: string }) {
  const { t } = useTranslation();
  const [stamp, setStamp] = useState(0);
  const query = useQuery(`contact:${id ?? 'new'}`, (signal) =>
    id ? contactsApi.get(id, signal) : Promise.resolve(null),
  );
  const changed = () => {
    query.reload();
    setStamp((n) => n + 1);
  };
  return (
    <section aria-labelledby="contact-title">
      <div className="page-header">
        <h1 id="contact-title">{id ? (query.data?.name ?? t('contacts.editTitle')) : t('contacts.new')}</h1>
      </div>
      <QueryView {...query} isEmpty={() => false}>
        {(contact) =>
          contact ? (
            <>
              <div className="contact-layout">
                <ContactForm key={contact.id} contact={contact} />
                <ContactActivity contact={contact} onChange={changed} />
              </div>
              {/* Remounted when the contact changes (a deal or task made here, a new owner): its newest items. */}
              <Timeline key={`${contact.updatedAt}:${stamp}`} entityType="contact" entityId={contact.id} />
            </>
          ) : (
            <ContactForm key="new" />
          )
        }
      </QueryView>
    </section>
  );
}
