import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { errorText } from '@client/api/errorText';
import { useSession } from '@client/modules/auth/states/sessionContext';
import { Alert } from '@client/ui/Alert';

export function LoginForm() {
  const { t } = useTranslation();
  const { login } = useSession();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const id = useId();

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      await login(name.trim(), password);
    } catch (err) {
      setError(err);
      setPassword('');
    } finally {
      setPending(false);
    }
  };

  return (
    <form className="login__form" onSubmit={(e) => void submit(e)} noValidate data-testid="login-form">
      {error ? (
        <Alert tone="error" testId="login-error">
          {errorText(t, error)}
        </Alert>
      ) : null}
      <div className="field">
        <label className="field__label" htmlFor={`${id}-login`}>
          {t('login.login')}
        </label>
        <input
          id={`${id}-login`}
          className="input"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          autoFocus
          value={name}
          onChange={(e) => setName(e.target.value)}
          aria-invalid={error ? true : undefined}
          data-testid="login-input"
        />
      </div>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-password`}>
          {t('login.password')}
        </label>
        <input
          id={`${id}-password`}
          className="input"
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={error ? true : undefined}
          data-testid="password-input"
        />
      </div>
      <button
        type="submit"
        className="btn btn--primary"
        disabled={pending || !name.trim() || !password}
        data-testid="login-submit"
      >
        {pending ? t('login.submitting') : t('login.submit')}
      </button>
    </form>
  );
}
