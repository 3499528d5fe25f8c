import { describe, expect, it } from 'vitest';

import {
  type OpenAlert,
  type QueueObservation,
  type SlaThreshold,
  evaluateSla,
} from '@server/modules/analytics/sla-alerts.evaluate';

const t: SlaThreshold = { queue: 'sales', slBelowPercent: 80, longestWaitAboveSeconds: 60, waitingAbove: 3 };
const calm: QueueObservation = { serviceLevelPercent: 95, longestWaitSeconds: 0, waiting: 0 };
const obs = (o: Partial<QueueObservation>) => new Map([['sales', { ...calm, ...o }]]);

/** Runs a series of observations the way the ticker does, keeping the open alerts between steps. */
function run(series: Partial<QueueObservation>[], threshold = t) {
  let open: OpenAlert[] = [];
  let n = 0;
  const log: string[] = [];
  for (const o of series) {
    const { raise, clear } = evaluateSla([threshold], obs(o), open);
    for (const r of raise) {
      open.push({ id: String(++n), queue: r.queue, kind: r.kind });
      log.push(`+${r.kind}`);
    }
    for (const c of clear) log.push(`-${c.kind}`);
    open = open.filter((a) => !clear.includes(a));
  }
  return log;
}

describe('SLA alert evaluation', () => {
  it('raises once per breach and ends it when the figure is back past the margin', () => {
    expect(run([{ serviceLevelPercent: 79.9 }, { serviceLevelPercent: 70 }, { serviceLevelPercent: 82 }])).toEqual([
      '+service-level',
      '-service-level',
    ]);
  });

  it('does not flap around a threshold (hysteresis)', () => {
    const hover = [79, 80.5, 79.5, 81.9, 79, 81].map((sl) => ({ serviceLevelPercent: sl }));
    expect(run(hover)).toEqual(['+service-level']);
    const waits = [61, 58, 62, 56, 61].map((w) => ({ longestWaitSeconds: w }));
    expect(run(waits)).toEqual(['+longest-wait']);
    expect(run([...waits, { longestWaitSeconds: 55 }])).toEqual(['+longest-wait', '-longest-wait']);
  });

  it('counts callers waiting above Z, and ends at Z − 1', () => {
    expect(run([{ waiting: 3 }, { waiting: 4 }, { waiting: 3 }, { waiting: 2 }])).toEqual(['+waiting', '-waiting']);
    expect(run([{ waiting: 1 }, { waiting: 0 }], { ...t, waitingAbove: 0 })).toEqual(['+waiting', '-waiting']);
  });

  it('ignores a service level without calls and ends alerts whose threshold is gone', () => {
    expect(run([{ serviceLevelPercent: null }])).toEqual([]);
    const open: OpenAlert[] = [{ id: '1', queue: 'gone', kind: 'waiting' }];
    expect(evaluateSla([t], obs({}), open).clear).toEqual(open);
    const unwatched = evaluateSla([{ ...t, waitingAbove: null }], obs({ waiting: 50 }), [
      { id: '2', queue: 'sales', kind: 'waiting' },
    ]);
    expect(unwatched).toEqual({ raise: [], clear: [{ id: '2', queue: 'sales', kind: 'waiting' }] });
  });
});
