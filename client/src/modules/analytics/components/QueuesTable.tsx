import { useTranslation } from 'react-i18next';

import { type QueueRowDto } from '@contracts/dto/analytics';
import { useLocale } from '@client/app/useLocale';
import { formatCount, formatSeconds, formatShare } from '@client/modules/analytics/utils/formatKpi';
import { DataTable } from '@client/ui/DataTable';

export function QueuesTable({ rows }: { rows: QueueRowDto[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <DataTable
      testId="analytics-queues"
      columns={[
        { label: t('analytics.queues.queue') },
        ...(['offered', 'answered', 'missed', 'abandoned'] as const).map((k) => ({
          label: t(`analytics.kpi.${k}`),
          numeric: true,
        })),
        { label: t('analytics.queues.shortAbandoned'), numeric: true },
        ...(['serviceLevel', 'abandonRate', 'asa', 'aht'] as const).map((k) => ({
          label: t(`analytics.kpi.${k}`),
          numeric: true,
        })),
      ]}
    >
      {rows.map((r) => (
        <tr key={r.queue ?? ''} data-testid="analytics-queue-row">
          <td>{r.queue ?? t('analytics.queues.direct')}</td>
          <td className="num">{formatCount(r.offered, locale)}</td>
          <td className="num">{formatCount(r.answered, locale)}</td>
          <td className="num">{formatCount(r.missed, locale)}</td>
          <td className="num">{formatCount(r.abandoned, locale)}</td>
          <td className="num">{formatCount(r.shortAbandoned, locale)}</td>
          <td className="num">{formatShare(r.serviceLevel, locale)}</td>
          <td className="num">{formatShare(r.abandonRate, locale)}</td>
          <td className="num">{formatSeconds(r.asaSeconds, locale)}</td>
          <td className="num">{formatSeconds(r.ahtSeconds, locale)}</td>
        </tr>
      ))}
    </DataTable>
  );
}
