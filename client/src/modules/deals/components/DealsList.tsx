import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type PipelineDto } from '@contracts/dto/pipeline';
import { dealsApi } from '@client/api/crmApi';
import { href, recordPath } from '@client/app/router';
import { useLocale } from '@client/app/useLocale';
import { useQuery } from '@client/app/useQuery';
import { formatDateTime, formatMoney } from '@client/i18n/format';
import { useCompanies } from '@client/modules/contacts/hooks/useCompanies';
import { DataTable } from '@client/ui/DataTable';
import { FilterSelect } from '@client/ui/FilterSelect';
import { PagedList } from '@client/ui/PagedList';
import { stageName } from '@client/modules/deals/utils/board';

const PAGE_SIZE = 20;

const KIND_TONE: Record<string, string> = { won: 'badge--success', lost: 'badge--danger' };

/** The table view of one pipeline: every deal, filterable by stage, paginated. */
export function DealsList({ pipeline }: { pipeline: PipelineDto }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [stage, setStage] = useState('');
  const [page, setPage] = useState(1);
  const stageId = useId();
  const companies = useCompanies();
  const query = useQuery(`deals:${pipeline.id}:${stage}:${page}`, (signal) =>
    dealsApi.list(
      { pipelineId: pipeline.id, stage: stage || undefined, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
      signal,
    ),
  );
  const stageOf = (key: string) => pipeline.stages.find((s) => s.key === key);

  return (
    <>
      <div className="toolbar">
        <FilterSelect
          id={stageId}
          label={t('deals.stage')}
          value={stage}
          options={pipeline.stages.map((s) => ({ value: s.key, label: stageName(s, locale) }))}
          allLabel={t('common.all')}
          onChange={(value) => {
            setStage(value);
            setPage(1);
          }}
          testId="deals-stage-filter"
        />
      </div>
      <PagedList query={query} page={page} pageSize={PAGE_SIZE} onPage={setPage}>
        {(items) => (
          <DataTable
            testId="deals-table"
            columns={[
              { label: t('deals.name') },
              { label: t('contacts.company') },
              { label: t('deals.stage') },
              { label: t('deals.amount'), numeric: true },
              { label: t('deals.updatedAt') },
            ]}
          >
            {items.map((deal) => (
              <tr key={deal.id} data-testid="deal-row">
                <td>
                  <a href={href(recordPath('deal', deal.id))} data-testid="deal-link">
                    {deal.title}
                  </a>
                </td>
                <td>{deal.companyId ? (companies.names.get(deal.companyId) ?? '') : ''}</td>
                <td>
                  <span className={`badge ${KIND_TONE[stageOf(deal.stage)?.kind ?? ''] ?? ''}`}>
                    {stageOf(deal.stage) ? stageName(stageOf(deal.stage)!, locale) : deal.stage}
                  </span>
                </td>
                <td className="num">{formatMoney(deal.amount, locale, deal.currency)}</td>
                <td>
                  <time dateTime={deal.updatedAt}>{formatDateTime(deal.updatedAt, locale)}</time>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </PagedList>
    </>
  );
}
