import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { LEAD_STATUSES, type LeadDto } from '@contracts/dto/lead';
import { errorText } from '@client/api/errorText';
import { leadsApi } from '@client/api/crmApi';

type Status = LeadDto['status'];
const isStatus = (value: string): value is Status => (LEAD_STATUSES as readonly string[]).includes(value);

/** Inline status change; shows the saved status, reverting visibly when the server refuses. */
export function LeadStatusSelect({ lead }: { lead: LeadDto }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<Status>(lead.status);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const change = async (next: string) => {
    if (!isStatus(next)) return;
    setPending(true);
    setError(null);
    try {
      setStatus((await leadsApi.update(lead.id, { status: next })).status);
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  };
  return (
    <span className="stack">
      <select
        className="select select--inline"
        value={status}
        disabled={pending}
        onChange={(e) => void change(e.target.value)}
        aria-label={t('leads.status')}
        data-testid="lead-status"
      >
        {LEAD_STATUSES.map((s) => (
          <option key={s} value={s}>
            {t(`leads.statuses.${s}`)}
          </option>
        ))}
      </select>
      {error ? (
        <span className="field__error" role="alert">
          {errorText(t, error)}
        </span>
      ) : null}
    </span>
  );
}
