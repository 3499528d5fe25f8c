import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { useCurrentUser } from '@client/modules/auth/states/sessionContext';
import { BusinessHoursPanel } from '@client/modules/integrations/components/BusinessHoursPanel';
import { TokensPanel } from '@client/modules/integrations/components/TokensPanel';
import { WebFormsPanel } from '@client/modules/integrations/components/WebFormsPanel';
import { WebhooksPanel } from '@client/modules/integrations/components/WebhooksPanel';

type Tab = 'tokens' | 'webhooks' | 'forms' | 'hours';
const STAFF = new Set(['admin', 'manager', 'supervisor']);

/** API tokens for everyone; webhooks, website forms and business hours for admins (staff read the hours). */
export function IntegrationsPage() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const isAdmin = user.role === 'admin';
  const tabs: Tab[] = [
    'tokens',
    ...(isAdmin ? (['webhooks', 'forms'] as const) : []),
    ...(STAFF.has(user.role) ? (['hours'] as const) : []),
  ];
  const [tab, setTab] = useState<Tab>('tokens');
  return (
    <section aria-labelledby="integrations-title">
      <div className="page-header">
        <h1 id="integrations-title">{t('integrations.title')}</h1>
        <a className="btn btn--ghost" href="/api/docs" target="_blank" rel="noreferrer" data-testid="api-docs-link">
          {t('integrations.docs')}
        </a>
      </div>
      <div className="tabs" role="tablist">
        {tabs.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            className={`btn btn--small${tab === name ? ' btn--primary' : ''}`}
            aria-selected={tab === name}
            onClick={() => setTab(name)}
            data-testid={`integrations-tab-${name}`}
          >
            {t(`integrations.tabs.${name}`)}
          </button>
        ))}
      </div>
      {tab === 'tokens' ? <TokensPanel isAdmin={isAdmin} /> : null}
      {tab === 'webhooks' ? <WebhooksPanel /> : null}
      {tab === 'forms' ? <WebFormsPanel /> : null}
      {tab === 'hours' ? <BusinessHoursPanel canEdit={isAdmin} /> : null}
    </section>
  );
}
