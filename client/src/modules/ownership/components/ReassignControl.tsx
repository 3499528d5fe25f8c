import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { usersApi } from '@client/api/crmApi';
import { errorText } from '@client/api/errorText';
import { useQuery } from '@client/app/useQuery';
import { useCurrentUser } from '@client/modules/auth/states/sessionContext';
import { Alert } from '@client/ui/Alert';

/**
 * Who owns the record and, for supervisors, managers and admins, a way to give it to someone else (the record's
 * `POST …/:id/reassign`: audited, the new owner is told). Operators may not reassign, so they see nothing here.
 * Deactivated users are not offered; the server refuses them (409) all the same.
 */
export function ReassignControl({
  ownerId,
  onReassign,
}: {
  ownerId: string | null;
  onReassign: (userId: string) => Promise<unknown>;
}) {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const id = useId();
  const staff = me.role !== 'operator';
  const users = useQuery(`users:reassign:${staff}`, (signal) => (staff ? usersApi.list(signal) : Promise.resolve([])));
  const [choice, setChoice] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  if (!staff) return null;

  const active = (users.data ?? []).filter((u) => u.active);
  const owner = (users.data ?? []).find((u) => u.id === ownerId);
  const submit = () => {
    setPending(true);
    setError(null);
    setDone(null);
    onReassign(choice).then(
      () => {
        setDone(active.find((u) => u.id === choice)?.name ?? choice);
        setChoice('');
        setPending(false);
      },
      (err: unknown) => {
        setError(err);
        setPending(false);
      },
    );
  };

  return (
    <div className="reassign" data-testid="reassign">
      <p>
        {t('records.owner')}: <strong data-testid="reassign-owner">{owner?.name ?? t('common.none')}</strong>
      </p>
      <div className="reassign__row">
        <label className="visually-hidden" htmlFor={id}>
          {t('records.reassignTo')}
        </label>
        <select
          id={id}
          className="select"
          value={choice}
          onChange={(e) => setChoice(e.target.value)}
          data-testid="reassign-user"
        >
          <option value="">{t('records.reassignTo')}</option>
          {active
            .filter((u) => u.id !== ownerId)
            .map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
        </select>
        <button
          type="button"
          className="btn btn--small"
          disabled={!choice || pending}
          onClick={submit}
          data-testid="reassign-save"
        >
          {t('records.reassign')}
        </button>
      </div>
      {error ? <Alert tone="error">{errorText(t, error)}</Alert> : null}
      {done ? <Alert tone="success">{t('records.reassigned', { name: done })}</Alert> : null}
    </div>
  );
}
