import { useId } from 'react';
import { useTranslation } from 'react-i18next';

import { href, navigate, recordPath } from '@client/app/router';
import { useLocale } from '@client/app/useLocale';
import { DealsBoard } from '@client/modules/deals/components/DealsBoard';
import { DealsList } from '@client/modules/deals/components/DealsList';
import { NewDealForm } from '@client/modules/deals/components/NewDealForm';
import { usePipelines } from '@client/modules/deals/hooks/usePipelines';
import { stageName } from '@client/modules/deals/utils/board';
import { QueryView } from '@client/ui/QueryView';
import '@client/styles/crm.css';

export type DealsView = 'board' | 'table';

const link = (view: DealsView, pipelineId: string | undefined) => {
  const query = new URLSearchParams();
  if (view === 'table') query.set('view', 'table');
  if (pipelineId) query.set('pipeline', pipelineId);
  const qs = query.toString();
  return `/deals${qs ? `?${qs}` : ''}`;
};

/**
 * Deals of one pipeline as a kanban (default) or the table; the pipeline and the view live in the URL so reloads
 * keep them.
 */
export function DealsPage({ view, pipelineId }: { view: DealsView; pipelineId: string | null }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const selectId = useId();
  const { pipelines, current, ...query } = usePipelines(pipelineId);
  return (
    <section aria-labelledby="deals-title">
      <div className="page-header">
        <h1 id="deals-title">{t('deals.title')}</h1>
        <div className="toolbar">
          <label className="field field--inline" htmlFor={selectId}>
            <span className="field__label">{t('deals.pipeline')}</span>
            <select
              id={selectId}
              className="select"
              value={current?.id ?? ''}
              onChange={(e) => navigate(link(view, e.target.value))}
              data-testid="deals-pipeline"
            >
              {pipelines.map((p) => (
                <option key={p.id} value={p.id}>
                  {stageName(p, locale)}
                </option>
              ))}
            </select>
          </label>
          <nav className="segmented" aria-label={t('deals.view.label')} data-testid="deals-view">
            <a
              href={href(link('board', current?.id))}
              aria-current={view === 'board' ? 'page' : undefined}
              data-testid="deals-view-board"
            >
              {t('deals.view.board')}
            </a>
            <a
              href={href(link('table', current?.id))}
              aria-current={view === 'table' ? 'page' : undefined}
              data-testid="deals-view-table"
            >
              {t('deals.view.table')}
            </a>
          </nav>
        </div>
      </div>
      <details className="card card__body activity__new" data-testid="deals-new">
        <summary>{t('records.newDeal')}</summary>
        <NewDealForm pipelineId={current?.id} onCreated={(deal) => navigate(recordPath('deal', deal.id))} />
      </details>
      <QueryView {...query} data={current} isEmpty={() => false}>
        {(pipeline) =>
          view === 'board' ? (
            <DealsBoard key={pipeline.id} pipeline={pipeline} />
          ) : (
            <DealsList key={pipeline.id} pipeline={pipeline} />
          )
        }
      </QueryView>
    </section>
  );
}
