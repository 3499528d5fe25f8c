import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { DEAL_STAGES } from '@contracts/dto/deal';
import { dealsApi } from '@client/api/crmApi';
import { useLocale } from '@client/app/useLocale';
import { useQuery } from '@client/app/useQuery';
import { formatDateTime, formatMoney } from '@client/i18n/format';
import { useCompanies } from '@client/modules/contacts/hooks/useCompanies';
import { Pagination } from '@client/ui/Pagination';
import { QueryView } from '@client/ui/QueryView';

const PAGE_SIZE = 20;
type Stage = (typeof DEAL_STAGES)[number];
const isStage = (value: string): value is Stage => (DEAL_STAGES as readonly string[]).includes(value);

const STAGE_TONE: Partial<Record<Stage, string>> = { won: 'badge--success', lost: 'badge--danger' };

/** The table view of the pipeline: every deal, filterable by stage, paginated. */
export function DealsList() {
  const { t } = useTranslation();
  const locale = useLocale();
  const [stage, setStage] = useState<Stage | ''>('');
  const [page, setPage] = useState(1);
  const stageId = useId();
  const companies = useCompanies();
  const query = useQuery(`deals:${stage}:${page}`, (signal) =>
    dealsApi.list({ stage: stage || undefined, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }, signal),
  );

  return (
    <>
      <div className="toolbar">
        <div className="field">
          <label className="field__label" htmlFor={stageId}>
            {t('deals.stage')}
          </label>
          <select
            id={stageId}
            className="select"
            value={stage}
            onChange={(e) => {
              setStage(isStage(e.target.value) ? e.target.value : '');
              setPage(1);
            }}
            data-testid="deals-stage-filter"
          >
            <option value="">{t('common.all')}</option>
            {DEAL_STAGES.map((s) => (
              <option key={s} value={s}>
                {t(`deals.stages.${s}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="card">
        <QueryView {...query} isEmpty={(data) => data.items.length === 0}>
          {(data) => (
            <>
              <div className="table-wrap">
                <table className="table" data-testid="deals-table">
                  <thead>
                    <tr>
                      <th scope="col">{t('deals.name')}</th>
                      <th scope="col">{t('contacts.company')}</th>
                      <th scope="col">{t('deals.stage')}</th>
                      <th scope="col" className="num">
                        {t('deals.amount')}
                      </th>
                      <th scope="col">{t('deals.updatedAt')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.items.map((deal) => (
                      <tr key={deal.id} data-testid="deal-row">
                        <td>{deal.title}</td>
                        <td>{deal.companyId ? (companies.names.get(deal.companyId) ?? '') : ''}</td>
                        <td>
                          <span className={`badge ${STAGE_TONE[deal.stage] ?? ''}`}>
                            {t(`deals.stages.${deal.stage}`)}
                          </span>
                        </td>
                        <td className="num">{formatMoney(deal.amount, locale, deal.currency)}</td>
                        <td>
                          <time dateTime={deal.updatedAt}>{formatDateTime(deal.updatedAt, locale)}</time>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pagination page={page} pageSize={PAGE_SIZE} total={data.total} onPage={setPage} />
            </>
          )}
        </QueryView>
      </div>
    </>
  );
}
