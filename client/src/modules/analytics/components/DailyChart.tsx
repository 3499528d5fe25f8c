import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

import { type DailyRowDto } from '@contracts/dto/analytics';

/**
 * Offered / answered / abandoned per local day, with the day's service level on a right-hand % axis. The x axis is
 * the day's index labelled with its date, so the browser's own zone can never shift a day.
 */
export function DailyChart({ rows }: { rows: DailyRowDto[] }) {
  const { t } = useTranslation();
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return undefined;
    const dates = rows.map((r) => r.date.slice(5));
    const bars = uPlot.paths.bars?.({ size: [0.6, 40] });
    const plot = new uPlot(
      {
        width: Math.max(320, el.clientWidth),
        height: 240,
        scales: { x: { time: false }, sl: { range: [0, 100] } },
        axes: [
          { label: t('analytics.chart.day'), values: (_u, splits) => splits.map((i) => dates[i] ?? '') },
          { label: t('analytics.chart.calls') },
          { scale: 'sl', side: 1, label: t('analytics.kpi.serviceLevel'), grid: { show: false } },
        ],
        series: [
          {
            label: t('analytics.chart.day'),
            value: (_u, i: number | null) => (i === null ? '' : (rows[i]?.date ?? '')),
          },
          { label: t('analytics.kpi.offered'), stroke: '#1d4ed8', fill: 'rgba(29, 78, 216, 0.15)', paths: bars },
          { label: t('analytics.kpi.answered'), stroke: '#11703f', width: 2 },
          { label: t('analytics.kpi.abandoned'), stroke: '#b42318', width: 2 },
          { label: t('analytics.chart.sl'), stroke: '#8a4b00', width: 2, dash: [6, 4], scale: 'sl' },
        ],
      },
      [
        rows.map((_, i) => i),
        rows.map((r) => r.offered),
        rows.map((r) => r.answered),
        rows.map((r) => r.abandoned),
        rows.map((r) => (r.serviceLevel === null ? null : r.serviceLevel * 100)),
      ],
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(320, el.clientWidth), height: 240 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [rows, t]);
  return (
    <div
      ref={host}
      className="hourly-chart"
      data-testid="analytics-daily-chart"
      role="img"
      aria-label={t('analytics.chart.daily')}
    />
  );
}
