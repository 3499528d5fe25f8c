import { type WeekHours } from '@contracts/dto/business-hours';
import { type CampaignAttemptOutcome, type RetryRules } from '@contracts/dto/campaign';
import { timeZoneOf } from '@contracts/phone-time-zone';
import { type Hours, nextOpening } from '@server/modules/call-me-back/business-hours.service';

/**
 * The dialer's decisions as pure functions of the clock and the record, so the rules are tested without a PBX (the
 * clock is a parameter everywhere: no `new Date()` in here).
 */

const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7] as const;

/** The callee's zone: from the number (Russian area codes, single-zone countries), else the company's. */
export const calleeZone = (e164: string, companyZone: string): string => timeZoneOf(e164) ?? companyZone;

/**
 * Null when the callee may be called at `now`; otherwise the instant their local window next opens (a 22:30 callee
 * is deferred to 09:00 their time).
 */
export function deferredUntil(
  now: Date,
  e164: string,
  window: { from: string; to: string },
  companyZone: string,
): Date | null {
  const week = Object.fromEntries(EVERY_DAY.map((d) => [d, [window]])) as unknown as WeekHours;
  const hours: Hours = { timeZone: calleeZone(e164, companyZone), week, holidays: [] };
  const next = nextOpening(hours, now);
  return next && next.getTime() > now.getTime() ? next : null;
}

/** Whether the campaign's own schedule (company zone) lets it dial at `now`; no schedule → always. */
export function scheduleOpen(schedule: WeekHours | null, companyZone: string, now: Date): boolean {
  if (!schedule) return true;
  const next = nextOpening({ timeZone: companyZone, week: schedule, holidays: [] }, now);
  return next !== null && next.getTime() <= now.getTime();
}

export type RecordNext =
  { state: 'pending'; nextDueAt: Date } | { state: 'done' | 'failed' | 'excluded'; nextDueAt: null; reason?: string };

/**
 * Where a record goes after an attempt ended with `outcome`; `attempts` counts this one. Answered → done (a wrap-up
 * disposition that does not close it reopens it, see `afterDisposition`); a refusal → excluded; the others retry
 * after their rule's delay until `maxAttempts`, then fail. An attempt that never reached the customer
 * (`agent-no-answer`, `cancelled`) does not count and is due again at once.
 */
export function afterAttempt(
  outcome: CampaignAttemptOutcome,
  attempts: number,
  rules: RetryRules,
  endedAt: Date,
): RecordNext {
  switch (outcome) {
    case 'answered':
      return { state: 'done', nextDueAt: null };
    case 'blocked':
      return { state: 'excluded', nextDueAt: null, reason: 'refused: do-not-call or blocked' };
    case 'agent-no-answer':
    case 'cancelled':
      return { state: 'pending', nextDueAt: endedAt };
    case 'busy':
    case 'no-answer':
    case 'failed':
    case 'abandoned':
      if (attempts >= rules.maxAttempts) return { state: 'failed', nextDueAt: null };
      return { state: 'pending', nextDueAt: new Date(endedAt.getTime() + rules[outcome] * 60_000) };
  }
}

/** After the operator's wrap-up: a closing disposition keeps the record done, any other retries it as no-answer. */
export function afterDisposition(
  disposition: string,
  closing: readonly string[],
  attempts: number,
  rules: RetryRules,
  at: Date,
): RecordNext {
  if (closing.includes(disposition)) return { state: 'done', nextDueAt: null };
  return afterAttempt('no-answer', attempts, rules, at);
}

/** What the PBX told us about the customer leg, as an attempt outcome. */
export function outcomeOf(ended: {
  answered: boolean;
  cause: string;
  blocked?: boolean;
  abandoned?: boolean;
}): CampaignAttemptOutcome {
  if (ended.blocked) return 'blocked';
  if (ended.answered) return 'answered';
  switch (ended.cause) {
    case 'busy':
      return 'busy';
    case 'no-answer':
    case 'cancel':
      return 'no-answer';
    default:
      return 'failed';
  }
}

export interface PaceInput {
  /** Operators of the campaign free now (available, not in wrap-up, no live attempt). */
  freeOperators: number;
  /** Answered calls that found no operator / answered calls, within the rolling window; null when none. */
  abandonRate: number | null;
  abandonCapPercent: number;
  /** Attempts of this campaign started on any node within the last pacing interval. */
  recentStarts: number;
}

/**
 * How many operators to dial for now. Under the abandon cap, one call per free operator. Over it, pacing slows: at
 * most one new call per tick for the whole campaign, so the rate falls back as answered calls accumulate.
 */
/**
 * Customer first: the lines to open now, `ratio` per free operator (rounded down, so never above it) less the calls
 * already ringing or waiting for an operator.
 */
export function customerFirstLines(freeOperators: number, ratio: number, inFlight: number): number {
  return Math.max(0, Math.floor(freeOperators * ratio + 1e-9) - inFlight);
}

export function pace(input: PaceInput): number {
  if (input.freeOperators <= 0) return 0;
  const over = input.abandonRate !== null && input.abandonRate * 100 > input.abandonCapPercent;
  if (!over) return input.freeOperators;
  return input.recentStarts > 0 ? 0 : 1;
}
