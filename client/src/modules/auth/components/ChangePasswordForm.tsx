import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiError, http } from '@client/api/http';
import { errorText } from '@client/api/errorText';
import { Alert } from '@client/ui/Alert';

/** One's own password: the current one and the new one (the server's rules; other sessions end). */
export function ChangePasswordForm({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await http.post('/api/users/me/password', { currentPassword, newPassword });
      setDone(true);
      setCurrent('');
      setNew('');
    } catch (err) {
      setError(err);
    }
  };
  const reason =
    error instanceof ApiError && error.code === 'WEAK_PASSWORD'
      ? (error.details as { reason?: string } | undefined)?.reason
      : undefined;
  return (
    <form className="stack" onSubmit={(e) => void submit(e)} data-testid="change-password-form">
      {error ? <Alert tone="error">{reason ? t(`admin.users.password.${reason}`) : errorText(t, error)}</Alert> : null}
      {done ? <Alert tone="success">{t('userMenu.passwordChanged')}</Alert> : null}
      <div className="field">
        <label className="field__label" htmlFor={`${id}-current`}>
          {t('userMenu.currentPassword')}
        </label>
        <input
          id={`${id}-current`}
          className="input"
          type="password"
          autoComplete="current-password"
          value={currentPassword}
          onChange={(e) => setCurrent(e.target.value)}
        />
      </div>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-new`}>
          {t('userMenu.newPassword')}
        </label>
        <input
          id={`${id}-new`}
          className="input"
          type="password"
          autoComplete="new-password"
          value={newPassword}
          onChange={(e) => setNew(e.target.value)}
          aria-describedby={`${id}-rules`}
        />
        <span className="field__hint" id={`${id}-rules`}>
          {t('admin.users.password.rules')}
        </span>
      </div>
      <div className="form-actions">
        <button type="button" className="btn" onClick={onDone}>
          {t('common.close')}
        </button>
        <button type="submit" className="btn btn--primary" disabled={!currentPassword || !newPassword}>
          {t('userMenu.changePassword')}
        </button>
      </div>
    </form>
  );
}
