import { useTranslation } from 'react-i18next';

import { type OperatorRowDto } from '@contracts/dto/analytics';
import { useLocale } from '@client/app/useLocale';
import { formatCount, formatSeconds, formatShare } from '@client/modules/analytics/utils/formatKpi';

export function OperatorsTable({ rows }: { rows: OperatorRowDto[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <div className="table-wrap">
      <table className="table" data-testid="analytics-operators">
        <thead>
          <tr>
            <th scope="col">{t('analytics.operators.operator')}</th>
            <th scope="col">{t('analytics.operators.extension')}</th>
            <th scope="col" className="num" title={t('analytics.formula.handled')}>
              {t('analytics.operators.handled')}
            </th>
            <th scope="col" className="num">
              {t('analytics.operators.answered')}
            </th>
            <th scope="col" className="num">
              {t('analytics.operators.transfersIn')}
            </th>
            <th scope="col" className="num" title={t('analytics.formula.operatorAht')}>
              {t('analytics.kpi.aht')}
            </th>
            <th scope="col" className="num">
              {t('analytics.kpi.asa')}
            </th>
            <th scope="col" className="num">
              {t('analytics.operators.hold')}
            </th>
            <th scope="col" className="num">
              {t('analytics.operators.wrapUp')}
            </th>
            <th scope="col" className="num">
              {t('analytics.kpi.occupancy')}
            </th>
          </tr>
        </thead>
        <tbody>
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
        </tbody>
      </table>
    </div>
  );
}
