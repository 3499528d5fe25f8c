import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { LEAD_STATUSES } from '@contracts/dto/lead';
import { leadsApi } from '@client/api/crmApi';
import { href, recordPath } from '@client/app/router';
import { useLocale } from '@client/app/useLocale';
import { useQuery } from '@client/app/useQuery';
import { formatDateTime } from '@client/i18n/format';
import { DataTable } from '@client/ui/DataTable';
import { FilterSelect } from '@client/ui/FilterSelect';
import { PagedList } from '@client/ui/PagedList';
import { PhoneText } from '@client/ui/PhoneText';
import { LeadStatusSelect } from '@client/modules/leads/components/LeadStatusSelect';
import { useSocketEvent } from '@client/realtime/realtimeContext';

const PAGE_SIZE = 20;
type Status = (typeof LEAD_STATUSES)[number];

export function LeadsList() {
  const { t } = useTranslation();
  const locale = useLocale();
  const [status, setStatus] = useState<Status | ''>('');
  const [page, setPage] = useState(1);
  const statusId = useId();
  const query = useQuery(`leads:${status}:${page}`, (signal) =>
    leadsApi.list({ status: status || undefined, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }, signal),
  );
  // New leads appear as they are made: from a call, or from a website form (a submission may also touch an old one).
  useSocketEvent('lead:created', () => query.reload());
  useSocketEvent('lead:submitted', () => query.reload());

  return (
    <section aria-labelledby="leads-title">
      <div className="page-header">
        <h1 id="leads-title">{t('leads.title')}</h1>
      </div>
      <div className="toolbar">
        <FilterSelect
          id={statusId}
          label={t('leads.status')}
          value={status}
          options={LEAD_STATUSES.map((s) => ({ value: s, label: t(`leads.statuses.${s}`) }))}
          allLabel={t('common.all')}
          onChange={(value) => {
            setStatus(value);
            setPage(1);
          }}
          testId="leads-status-filter"
        />
      </div>
      <PagedList query={query} page={page} pageSize={PAGE_SIZE} onPage={setPage}>
        {(items) => (
          <DataTable
            testId="leads-table"
            columns={[
              { label: t('leads.phone') },
              { label: t('leads.name') },
              { label: t('leads.status') },
              { label: t('leads.source') },
              { label: t('leads.createdAt') },
            ]}
          >
            {items.map((lead) => (
              <tr key={lead.id} data-testid="lead-row">
                <td>
                  {lead.phoneE164 || lead.phoneRaw ? (
                    <PhoneText value={lead.phoneE164 ?? lead.phoneRaw ?? ''} locale={locale} />
                  ) : (
                    t('common.none')
                  )}
                </td>
                <td data-testid="lead-name">
                  <a href={href(recordPath('lead', lead.id))} data-testid="lead-link">
                    {lead.name ?? t('records.open.lead')}
                  </a>
                </td>
                <td>
                  <LeadStatusSelect lead={lead} />
                </td>
                <td>
                  {t(`leads.sources.${lead.source}`)}
                  {lead.utm?.source ? (
                    <span className="badge" data-testid="lead-utm">
                      {[lead.utm.source, lead.utm.medium, lead.utm.campaign].filter(Boolean).join(' / ')}
                    </span>
                  ) : null}
                </td>
                <td>
                  <time dateTime={lead.createdAt}>{formatDateTime(lead.createdAt, locale)}</time>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </PagedList>
    </section>
  );
}
