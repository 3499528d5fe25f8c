import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type CallCard, type ContactCallCard } from '@contracts/dto/call-card';
import { errorText } from '@client/api/errorText';
import { useLocale } from '@client/app/useLocale';
import { formatDateTime } from '@client/i18n/format';
import { livePopApi } from '@client/modules/calls/api/livePopApi';

/**
 * Several contacts have the caller's number: the card says how many and lets the operator pick the caller (name,
 * company, last call). The server keeps the pick for this call and answers the chosen contact's card.
 */
export function ChooseContact({
  card,
  onCard,
}: {
  card: ContactCallCard & { matches: NonNullable<ContactCallCard['matches']> };
  onCard: (card: CallCard) => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const { matches } = card;

  const choose = (contactId: string) => {
    setBusy(contactId);
    setError(null);
    livePopApi
      .chooseContact(card.callId, { contactId })
      .then(onCard)
      .catch(setError)
      .finally(() => setBusy(null));
  };
  return (
    <section className="pop-matches" data-testid="pop-matches" data-chosen={matches.chosen}>
      <p className="alert alert--warning" data-testid="pop-matches-count">
        {t('livePop.matches', { count: matches.total })}{' '}
        {matches.chosen ? t('livePop.matchChosen') : t('livePop.matchAutomatic')}
      </p>
      <ul className="pop-card__list">
        {matches.contacts.map((match) => {
          const current = match.id === card.contact.id;
          return (
            <li key={match.id} data-testid="pop-match" data-contact-id={match.id} data-current={current}>
              <span>
                <strong>{match.name}</strong>
                {match.company ? <span className="muted"> · {match.company.name}</span> : null}
                <br />
                <span className="muted">
                  {match.lastCallAt
                    ? t('livePop.matchLastCall', { at: formatDateTime(match.lastCallAt, locale) })
                    : t('livePop.matchNoCalls')}
                </span>
              </span>
              {current ? (
                <span className="badge badge--primary">{t('livePop.matchCurrent')}</span>
              ) : (
                <button
                  type="button"
                  className="btn btn--small"
                  disabled={busy !== null}
                  onClick={() => choose(match.id)}
                  data-testid="pop-match-choose"
                >
                  {t('livePop.matchChoose')}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {error ? (
        <p className="alert alert--error" role="alert">
          {errorText(t, error)}
        </p>
      ) : null}
    </section>
  );
}
