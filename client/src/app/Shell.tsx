import { type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { href, type Section } from '@client/app/router';
import { UserMenu } from '@client/modules/auth/components/UserMenu';
import { GlobalSearch } from '@client/modules/search/components/GlobalSearch';
import { Notifications } from '@client/modules/notifications/components/Notifications';
import { useSession } from '@client/modules/auth/states/sessionContext';
import { Icon } from '@client/ui/Icon';

const SECTIONS: Section[] = [
  'contacts',
  'companies',
  'leads',
  'deals',
  'products',
  'tasks',
  'calls',
  'campaigns',
  'my-stats',
];
// Sections only some roles may open (the server refuses the others anyway).
const MANAGER_SECTIONS: Section[] = ['analytics', 'wallboard'];
const MANAGER_ROLES = new Set(['manager', 'supervisor', 'admin']);
// Recordings review: the roles that may hear any recording (admins may not, see recordings.service).
const REVIEWER_ROLES = new Set(['manager', 'supervisor']);
// The audit log: admins, and managers read-only.
const AUDIT_ROLES = new Set(['manager', 'admin']);

export function Shell({ section, children }: { section: Section | null; children: ReactNode }) {
  const { t } = useTranslation();
  const { user, demoCalls } = useSession();
  return (
    <div className="shell" data-testid="app-shell">
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => {
          // The hash is our router; move focus instead of navigating.
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        {t('app.skipToContent')}
      </a>
      <div className="shell__brand">
        <span className="shell__brand-mark">
          <Icon name="calls" size={16} />
        </span>
        {t('app.name')}
      </div>
      <header className="shell__top">
        <GlobalSearch />
        {demoCalls ? (
          <span className="badge badge--warning" data-testid="demo-calls" title={t('demo.callsHint')}>
            {t('demo.calls')}
          </span>
        ) : null}
        <Notifications />
        <UserMenu />
      </header>
      <nav className="shell__nav" aria-label={t('nav.label')}>
        <ul className="nav-list">
          {[
            ...SECTIONS,
            ...(user && MANAGER_ROLES.has(user.role) ? MANAGER_SECTIONS : []),
            ...(user && REVIEWER_ROLES.has(user.role) ? (['review'] as const) : []),
            'integrations' as const,
            ...(user && AUDIT_ROLES.has(user.role) ? (['audit'] as const) : []),
            ...(user?.role === 'admin' ? (['admin'] as const) : []),
          ].map((name) => (
            <li key={name}>
              <a
                className="nav-link"
                href={href(`/${name}`)}
                aria-current={section === name ? 'page' : undefined}
                data-testid={`nav-${name}`}
              >
                <Icon name={name} />
                {t(`nav.${name}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main className="shell__main" id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
