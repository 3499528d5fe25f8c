import { afterEach, describe, expect, it, vi } from 'vitest';

import { type Logger } from '@server/common/logger/logger';
import { type RealtimeSink } from '@server/common/realtime/realtime-sink';
import { type AgentsService } from '@server/modules/agents/agents.service';

import { type WallboardRepository } from './wallboard.repository';
import { WallboardService } from './wallboard.service';

/*
 * A fake repository under fake timers stands in for PostgreSQL here: what is tested is the wait after a slow
 * snapshot, and a real server cannot be made slow on demand. test/integration/wallboard.int.spec.ts runs the
 * wallboard itself: sipp calls through Asterisk, PostgreSQL, and the pushes over Socket.IO.
 */
describe('WallboardService: pushing while the day grows', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('rests four times as long as the last snapshot took before the next push, and only throttleMs after a quick one', async () => {
    vi.useFakeTimers();
    // Reading the day's calls takes `took` ms of the database's time.
    let took = 1_000;
    const slow = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), took));
    const repo = {
      day: () => slow({ fromUtc: new Date(0), toUtc: new Date(86_400_000) }),
      queueStats: () => Promise.resolve([]),
      operatorStats: () => Promise.resolve([]),
    } as unknown as WallboardRepository;
    const agents = { onChange: () => undefined, list: () => Promise.resolve([]) } as unknown as AgentsService;
    const emitToRole = vi.fn();
    const realtime = { emitToRole, emitToUser: vi.fn(), emitTo: vi.fn() } as unknown as RealtimeSink;
    const service = new WallboardService(
      repo,
      agents,
      { listActive: () => Promise.resolve([]) },
      {
        logger: { warn: vi.fn() } as unknown as Logger,
        telephony: null,
        throttleMs: 500,
        realtime,
        timeZone: () => 'UTC',
      },
    );
    const pushes = () => emitToRole.mock.calls.filter(([role]) => role === 'supervisor').length;

    service.refreshSoon();
    await vi.advanceTimersByTimeAsync(1_000); // the first snapshot takes 1 s
    expect(pushes()).toBe(1);

    took = 10;
    service.refreshSoon(); // an agent changes at once: the next push waits 4 s, not 500 ms
    await vi.advanceTimersByTimeAsync(3_999);
    expect(pushes()).toBe(1);
    await vi.advanceTimersByTimeAsync(11);
    expect(pushes()).toBe(2);

    service.refreshSoon(); // after a 10 ms snapshot the throttle alone counts again
    await vi.advanceTimersByTimeAsync(479);
    expect(pushes()).toBe(2);
    await vi.advanceTimersByTimeAsync(31);
    expect(pushes()).toBe(3);
    service.stop();
  });
});
