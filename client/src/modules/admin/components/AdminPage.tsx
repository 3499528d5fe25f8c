import { useTranslation } from 'react-i18next';

import { href } from '@client/app/router';
import { CustomFieldsAdmin } from '@client/modules/admin/components/CustomFieldsAdmin';
import { PipelinesAdmin } from '@client/modules/admin/components/PipelinesAdmin';
import { SettingsAdmin } from '@client/modules/admin/components/SettingsAdmin';
import { TeamsAdmin } from '@client/modules/admin/components/TeamsAdmin';
import { UsersAdmin } from '@client/modules/admin/components/UsersAdmin';
import '@client/styles/crm.css';

import { ADMIN_TAB_NAMES as ADMIN_TABS, type AdminTabName as AdminTab } from '@client/app/router';

/** Administration (admins): users, teams, custom fields, deal pipelines and company settings, one tab each. */
export function AdminPage({ tab }: { tab: AdminTab }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="admin-title">
      <div className="page-header">
        <h1 id="admin-title">{t(`admin.tabs.${tab}`)}</h1>
        <nav className="segmented" aria-label={t('nav.admin')} data-testid="admin-tabs">
          {ADMIN_TABS.map((name) => (
            <a
              key={name}
              href={href(`/admin/${name}`)}
              aria-current={tab === name ? 'page' : undefined}
              data-testid={`admin-tab-${name}`}
            >
              {t(`admin.tabs.${name}`)}
            </a>
          ))}
        </nav>
      </div>
      {tab === 'users' ? <UsersAdmin /> : null}
      {tab === 'teams' ? <TeamsAdmin /> : null}
      {tab === 'fields' ? <CustomFieldsAdmin /> : null}
      {tab === 'pipelines' ? <PipelinesAdmin /> : null}
      {tab === 'settings' ? <SettingsAdmin /> : null}
    </section>
  );
}
