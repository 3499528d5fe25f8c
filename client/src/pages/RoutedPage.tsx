import { useTranslation } from 'react-i18next';

import { href, type Route } from '@client/app/router';
import { AdminPage } from '@client/modules/admin/components/AdminPage';
import { AuditLogPage } from '@client/modules/admin/components/AuditLogPage';
import { AnalyticsPage } from '@client/modules/analytics/components/AnalyticsPage';
import { CallLog } from '@client/modules/calllog/components/CallLog';
import { CampaignsPage } from '@client/modules/campaigns/components/CampaignsPage';
import { CompaniesList } from '@client/modules/companies/components/CompaniesList';
import { CompanyEditor } from '@client/modules/companies/components/CompanyEditor';
import { ContactEditor } from '@client/modules/contacts/components/ContactEditor';
import { ContactsList } from '@client/modules/contacts/components/ContactsList';
import { DealsPage } from '@client/modules/deals/components/DealsPage';
import { ContactsImport } from '@client/modules/imports/components/ContactsImport';
import { IntegrationsPage } from '@client/modules/integrations/components/IntegrationsPage';
import { LeadsList } from '@client/modules/leads/components/LeadsList';
import { ReviewPage } from '@client/modules/quality/components/ReviewPage';
import { TasksList } from '@client/modules/tasks/components/TasksList';
import { WallboardPage } from '@client/modules/wallboard/components/WallboardPage';

export function RoutedPage({ route }: { route: Route }) {
  const { t } = useTranslation();
  switch (route.name) {
    case 'contacts':
      return <ContactsList />;
    case 'contact-new':
      return <ContactEditor />;
    case 'contact-edit':
      return <ContactEditor key={route.id} id={route.id} />;
    case 'contacts-import':
      return <ContactsImport />;
    case 'companies':
      return <CompaniesList />;
    case 'company-new':
      return <CompanyEditor />;
    case 'company-edit':
      return <CompanyEditor key={route.id} id={route.id} />;
    case 'calls':
      return <CallLog />;
    case 'leads':
      return <LeadsList />;
    case 'deals':
      return (
        <DealsPage
          view={route.query.get('view') === 'table' ? 'table' : 'board'}
          pipelineId={route.query.get('pipeline')}
        />
      );
    case 'tasks':
      return <TasksList />;
    case 'analytics':
      return <AnalyticsPage />;
    case 'wallboard':
      return <WallboardPage />;
    case 'review':
      return <ReviewPage />;
    case 'integrations':
      return <IntegrationsPage />;
    case 'admin':
      return <AdminPage tab={route.tab} />;
    case 'audit':
      return <AuditLogPage />;
    case 'campaigns':
      return <CampaignsPage />;
    case 'not-found':
      return (
        <div className="empty">
          <p>{t('errors.NOT_FOUND')}</p>
          <a href={href('/contacts')}>{t('nav.contacts')}</a>
        </div>
      );
  }
}
