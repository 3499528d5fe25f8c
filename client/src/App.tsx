import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

import { parseRoute, sectionOf, useLocationPath } from '@client/app/router';
import { Shell } from '@client/app/Shell';
import { SessionProvider } from '@client/modules/auth/components/SessionProvider';
import { useSession } from '@client/modules/auth/states/sessionContext';
import { OperatorWorkspace } from '@client/modules/softphone/components/OperatorWorkspace';
import { LoginPage } from '@client/pages/LoginPage';
import { RoutedPage } from '@client/pages/RoutedPage';
import { Spinner } from '@client/ui/Spinner';

function Gate() {
  const { t } = useTranslation();
  const { user } = useSession();
  const path = useLocationPath();
  const route = parseRoute(path);
  const section = sectionOf(route);
  const title = user ? `${section ? t(`nav.${section}`) : t('errors.NOT_FOUND')} · ${t('app.name')}` : t('login.title');
  useEffect(() => {
    document.title = title;
  }, [title]);
  // After in-app navigation, screen readers and keyboard users start at the new content, not the old link.
  const firstPath = useRef(path);
  useEffect(() => {
    if (path !== firstPath.current) document.getElementById('main')?.focus({ preventScroll: true });
  }, [path]);

  if (user === undefined) {
    return (
      <div className="login">
        <Spinner label={t('app.loading')} />
      </div>
    );
  }
  if (user === null) return <LoginPage />;
  return (
    <OperatorWorkspace>
      <Shell section={section}>
        <RoutedPage route={route} />
      </Shell>
    </OperatorWorkspace>
  );
}

export function App() {
  return (
    <SessionProvider>
      <Gate />
    </SessionProvider>
  );
}
