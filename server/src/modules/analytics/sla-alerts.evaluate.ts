import { type SlaAlertKind } from '@contracts/dto/sla-alerts';

export interface SlaThreshold {
  queue: string;
  slBelowPercent: number | null;
  longestWaitAboveSeconds: number | null;
  waitingAbove: number | null;
}

/** What the wallboard shows of a queue now, and its service level over the threshold's window (null: no call). */
export interface QueueObservation {
  serviceLevelPercent: number | null;
  longestWaitSeconds: number;
  waiting: number;
}

export interface OpenAlert {
  id: string;
  queue: string;
  kind: SlaAlertKind;
}

export interface Breach {
  queue: string;
  kind: SlaAlertKind;
  threshold: number;
  value: number;
}

/**
 * Hysteresis: an alert is raised when the figure crosses its threshold and ended only once it is back by a margin,
 * so a figure hovering at the threshold raises one alert, not one per evaluation.
 */
export const SL_CLEAR_MARGIN_POINTS = 2;
export const WAIT_CLEAR_MARGIN_SECONDS = 5;
export const WAITING_CLEAR_MARGIN = 1;

type State = 'breached' | 'recovered' | 'between';

function stateOf(kind: SlaAlertKind, t: SlaThreshold, o: QueueObservation | undefined): [State, number, number] {
  switch (kind) {
    case 'service-level': {
      const x = t.slBelowPercent;
      const sl = o?.serviceLevelPercent ?? null;
      if (x === null || sl === null) return ['recovered', x ?? 0, sl ?? 0];
      return [sl < x ? 'breached' : sl >= x + SL_CLEAR_MARGIN_POINTS ? 'recovered' : 'between', x, sl];
    }
    case 'longest-wait': {
      const y = t.longestWaitAboveSeconds;
      const wait = o?.longestWaitSeconds ?? 0;
      if (y === null) return ['recovered', 0, wait];
      return [
        wait > y ? 'breached' : wait <= Math.max(0, y - WAIT_CLEAR_MARGIN_SECONDS) ? 'recovered' : 'between',
        y,
        wait,
      ];
    }
    case 'waiting': {
      const z = t.waitingAbove;
      const n = o?.waiting ?? 0;
      if (z === null) return ['recovered', 0, n];
      return [n > z ? 'breached' : n <= Math.max(0, z - WAITING_CLEAR_MARGIN) ? 'recovered' : 'between', z, n];
    }
  }
}

/**
 * Which alerts to raise (breached, none open) and which to end (recovered, or its threshold removed). Pure: the
 * caller stores and announces the result.
 */
export function evaluateSla(
  thresholds: readonly SlaThreshold[],
  observed: ReadonlyMap<string, QueueObservation>,
  open: readonly OpenAlert[],
): { raise: Breach[]; clear: OpenAlert[] } {
  const raise: Breach[] = [];
  const clear: OpenAlert[] = [];
  const byQueue = new Map(thresholds.map((t) => [t.queue, t]));
  for (const t of thresholds) {
    for (const kind of ['service-level', 'longest-wait', 'waiting'] as const) {
      const [state, threshold, value] = stateOf(kind, t, observed.get(t.queue));
      const alert = open.find((a) => a.queue === t.queue && a.kind === kind);
      if (state === 'breached' && !alert) raise.push({ queue: t.queue, kind, threshold, value });
      if (state === 'recovered' && alert) clear.push(alert);
    }
  }
  for (const a of open) if (!byQueue.has(a.queue)) clear.push(a);
  return { raise, clear };
}
