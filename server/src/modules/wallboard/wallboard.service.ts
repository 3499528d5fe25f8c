import { type TelephonyProvider } from '@telephony';
import { DEFAULT_ANALYTICS_TZ, DEFAULT_SHORT_ABANDON_SECONDS } from '@contracts/dto/analytics';
import { type WallboardDto } from '@contracts/dto/wallboard';
import { type LiveCallDto } from '@contracts/socket-events';
import { type Logger } from '@server/common/logger/logger';
import { NO_REALTIME, type RealtimeSink } from '@server/modules/agents/realtime-sink';
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
  /** The call centre's clock: "today" starts at its midnight. Default analytics' zone, Europe/Moscow. */
  timeZone?: string;
  /** Minimum gap between two pushes; events in between collapse into one trailing push. Default 500 ms (≤ 2/s). */
  throttleMs?: number;
}

/**
 * The supervisors' wallboard: a snapshot computed from the database (calls + agent states) and the live calls,
 * served by GET /api/wallboard and pushed as `wallboard:update` to the supervisor and manager rooms whenever a
 * call or agent event arrives, throttled so a burst of events costs one query round per `throttleMs`.
 */
export class WallboardService {
  private sink: RealtimeSink = NO_REALTIME;
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

  attachRealtime(sink: RealtimeSink): void {
    this.sink = sink;
  }

  async snapshot(now = new Date()): Promise<WallboardDto> {
    const timeZone = this.options.timeZone ?? DEFAULT_ANALYTICS_TZ;
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
      agents,
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
      this.sink.emitToRole('supervisor', 'wallboard:update', board);
      this.sink.emitToRole('manager', 'wallboard:update', board);
      this.sink.emitToRole('admin', 'wallboard:update', board);
    } catch (err) {
      this.options.logger.warn({ err }, 'wallboard refresh failed');
    }
  }
}
