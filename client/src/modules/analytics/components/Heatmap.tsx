import { useTranslation } from 'react-i18next';

import { type HeatmapMatrix } from '@client/modules/analytics/utils/analyticsRange';

const HOURS = Array.from({ length: 24 }, (_, h) => h);

/** Offered calls per local weekday × hour; the shade is relative to the busiest cell of the range. */
export function Heatmap({ matrix }: { matrix: HeatmapMatrix }) {
  const { t } = useTranslation();
  const days = t('analytics.heatmap.weekdays').split(',');
  return (
    <div className="table-wrap">
      <table className="heatmap" data-testid="analytics-heatmap">
        <caption className="visually-hidden">{t('analytics.heatmap.caption')}</caption>
        <thead>
          <tr>
            <th scope="col" />
            {HOURS.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matrix.offered.map((row, d) => (
            <tr key={d}>
              <th scope="row">{days[d]}</th>
              {row.map((n, h) => (
                <td
                  key={h}
                  title={t('analytics.heatmap.cell', { day: days[d], hour: h, count: n })}
                  style={{
                    backgroundColor: `rgba(29, 78, 216, ${n && matrix.max ? 0.08 + (0.92 * n) / matrix.max : 0})`,
                  }}
                  className={
                    matrix.max && n / matrix.max > 0.55 ? 'heatmap__cell heatmap__cell--dark' : 'heatmap__cell'
                  }
                  data-testid={`heat-${d + 1}-${h}`}
                >
                  {n || ''}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
