import { type WeekHours } from '@contracts/dto/business-hours';

/** A queue's opening hours; a queue without any is open around the clock. */
export interface Hours {
  timeZone: string;
  week: WeekHours;
  /** YYYY-MM-DD in the queue's zone: closed all day. */
  holidays: readonly string[];
}

interface LocalTime {
  /** YYYY-MM-DD */
  date: string;
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const formatter = (timeZone: string) => {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
};
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** The wall clock of `timeZone` at `at`. */
export function localTime(at: Date, timeZone: string): LocalTime & { seconds: number } {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: WEEKDAYS[parts.weekday ?? ''] ?? 1,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
    seconds: Number(parts.second),
  };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The instant the wall clock of `timeZone` shows `date` `minutes` (DST gaps resolve to the later side). */
export function instantOf(date: string, minutes: number, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, 0, minutes);
  let guess = wall;
  // The zone's offset at the guess moves the guess; twice settles every real zone's rules, DST included.
  for (let i = 0; i < 3; i++) {
    const local = localTime(new Date(guess), timeZone);
    const [ly, lm, ld] = local.date.split('-').map(Number) as [number, number, number];
    const shownAsUtc = Date.UTC(ly, lm - 1, ld, 0, local.minutes);
    const next = guess + (wall - shownAsUtc);
    if (next === guess) break;
    guess = next;
  }
  return new Date(guess);
}

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function rangesOn(hours: Hours, date: string, weekday: number) {
  if (hours.holidays.includes(date)) return [];
  return (hours.week[weekday as keyof WeekHours] ?? []).map((r) => ({ from: toMinutes(r.from), to: toMinutes(r.to) }));
}

/** Whether the queue is open at `at` (a range includes its start, excludes its end). */
export function isOpen(hours: Hours | null, at: Date): boolean {
  if (!hours) return true;
  const now = localTime(at, hours.timeZone);
  return rangesOn(hours, now.date, now.weekday).some((r) => now.minutes >= r.from && now.minutes < r.to);
}

/**
 * When the queue next opens: `at` itself when open now; otherwise the start of the next open range, looking up to a
 * year ahead. Null when the week has no hours at all (or a year of holidays).
 */
export function nextOpening(hours: Hours | null, at: Date): Date | null {
  if (isOpen(hours, at)) return at;
  const h = hours!;
  const now = localTime(at, h.timeZone);
  for (let day = 0; day <= 366; day++) {
    const date = addDays(now.date, day);
    const weekday = ((now.weekday - 1 + day) % 7) + 1;
    const starts = rangesOn(h, date, weekday)
      .map((r) => r.from)
      .filter((from) => day > 0 || from > now.minutes)
      .sort((a, b) => a - b);
    if (starts.length) return instantOf(date, starts[0]!, h.timeZone);
  }
  return null;
}
