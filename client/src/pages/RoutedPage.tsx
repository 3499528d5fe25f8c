import { useTranslation } from 'react-i18next';

import { href, type Route } from '@client/app/router';
import { AdminPage } from '@client/modules/admin/components/AdminPage';
import { AuditLogPage } from '@client/modules/admin/components/AuditLogPage';
import { AnalyticsPage } from '@client/modules/analytics/components/AnalyticsPage';
import { MyStatsPage } from '@client/modules/analytics/components/MyStatsPage';
import { CallLog } from '@client/modules/calllog/components/CallLog';
import { CampaignsPage } from '@client/modules/campaigns/components/CampaignsPage';
import { ProductsPage } from '@client/modules/products/components/ProductsPage';
import { CompaniesList } from '@client/modules/companies/components/CompaniesList';
import { CompanyEditor } from '@client/modules/companies/components/CompanyEditor';
import { ContactEditor } from '@client/modules/contacts/components/ContactEditor';
import { ContactsList } from '@client/modules/contacts/components/ContactsList';
import { DealPage } from '@client/modules/deals/components/DealPage';
import { DealsPage } from '@client/modules/deals/components/DealsPage';
import { ContactsImport } from '@client/modules/imports/components/ContactsImport';
import { IntegrationsPage } from '@client/modules/integrations/components/IntegrationsPage';
import { LeadPage } from '@client/modules/leads/components/LeadPage';
import { LeadsList } from '@client/modules/leads/components/LeadsList';
import { ReviewPage } from '@client/modules/quality/components/ReviewPage';
import { TaskPage } from '@client/modules/tasks/components/TaskPage';
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
    case 'lead':
      return <LeadPage key={route.id} id={route.id} />;
    case 'deal':
      return <DealPage key={route.id} id={route.id} />;
    case 'task':
      return <TaskPage key={route.id} id={route.id} />;
    case 'analytics':
      return <AnalyticsPage />;
    case 'my-stats':
      return <MyStatsPage />;
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
    case 'products':
      return <ProductsPage />;
    case 'not-found':
      return (
        <div className="empty">
          <p>{t('errors.NOT_FOUND')}</p>
          <a href={href('/contacts')}>{t('nav.contacts')}</a>
        </div>
      );
  }
}
