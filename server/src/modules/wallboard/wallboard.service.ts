import { type TelephonyProvider } from '@telephony';
import { DEFAULT_ANALYTICS_TZ, DEFAULT_SHORT_ABANDON_SECONDS } from '@contracts/dto/analytics';
import { type WallboardDto } from '@contracts/dto/wallboard';
import { type LiveCallDto } from '@contracts/socket-events';
import { RestAfterRun } from '@server/common/jobs/rest-after-run';
import { type Logger } from '@server/common/logger/logger';
import { NO_REALTIME, type RealtimeSink } from '@server/common/realtime/realtime-sink';
import { type AgentsService } from '@server/modules/agents/agents.service';

import { computeWallboard, todayIn } from './wallboard.compute';
import { type WallboardRepository } from './wallboard.repository';

export interface LiveCallsReader {
  listActive(viewer: { id: string; role: 'admin' | 'manager' | 'supervisor' | 'operator' }): Promise<LiveCallDto[]>;
}

export interface WallboardServiceOptions {
  logger: Logger;
  telephony: TelephonyProvider | null;
  /** Service-level threshold in seconds (answered within). Default 20, like analytics. */
  serviceLevelSeconds?: number;
  /** Minimum gap between two pushes; events in between collapse into one trailing push. Default 500 ms (≤ 2/s). */
  throttleMs?: number;
  /** Where `wallboard:update` goes; absent → nowhere (GET /api/wallboard still answers). */
  realtime?: RealtimeSink;
  /** The company's clock (a setting, read at each snapshot): "today" starts at its midnight. Default Europe/Moscow. */
  timeZone?: () => string;
}

/**
 * The supervisors' wallboard: a snapshot computed from the database (calls + agent states) and the live calls,
 * served by GET /api/wallboard and pushed as `wallboard:update` to the supervisor and manager rooms whenever a
 * call or agent event arrives, throttled so a burst of events costs one query round per `throttleMs`.
 */
export class WallboardService {
  private lastPushAt = 0;
  /**
   * A snapshot reads the day's calls: 25 ms at 10,000 calls, 0.8 s at a million (a centre taking 100 calls a second
   * gets there in three hours). The next push rests after each, and the board updates a little less often.
   */
  private readonly rest = new RestAfterRun();
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
    const timeZone = this.options.timeZone?.() ?? DEFAULT_ANALYTICS_TZ;
    const { today, tomorrow } = todayIn(timeZone, now);
    const day = await this.repo.day(today, tomorrow, timeZone);
    const threshold = this.options.serviceLevelSeconds ?? 20;
    const [live, queueStats, operatorStats, agents] = await Promise.all([
      this.liveCalls.listActive({ id: '00000000-0000-0000-0000-000000000000', role: 'supervisor' }),
      this.repo.queueStats(day, threshold),
      this.repo.operatorStats(day.fromUtc),
      this.agents.list(),
    ]);
    return computeWallboard({
      now,
      dayStart: day.fromUtc,
      timeZone,
      shortAbandonSeconds: DEFAULT_SHORT_ABANDON_SECONDS,
      live,
      queueStats,
      operatorStats,
      agents: operators ? agents.filter((a) => operators.includes(a.userId)) : agents,
      serviceLevelThresholdSeconds: threshold,
      telephonyUp: this.options.telephony ? this.options.telephony.isUp() : null,
    });
  }

  /**
   * Asks for a push; at most one per `throttleMs` (longer after a slow snapshot), always one after the last request
   * (trailing edge).
   */
  refreshSoon(): void {
    if (this.stopped) return;
    this.dirty = true;
    if (this.timer || this.running) return;
    const wait = Math.max(
      0,
      Math.max(this.lastPushAt + (this.options.throttleMs ?? 500), this.rest.untilMs) - Date.now(),
    );
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
      this.rest.ran(this.lastPushAt);
      const realtime = this.options.realtime ?? NO_REALTIME;
      realtime.emitToRole('supervisor', 'wallboard:update', board);
      realtime.emitToRole('manager', 'wallboard:update', board);
      realtime.emitToRole('admin', 'wallboard:update', board);
    } catch (err) {
      this.options.logger.warn({ err }, 'wallboard refresh failed');
    }
  }
}
