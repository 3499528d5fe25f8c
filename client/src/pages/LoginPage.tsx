import { useTranslation } from 'react-i18next';

import { LoginForm } from '@client/modules/auth/components/LoginForm';
import { Icon } from '@client/ui/Icon';
import { LanguageSwitch } from '@client/ui/LanguageSwitch';

export function LoginPage() {
  const { t } = useTranslation();
  return (
    <main className="login" data-testid="login-page">
      <div className="card login__card">
        <div className="login__brand">
          <span className="shell__brand-mark">
            <Icon name="calls" size={22} />
          </span>
          <div>
            <h1>{t('login.title')}</h1>
            <p className="muted login__subtitle">{t('login.subtitle')}</p>
          </div>
        </div>
        <LoginForm />
        <div className="login__lang">
          <LanguageSwitch />
        </div>
      </div>
    </main>
  );
}
