import { type SlaAlertDto, type SlaThresholdDto, type SlaThresholdRequest } from '@contracts/dto/sla-alerts';
import { type WallboardDto } from '@contracts/dto/wallboard';
import { AppError } from '@server/common/errors/app-error';
import { type Logger } from '@server/common/logger/logger';
import { NO_REALTIME, type RealtimeSink } from '@server/common/realtime/realtime-sink';
import { type AuditService } from '@server/modules/audit/audit.service';
import { evaluateSla, type QueueObservation } from '@server/modules/analytics/sla-alerts.evaluate';
import {
  type SlaAlertRow,
  type SlaAlertsRepository,
  type SlaThresholdRow,
} from '@server/modules/analytics/sla-alerts.repository';

/** The wallboard's live state: waiting callers and the longest wait per queue. */
export interface LiveBoard {
  snapshot(now?: Date): Promise<WallboardDto>;
}

export interface SlaAlertsOptions {
  logger: Logger;
  realtime?: RealtimeSink;
  audit?: AuditService;
  /** How often a consuming node evaluates (a wait grows without any event). Default 5 s. */
  intervalMs?: number;
}

/**
 * Live SLA alerts: every `intervalMs` the consuming nodes compare the wallboard's live state (and the service level
 * over each threshold's window) with the thresholds. A breach opens one alert and a recovery past the margin ends it
 * (sla-alerts.evaluate.ts); the database keeps one open alert per queue and kind, and only the node whose write
 * succeeded pushes `sla:alert` / `sla:cleared` to supervisors, managers and admins, so each is announced once.
 */
export class SlaAlertsService {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly repo: SlaAlertsRepository,
    private readonly board: LiveBoard,
    private readonly options: SlaAlertsOptions,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.running ??= this.evaluate()
        .catch((err: unknown) => this.options.logger.warn({ err }, 'SLA alert evaluation failed'))
        .finally(() => (this.running = undefined));
    }, this.options.intervalMs ?? 5000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One evaluation; returns what this node raised and ended. */
  async evaluate(now = new Date()): Promise<{ raised: SlaAlertDto[]; cleared: SlaAlertDto[] }> {
    const [thresholds, open] = await Promise.all([this.repo.thresholds(), this.repo.openAlerts()]);
    if (thresholds.length === 0 && open.length === 0) return { raised: [], cleared: [] };
    const [board, levels] = await Promise.all([this.board.snapshot(now), this.repo.windowServiceLevels(now)]);
    const observed = new Map<string, QueueObservation>(
      thresholds.map((t) => {
        const q = board.queues.find((x) => x.name === t.queue);
        return [
          t.queue,
          {
            serviceLevelPercent: levels.get(t.queue) ?? null,
            longestWaitSeconds: q?.longestWaitSeconds ?? 0,
            waiting: q?.waiting.length ?? 0,
          },
        ];
      }),
    );
    const { raise, clear } = evaluateSla(thresholds.map(toThreshold), observed, open);
    const realtime = this.options.realtime ?? NO_REALTIME;
    const push = (event: 'sla:alert' | 'sla:cleared', alert: SlaAlertDto) => {
      for (const role of ['supervisor', 'manager', 'admin'] as const) realtime.emitToRole(role, event, alert);
    };
    const raised: SlaAlertDto[] = [];
    for (const b of raise) {
      const row = await this.repo.open(b.queue, b.kind, b.threshold, b.value, now);
      if (!row) continue;
      raised.push(toAlert(row));
      push('sla:alert', toAlert(row));
      this.options.logger.info({ queue: b.queue, kind: b.kind, value: b.value }, 'SLA alert raised');
    }
    const cleared: SlaAlertDto[] = [];
    for (const a of clear) {
      const row = await this.repo.close(a.id, now);
      if (!row) continue;
      cleared.push(toAlert(row));
      push('sla:cleared', toAlert(row));
      this.options.logger.info({ queue: a.queue, kind: a.kind }, 'SLA alert ended');
    }
    return { raised, cleared };
  }

  async thresholds(): Promise<SlaThresholdDto[]> {
    return (await this.repo.thresholds()).map(toThresholdDto);
  }

  async setThreshold(actorId: string, queue: string, t: SlaThresholdRequest): Promise<SlaThresholdDto> {
    await this.repo.upsertThreshold(queue, t, actorId);
    await this.options.audit?.record({
      actorId,
      action: 'analytics.sla-threshold.set',
      entity: 'queue',
      entityId: queue,
      details: { ...t },
    });
    return toThresholdDto((await this.repo.thresholds()).find((r) => r.queue === queue)!);
  }

  async removeThreshold(actorId: string, queue: string): Promise<void> {
    if (!(await this.repo.removeThreshold(queue))) throw new AppError('NOT_FOUND', 404, 'No thresholds for this queue');
    await this.options.audit?.record({
      actorId,
      action: 'analytics.sla-threshold.remove',
      entity: 'queue',
      entityId: queue,
    });
  }

  async alerts(openOnly: boolean): Promise<SlaAlertDto[]> {
    return (openOnly ? await this.repo.openAlerts() : await this.repo.recentAlerts()).map(toAlert);
  }
}

const toThreshold = (r: SlaThresholdRow) => ({
  queue: r.queue,
  slBelowPercent: r.sl_below_percent,
  longestWaitAboveSeconds: r.longest_wait_above_seconds,
  waitingAbove: r.waiting_above,
});

const toThresholdDto = (r: SlaThresholdRow): SlaThresholdDto => ({
  ...toThreshold(r),
  slWindowMinutes: r.sl_window_minutes,
  slSeconds: r.sl_seconds,
  updatedAt: r.updated_at.toISOString(),
});

const toAlert = (r: SlaAlertRow): SlaAlertDto => ({
  id: r.id,
  queue: r.queue,
  kind: r.kind,
  threshold: r.threshold,
  value: r.value,
  startedAt: r.started_at.toISOString(),
  endedAt: r.ended_at?.toISOString() ?? null,
});
