import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

import { type HeatmapMatrix } from '@client/modules/analytics/utils/analyticsRange';

const HOURS = Array.from({ length: 24 }, (_, h) => h);

/** Offered / answered / abandoned by local hour of the day over the whole range (uPlot, canvas). */
export function HourlyChart({ byHour }: { byHour: HeatmapMatrix['byHour'] }) {
  const { t } = useTranslation();
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return undefined;
    const bars = uPlot.paths.bars?.({ size: [0.6, 40] });
    const plot = new uPlot(
      {
        width: Math.max(320, el.clientWidth),
        height: 240,
        scales: { x: { time: false } },
        axes: [{ label: t('analytics.chart.hour') }, { label: t('analytics.chart.calls') }],
        series: [
          { label: t('analytics.chart.hour') },
          { label: t('analytics.kpi.offered'), stroke: '#1d4ed8', fill: 'rgba(29, 78, 216, 0.15)', paths: bars },
          { label: t('analytics.kpi.answered'), stroke: '#11703f', width: 2 },
          { label: t('analytics.kpi.abandoned'), stroke: '#b42318', width: 2 },
        ],
      },
      [HOURS, byHour.offered, byHour.answered, byHour.abandoned],
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(320, el.clientWidth), height: 240 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [byHour, t]);
  return (
    <div
      ref={host}
      className="hourly-chart"
      data-testid="analytics-chart"
      aria-label={t('analytics.chart.title')}
      role="img"
    />
  );
}
