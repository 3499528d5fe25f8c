/** One line of `npm run bench`: a figure beside the baseline measured in the same run. */
export interface Figure {
  figure: string;
  value: number;
  baseline: number;
  unit: string;
  /** value / baseline (for times, lower is better; for rates, higher is better). */
  ratio: number;
  details?: Record<string, unknown>;
}

/** Nearest-rank percentile of an ascending array; NaN when it is empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The p-th percentile (ms) of `values` beside that of `baseline`, both ascending and measured in the same run. */
export function percentileFigure(
  figure: string,
  p: number,
  values: readonly number[],
  baseline: readonly number[],
  details?: Record<string, unknown>,
): Figure {
  const value = percentile(values, p);
  const base = percentile(baseline, p);
  return { figure, value, baseline: base, unit: 'ms', ratio: value / base, ...(details ? { details } : {}) };
}
