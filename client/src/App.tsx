import { useTranslation } from 'react-i18next';

import { parseRoute, sectionOf, useLocationPath } from '@client/app/router';
import { Shell } from '@client/app/Shell';
import { SessionProvider } from '@client/modules/auth/components/SessionProvider';
import { useSession } from '@client/modules/auth/states/sessionContext';
import { LoginPage } from '@client/pages/LoginPage';
import { RoutedPage } from '@client/pages/RoutedPage';
import { Spinner } from '@client/ui/Spinner';

function Gate() {
  const { t } = useTranslation();
  const { user } = useSession();
  const path = useLocationPath();
  if (user === undefined) {
    return (
      <div className="login">
        <Spinner label={t('app.loading')} />
      </div>
    );
  }
  if (user === null) return <LoginPage />;
  const route = parseRoute(path);
  return (
    <Shell section={sectionOf(route)}>
      <RoutedPage route={route} />
    </Shell>
  );
}

export function App() {
  return (
    <SessionProvider>
      <Gate />
    </SessionProvider>
  );
}
