import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type CallCard, type ContactCallCard, type LeadCallCard } from '@contracts/dto/call-card';
import { errorText } from '@client/api/errorText';
import { useLocale } from '@client/app/useLocale';
import { formatPhone } from '@client/i18n/format';
import { livePopApi } from '@client/modules/calls/api/livePopApi';
import { ConvertLead } from '@client/modules/calls/components/ConvertLead';

type Done = 'task' | 'deal';

/** One-click records from the card: a call-back task (contact or lead), a deal (contact), lead conversion. */
export function CardQuickActions({
  card,
  onCard,
}: {
  card: ContactCallCard | LeadCallCard;
  onCard: (card: CallCard) => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [done, setDone] = useState<Done[]>([]);
  const [busy, setBusy] = useState<Done | null>(null);
  const [error, setError] = useState<unknown>(null);
  const who = card.kind === 'contact' ? card.contact.name : formatPhone(card.number.e164 ?? card.number.raw, locale);

  const run = (what: Done, action: () => Promise<unknown>) => {
    setBusy(what);
    setError(null);
    action()
      .then(() => setDone((d) => [...d, what]))
      .catch(setError)
      .finally(() => setBusy(null));
  };
  const createTask = () =>
    run('task', () =>
      livePopApi.createTask({
        title: t('livePop.taskTitle', { who }),
        kind: 'callback',
        dueAt: new Date(Date.now() + 24 * 3_600_000).toISOString(),
        entityType: card.kind,
        entityId: card.kind === 'contact' ? card.contact.id : card.lead.id,
      }),
    );
  const createDeal = () =>
    card.kind === 'contact' &&
    run('deal', () =>
      livePopApi.createDeal({
        title: t('livePop.dealTitle', { who }),
        contactId: card.contact.id,
        companyId: card.contact.company?.id ?? null,
      }),
    );

  return (
    <div className="pop-actions" data-testid="pop-actions">
      <button
        type="button"
        className="btn"
        disabled={busy !== null || done.includes('task')}
        onClick={createTask}
        data-testid="pop-create-task"
      >
        {done.includes('task') ? t('livePop.taskCreated') : t('livePop.createTask')}
      </button>
      {card.kind === 'contact' ? (
        <button
          type="button"
          className="btn"
          disabled={busy !== null || done.includes('deal')}
          onClick={createDeal}
          data-testid="pop-create-deal"
        >
          {done.includes('deal') ? t('livePop.dealCreated') : t('livePop.createDeal')}
        </button>
      ) : (
        <ConvertLead card={card} onConverted={onCard} />
      )}
      {error ? (
        <p className="alert alert--error" role="alert">
          {errorText(t, error)}
        </p>
      ) : null}
    </div>
  );
}
