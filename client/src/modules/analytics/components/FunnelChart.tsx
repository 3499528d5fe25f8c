import { useTranslation } from 'react-i18next';

import { type FunnelReportDto } from '@contracts/dto/analytics';
import { useLocale } from '@client/app/useLocale';
import { formatMoney } from '@client/i18n/format';
import { formatShare, formatStay } from '@client/modules/analytics/utils/formatKpi';
import { stageName } from '@client/modules/deals/utils/board';
import { DataTable } from '@client/ui/DataTable';

/** A pipeline's funnel as bars (deals that reached each stage) with counts, conversion and weighted amounts. */
export function FunnelChart({ report }: { report: FunnelReportDto }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const max = Math.max(1, ...report.stages.map((s) => s.reached));
  return (
    <DataTable
      testId="funnel-table"
      columns={[
        { label: t('analytics.funnel.stage') },
        { label: t('analytics.funnel.reached') },
        { label: t('analytics.funnel.deals'), numeric: true },
        { label: t('analytics.funnel.conversion'), numeric: true },
        { label: t('analytics.funnel.weighted'), numeric: true },
        { label: t('analyticsRoles.funnelMedian'), numeric: true, title: t('analyticsRoles.formula.funnelMedian') },
      ]}
    >
      {report.stages.map((s) => (
        <tr key={s.key} data-testid="funnel-row">
          <td>{stageName(s, locale)}</td>
          <td>
            <span className="funnel-bar" style={{ width: `${(s.reached / max) * 100}%` }} aria-hidden="true" />{' '}
            {s.reached}
          </td>
          <td className="num">{s.deals}</td>
          <td className="num">{s.conversion === null ? '—' : formatShare(s.conversion, locale)}</td>
          <td className="num">
            {s.amounts.map((a) => formatMoney(a.weighted, locale, a.currency)).join(' + ') || '—'}
          </td>
          <td className="num" data-testid="funnel-median">
            {formatStay(s.medianSecondsInStage, locale)}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
