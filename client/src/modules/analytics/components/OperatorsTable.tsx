import { useTranslation } from 'react-i18next';

import { type OperatorRowDto } from '@contracts/dto/analytics';
import { useLocale } from '@client/app/useLocale';
import { formatCount, formatSeconds, formatShare } from '@client/modules/analytics/utils/formatKpi';
import { DataTable } from '@client/ui/DataTable';

export function OperatorsTable({ rows }: { rows: OperatorRowDto[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <DataTable
      testId="analytics-operators"
      columns={[
        { label: t('analytics.operators.operator') },
        { label: t('analytics.operators.extension') },
        { label: t('analytics.operators.handled'), numeric: true, title: t('analytics.formula.handled') },
        { label: t('analytics.operators.answered'), numeric: true },
        { label: t('analytics.operators.transfersIn'), numeric: true },
        { label: t('analytics.kpi.aht'), numeric: true, title: t('analytics.formula.operatorAht') },
        { label: t('analytics.kpi.asa'), numeric: true },
        { label: t('analytics.operators.hold'), numeric: true },
        { label: t('analytics.operators.wrapUp'), numeric: true },
        { label: t('analytics.kpi.occupancy'), numeric: true },
      ]}
    >
      {rows.map((r) => (
        <tr key={r.userId} data-testid="analytics-operator-row">
          <td>{r.name}</td>
          <td>{r.extension ?? ''}</td>
          <td className="num">{formatCount(r.handled, locale)}</td>
          <td className="num">{formatCount(r.answered, locale)}</td>
          <td className="num">{formatCount(r.transfersIn, locale)}</td>
          <td className="num">{formatSeconds(r.ahtSeconds, locale)}</td>
          <td className="num">{formatSeconds(r.asaSeconds, locale)}</td>
          <td className="num">{formatSeconds(r.holdSeconds, locale)}</td>
          <td className="num">{formatSeconds(r.wrapUpSeconds, locale)}</td>
          <td className="num">{formatShare(r.occupancy, locale)}</td>
        </tr>
      ))}
    </DataTable>
  );
}
