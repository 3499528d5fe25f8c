import { type HeatmapCellDto } from '@contracts/dto/analytics';

/** Zones offered in the picker: Russia's, UTC, and the browser's own when it is another one. */
export const TIME_ZONES = [
  'Europe/Kaliningrad',
  'Europe/Moscow',
  'Europe/Samara',
  'Asia/Yekaterinburg',
  'Asia/Omsk',
  'Asia/Novosibirsk',
  'Asia/Krasnoyarsk',
  'Asia/Irkutsk',
  'Asia/Yakutsk',
  'Asia/Vladivostok',
  'Asia/Magadan',
  'Asia/Kamchatka',
  'UTC',
] as const;

export function zoneChoices(browserZone: string | undefined): string[] {
  const zones: string[] = [...TIME_ZONES];
  if (browserZone && !zones.includes(browserZone)) zones.push(browserZone);
  return zones;
}

/** Today's calendar date (YYYY-MM-DD) on the wall clock of `tz`. */
export function todayIn(tz: string, now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    now,
  );
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export interface RangeInput {
  /** First day shown, inclusive. */
  fromDate: string;
  /** Last day shown, inclusive (people pick the last day they want, the API takes [from, to)). */
  toDate: string;
  tz: string;
  slSeconds: number;
  slTarget: number;
  shortAbandonSeconds: number;
}

/** The last 7 days including today. */
export function defaultRange(tz: string, now: Date = new Date()): RangeInput {
  const today = todayIn(tz, now);
  return { fromDate: addDays(today, -6), toDate: today, tz, slSeconds: 20, slTarget: 80, shortAbandonSeconds: 5 };
}

/** Query parameters of /api/analytics/*: the inclusive last day becomes the exclusive next midnight. */
export function apiParams(r: RangeInput): Record<string, string | number> {
  return {
    from: r.fromDate,
    to: addDays(r.toDate, 1),
    tz: r.tz,
    slSeconds: r.slSeconds,
    slTarget: r.slTarget,
    shortAbandonSeconds: r.shortAbandonSeconds,
  };
}

/** A download of the report; `lang`: the language of the file's headers and texts (the server writes them). */
export function exportHref(report: string, r: RangeInput, format: 'csv' | 'xlsx', lang: 'ru' | 'en'): string {
  const params = new URLSearchParams(Object.entries({ ...apiParams(r), format, lang }).map(([k, v]) => [k, String(v)]));
  return `/api/analytics/${report}?${params.toString()}`;
}

export interface HeatmapMatrix {
  /** [weekday 0 = Monday][hour 0..23]: offered calls. */
  offered: number[][];
  max: number;
  /** Per local hour of the day, summed over weekdays. */
  byHour: { offered: number[]; answered: number[]; abandoned: number[] };
}

/** The sparse cells from the API as a full 7 × 24 grid (empty hours are 0) plus hourly totals for the chart. */
export function heatmapMatrix(cells: readonly HeatmapCellDto[]): HeatmapMatrix {
  const offered = Array.from({ length: 7 }, () => Array<number>(24).fill(0));
  const byHour = {
    offered: Array<number>(24).fill(0),
    answered: Array<number>(24).fill(0),
    abandoned: Array<number>(24).fill(0),
  };
  for (const c of cells) {
    offered[c.weekday - 1]![c.hour] = c.offered;
    byHour.offered[c.hour]! += c.offered;
    byHour.answered[c.hour]! += c.answered;
    byHour.abandoned[c.hour]! += c.abandoned;
  }
  return { offered, max: Math.max(0, ...offered.flat()), byHour };
}
