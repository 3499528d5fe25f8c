import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { LEAD_STATUSES } from '@contracts/dto/lead';
import { leadsApi } from '@client/api/crmApi';
import { useLocale } from '@client/app/useLocale';
import { useQuery } from '@client/app/useQuery';
import { formatDateTime } from '@client/i18n/format';
import { Pagination } from '@client/ui/Pagination';
import { PhoneText } from '@client/ui/PhoneText';
import { QueryView } from '@client/ui/QueryView';
import { LeadStatusSelect } from '@client/modules/leads/components/LeadStatusSelect';

const PAGE_SIZE = 20;
type Status = (typeof LEAD_STATUSES)[number];

const isStatus = (value: string): value is Status => (LEAD_STATUSES as readonly string[]).includes(value);

export function LeadsList() {
  const { t } = useTranslation();
  const locale = useLocale();
  const [status, setStatus] = useState<Status | ''>('');
  const [page, setPage] = useState(1);
  const statusId = useId();
  const query = useQuery(`leads:${status}:${page}`, (signal) =>
    leadsApi.list({ status: status || undefined, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }, signal),
  );

  return (
    <section aria-labelledby="leads-title">
      <div className="page-header">
        <h1 id="leads-title">{t('leads.title')}</h1>
      </div>
      <div className="toolbar">
        <div className="field">
          <label className="field__label" htmlFor={statusId}>
            {t('leads.status')}
          </label>
          <select
            id={statusId}
            className="select"
            value={status}
            onChange={(e) => {
              setStatus(isStatus(e.target.value) ? e.target.value : '');
              setPage(1);
            }}
            data-testid="leads-status-filter"
          >
            <option value="">{t('common.all')}</option>
            {LEAD_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`leads.statuses.${s}`)}
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
                <table className="table" data-testid="leads-table">
                  <thead>
                    <tr>
                      <th scope="col">{t('leads.phone')}</th>
                      <th scope="col">{t('leads.name')}</th>
                      <th scope="col">{t('leads.status')}</th>
                      <th scope="col">{t('leads.source')}</th>
                      <th scope="col">{t('leads.createdAt')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.items.map((lead) => (
                      <tr key={lead.id} data-testid="lead-row">
                        <td>
                          {lead.phoneE164 || lead.phoneRaw ? (
                            <PhoneText value={lead.phoneE164 ?? lead.phoneRaw ?? ''} locale={locale} />
                          ) : (
                            t('common.none')
                          )}
                        </td>
                        <td>{lead.name ?? t('common.none')}</td>
                        <td>
                          <LeadStatusSelect lead={lead} />
                        </td>
                        <td>{t(`leads.sources.${lead.source}`)}</td>
                        <td>
                          <time dateTime={lead.createdAt}>{formatDateTime(lead.createdAt, locale)}</time>
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
    </section>
  );
}
