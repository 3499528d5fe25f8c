import { type DataSource } from 'typeorm';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { AnalyticsRollupsService } from './analytics-rollups.service';

/*
 * A fake database under fake timers stands in for PostgreSQL here: what is tested is the timer's wait after a slow
 * refresh, and a real server cannot be made slow on demand. test/integration/analytics-rollups.int.spec.ts runs the
 * rollups themselves against PostgreSQL.
 */
describe('AnalyticsRollupsService: refreshing a busy bin', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('rests four times as long as the last refresh took before the next, and only delayMs after a quick one', async () => {
    vi.useFakeTimers();
    // Each refresh statement takes `took` ms of the database's time.
    let took = 1_000;
    const query = vi.fn(() => new Promise((resolve) => setTimeout(() => resolve([]), took)));
    const service = new AnalyticsRollupsService({ query } as unknown as DataSource, { delayMs: 500 });
    const change = () => service.touch([new Date()]);

    change();
    await vi.advanceTimersByTimeAsync(500);
    expect(query).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1_000); // the first refresh ends after 1 s

    took = 10;
    change(); // the next change comes at once: it waits 4 s, not 500 ms
    await vi.advanceTimersByTimeAsync(3_999);
    expect(query).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(query).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(10); // a 10 ms refresh

    change();
    await vi.advanceTimersByTimeAsync(499);
    expect(query).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(query).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(10);
    await service.stop();
  });
});
