import { type TelephonyProvider } from '@telephony';
import { type WallboardDto } from '@contracts/dto/wallboard';
import { type LiveCallDto } from '@contracts/socket-events';
import { type Logger } from '@server/common/logger/logger';
import { NO_REALTIME, type RealtimeSink } from '@server/modules/agents/realtime-sink';
import { type AgentsService } from '@server/modules/agents/agents.service';

import { computeWallboard } from './wallboard.compute';
import { type WallboardRepository } from './wallboard.repository';

export interface LiveCallsReader {
  listActive(viewer: { id: string; role: 'admin' | 'manager' | 'supervisor' | 'operator' }): Promise<LiveCallDto[]>;
}

export interface WallboardServiceOptions {
  logger: Logger;
  telephony: TelephonyProvider | null;
  /** Service-level threshold in seconds (answered within). Default 20. */
  serviceLevelSeconds?: number;
  /** Minimum gap between two pushes; events in between collapse into one trailing push. Default 500 ms (≤ 2/s). */
  throttleMs?: number;
  /** Where `wallboard:update` goes; absent → nowhere (GET /api/wallboard still answers). */
  realtime?: RealtimeSink;
  /** The company's time zone (a setting, read at each snapshot); absent → the server's own zone. */
  timeZone?: () => string;
}

/** Milliseconds `timeZone`'s wall clock is ahead of UTC at `at`. */
function zoneOffsetMs(at: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
      .formatToParts(at)
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

/** Midnight of the call center's day: "today" on the wall. In `timeZone` when given, else the server's zone. */
export function startOfDay(now: Date, timeZone?: string): Date {
  if (!timeZone) {
    const d = new Date(now);
    d.setHours(0, 0, 0, 0);
    return d;
  }
  const date = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    now,
  );
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  // The offset at midnight itself can differ from now's on a DST day: take it at the first guess, then once more.
  const first = utcMidnight - zoneOffsetMs(new Date(utcMidnight), timeZone);
  return new Date(utcMidnight - zoneOffsetMs(new Date(first), timeZone));
}

/**
 * The supervisors' wallboard: a snapshot computed from the database (calls + agent states) and the live calls,
 * served by GET /api/wallboard and pushed as `wallboard:update` to the supervisor and manager rooms whenever a
 * call or agent event arrives, throttled so a burst of events costs one query round per `throttleMs`.
 */
export class WallboardService {
  private lastPushAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private dirty = false;
  private stopped = false;

  constructor(
    private readonly repo: WallboardRepository,
    private readonly agents: AgentsService,
    private readonly liveCalls: LiveCallsReader,
    private readonly options: WallboardServiceOptions,
  ) {
    agents.onChange(() => this.refreshSoon());
  }

  /**
   * The board now. `operators`: only these users' rows (a team filter, or a team supervisor's scope); queues and
   * waiting callers are shared by every team.
   */
  async snapshot(now = new Date(), operators?: readonly string[]): Promise<WallboardDto> {
    const dayStart = startOfDay(now, this.options.timeZone?.());
    const threshold = this.options.serviceLevelSeconds ?? 20;
    const [live, queueStats, operatorStats, agents] = await Promise.all([
      this.liveCalls.listActive({ id: '00000000-0000-0000-0000-000000000000', role: 'supervisor' }),
      this.repo.queueStats(dayStart, threshold),
      this.repo.operatorStats(dayStart),
      this.agents.list(),
    ]);
    return computeWallboard({
      now,
      dayStart,
      live,
      queueStats,
      operatorStats,
      agents: operators ? agents.filter((a) => operators.includes(a.userId)) : agents,
      serviceLevelThresholdSeconds: threshold,
      telephonyUp: this.options.telephony ? this.options.telephony.isUp() : null,
    });
  }

  /** Asks for a push; at most one per `throttleMs`, always one after the last request (trailing edge). */
  refreshSoon(): void {
    if (this.stopped) return;
    this.dirty = true;
    if (this.timer || this.running) return;
    const wait = Math.max(0, this.lastPushAt + (this.options.throttleMs ?? 500) - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.push().finally(() => {
        this.running = undefined;
        if (this.dirty) this.refreshSoon();
      });
    }, wait);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async push(): Promise<void> {
    this.dirty = false;
    this.lastPushAt = Date.now();
    try {
      const board = await this.snapshot();
      const realtime = this.options.realtime ?? NO_REALTIME;
      realtime.emitToRole('supervisor', 'wallboard:update', board);
      realtime.emitToRole('manager', 'wallboard:update', board);
      realtime.emitToRole('admin', 'wallboard:update', board);
    } catch (err) {
      this.options.logger.warn({ err }, 'wallboard refresh failed');
    }
  }
}
