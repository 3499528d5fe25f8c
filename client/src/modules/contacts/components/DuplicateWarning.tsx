import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type ContactDuplicatesDto, type ContactMergeDto } from '@contracts/dto/contact-merge';
import { errorText } from '@client/api/errorText';
import { href } from '@client/app/router';
import { useCurrentUser } from '@client/modules/auth/states/sessionContext';
import { mergeApi } from '@client/modules/contacts/api/mergeApi';
import { UndoMergeButton } from '@client/modules/contacts/components/UndoMergeButton';

/** Enough digits to be a number someone else could have (not a half-typed one). */
const WORTH_CHECKING = /(\d.*){7,}/;
/** Wait for the typing to settle before asking. */
const DEBOUNCE_MS = 400;

interface Found extends ContactDuplicatesDto {
  phone: string;
}

/**
 * Under the contact form's numbers: another contact already has one of them. Offers to open it and, to the staff
 * editing an existing contact, to merge it into this one (undoable from here and from the audit log).
 */
export function DuplicateWarning({ phones, contactId }: { phones: string[]; contactId?: string }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const [found, setFound] = useState<Found[]>([]);
  const [merged, setMerged] = useState<ContactMergeDto | null>(null);
  const [error, setError] = useState<unknown>(null);
  const key = phones.filter((p) => WORTH_CHECKING.test(p)).join('|');

  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      const numbers = key ? key.split('|') : [];
      Promise.all(
        numbers.map((phone) => mergeApi.duplicates(phone, contactId, controller.signal).then((r) => ({ ...r, phone }))),
      )
        .then((all) => setFound(all.filter((f) => f.items.length > 0 || f.hidden > 0)))
        .catch(() => undefined);
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [key, contactId]);

  const canMerge = contactId !== undefined && user.role !== 'operator';
  const merge = (sourceId: string, name: string) => {
    if (!contactId || !window.confirm(t('contacts.merge.confirm', { name }))) return;
    setError(null);
    mergeApi
      .merge(contactId, sourceId)
      .then((r) => {
        setMerged(r);
        setFound((all) =>
          all
            .map((f) => ({ ...f, items: f.items.filter((c) => c.id !== sourceId) }))
            .filter((f) => f.items.length > 0 || f.hidden > 0),
        );
      })
      .catch((err: unknown) => setError(err));
  };

  if (found.length === 0 && !merged && !error) return null;
  return (
    <div className="stack" data-testid="contact-duplicates">
      {found.map((f) => (
        <div key={f.phone} className="alert alert--warning" role="status" data-testid="contact-duplicate">
          <p>{t('contacts.duplicate.found', { phone: f.phone })}</p>
          <ul className="duplicate-list">
            {f.items.map((c) => (
              <li key={c.id}>
                <a href={href(`/contacts/${c.id}`)} data-testid="contact-duplicate-open">
                  {c.name}
                </a>
                {canMerge ? (
                  <button
                    type="button"
                    className="btn btn--small"
                    onClick={() => merge(c.id, c.name)}
                    data-testid="contact-duplicate-merge"
                  >
                    {t('contacts.merge.here')}
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
          {f.hidden > 0 ? <p className="muted">{t('contacts.duplicate.hidden', { count: f.hidden })}</p> : null}
        </div>
      ))}
      {merged ? (
        <div className="alert alert--success" role="status" data-testid="contact-merged">
          <p>{t('contacts.merge.done', { ...merged.moved })}</p>
          <UndoMergeButton mergeId={merged.mergeId} />
        </div>
      ) : null}
      {error ? (
        <div className="alert alert--error" role="alert">
          {errorText(t, error)}
        </div>
      ) : null}
    </div>
  );
}
