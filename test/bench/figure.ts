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
