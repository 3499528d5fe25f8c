import { useTranslation } from 'react-i18next';

import { type PersonalFigures, type TargetProgressDto } from '@contracts/dto/analytics-roles';
import { useLocale } from '@client/app/useLocale';
import { formatCount, formatSeconds, formatShare } from '@client/modules/analytics/utils/formatKpi';
import { DataTable } from '@client/ui/DataTable';

type Row = [key: string, value: (f: PersonalFigures) => string];

/** One person's figures, today beside the chosen range. */
export function FiguresTable({ today, period }: { today: PersonalFigures; period: PersonalFigures }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const n = (x: number) => formatCount(x, locale);
  const rows: Row[] = [
    ['callsIn', (f) => n(f.callsIn)],
    ['callsOut', (f) => `${n(f.outbound.connects)} / ${n(f.outbound.attempts)}`],
    ['internal', (f) => `${n(f.internal.connects)} / ${n(f.internal.attempts)}`],
    ['talk', (f) => formatSeconds(f.talkSeconds, locale)],
    ['aht', (f) => formatSeconds(f.ahtSeconds, locale)],
    ['missedReturned', (f) => n(f.missedReturned)],
    [
      'callbacks',
      (f) => `${n(f.callbacksInTime)} / ${n(f.callbacksDue)} (${formatShare(f.callbacksInTimeRate, locale)})`,
    ],
    ['conversions', (f) => n(f.conversions)],
    ['dealsWon', (f) => n(f.dealsWon)],
  ];
  return (
    <DataTable
      testId="my-figures"
      columns={[
        { label: t('analyticsRoles.figure') },
        { label: t('analyticsRoles.today'), numeric: true },
        { label: t('analyticsRoles.period'), numeric: true },
      ]}
    >
      {rows.map(([key, value]) => (
        <tr key={key} data-testid={`my-figure-${key}`}>
          <td title={t(`analyticsRoles.formula.${key}`)}>{t(`analyticsRoles.figures.${key}`)}</td>
          <td className="num">{value(today)}</td>
          <td className="num">{value(period)}</td>
        </tr>
      ))}
    </DataTable>
  );
}

/** Targets with a bar each: the figure so far this day or month against the target. */
export function TargetBars({ targets }: { targets: TargetProgressDto[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  if (targets.length === 0) return <p className="muted">{t('analyticsRoles.noTargets')}</p>;
  return (
    <ul className="target-bars" data-testid="my-targets">
      {targets.map((x) => (
        <li key={`${x.metric}:${x.period}`} data-testid={`target-${x.metric}-${x.period}`}>
          <div className="target-bars__label">
            <span>
              {t(`analyticsRoles.metrics.${x.metric}`)} · {t(`analyticsRoles.periods.${x.period}`)}
            </span>
            <span>
              {formatCount(x.actual, locale)} / {formatCount(x.value, locale)} ({formatShare(x.progress, locale)})
            </span>
          </div>
          <progress max={1} value={Math.min(x.progress, 1)} aria-label={t(`analyticsRoles.metrics.${x.metric}`)} />
          {x.setBy && <span className="muted">{t('analyticsRoles.setBy', { name: x.setBy })}</span>}
        </li>
      ))}
    </ul>
  );
}
