import { useTranslation } from 'react-i18next';

import { href } from '@client/app/router';
import { DealsBoard } from '@client/modules/deals/components/DealsBoard';
import { DealsList } from '@client/modules/deals/components/DealsList';
import '@client/styles/crm.css';

export type DealsView = 'board' | 'table';

/** Deals as a kanban pipeline (default) or the table; the choice lives in the URL so reloads keep it. */
export function DealsPage({ view }: { view: DealsView }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="deals-title">
      <div className="page-header">
        <h1 id="deals-title">{t('deals.title')}</h1>
        <nav className="segmented" aria-label={t('deals.view.label')} data-testid="deals-view">
          <a href={href('/deals')} aria-current={view === 'board' ? 'page' : undefined} data-testid="deals-view-board">
            {t('deals.view.board')}
          </a>
          <a
            href={href('/deals?view=table')}
            aria-current={view === 'table' ? 'page' : undefined}
            data-testid="deals-view-table"
          >
            {t('deals.view.table')}
          </a>
        </nav>
      </div>
      {view === 'board' ? <DealsBoard /> : <DealsList />}
    </section>
  );
}
