import { type DataSource } from 'typeorm';

import { type TelephonyProvider } from '@telephony';
import { type Logger } from '@server/common/logger/logger';
import { type CallbacksService } from '@server/modules/callbacks/callbacks.service';

import { isOpen, nextOpening } from './business-hours';
import { type BusinessHoursService } from './business-hours.service';

export interface CallbackAsk {
  submissionId: string | null;
  queue: string;
  phoneE164: string;
  name: string | null;
  /** The record the call is about (its card pops): the lead, or the contact that has the number. */
  entity: { type: 'lead' | 'contact'; id: string };
  /** The client's owner, who gets the task if it comes to one; null → the queue's. */
  ownerId: string | null;
}

export interface CallbackOutcome {
  /** `calling`: a free operator is being rung, then the visitor; `scheduled`: a callback task due `at`. */
  status: 'calling' | 'scheduled';
  at: Date | null;
}

interface RequestRow {
  id: string;
  queue: string;
  phone_e164: string;
  name: string | null;
  entity_type: 'lead' | 'contact';
  entity_id: string;
  owner_id: string | null;
}

/** A request still `calling` this long after its wait ended was left by a node that died: it becomes a task. */
const STALE_MARGIN_SECONDS = 120;

/**
 * "Call me back": while the queue is open the PBX rings a free operator of it, then dials the visitor (the
 * operator sees the client's card while their phone rings); outside business hours or holidays, or when nobody
 * answered within the queue's wait, it becomes a callback task due when the queue opens. Each request is a row of
 * callback_requests, so a node that dies while ringing leaves a row the sweeper turns into a task.
 */
export class CallMeBackService {
  private readonly dialing = new Set<Promise<void>>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: {
      dataSource: DataSource;
      hours: BusinessHoursService;
      callbacks: Pick<CallbacksService, 'scheduleRequest'>;
      telephony: TelephonyProvider | null;
      logger: Logger;
    },
  ) {}

  async request(ask: CallbackAsk, now = new Date()): Promise<CallbackOutcome> {
    const { hours, waitSeconds } = await this.deps.hours.of(ask.queue);
    const open = isOpen(hours, now);
    const [row] = await this.deps.dataSource.query<RequestRow[]>(
      `INSERT INTO callback_requests (submission_id, queue, phone_e164, name, entity_type, entity_id, owner_id, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [
        ask.submissionId,
        ask.queue,
        ask.phoneE164,
        ask.name,
        ask.entity.type,
        ask.entity.id,
        ask.ownerId,
        open ? 'calling' : 'scheduled',
      ],
    );
    if (!open) {
      const at = nextOpening(hours, now) ?? now;
      await this.schedule(row!, at, 'outside business hours');
      return { status: 'scheduled', at };
    }
    // The request's answer does not wait for an operator: the ringing goes on here, in the background.
    const dialing = this.dial(row!, waitSeconds).finally(() => this.dialing.delete(dialing));
    this.dialing.add(dialing);
    return { status: 'calling', at: null };
  }

  /** Resolves once the calls this node rings now are settled (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.dialing]);
  }

  /** Every minute: requests left `calling` by a node that died become tasks (one node wins each row). */
  start(intervalMs = 60_000): void {
    this.sweeper = setInterval(() => {
      this.sweep().catch((err: unknown) => this.deps.logger.warn({ err }, 'call-me-back sweep failed'));
    }, intervalMs).unref();
  }

  /**
   * Stops the sweeper. Calls being rung are not waited for (a queue may ring for minutes): when the telephony
   * adapter stops they fail into tasks, or, if the database is gone by then, the next sweep makes the tasks.
   */
  stop(): void {
    clearInterval(this.sweeper);
  }

  async sweep(): Promise<number> {
    const rows = rowsOf<RequestRow>(
      await this.deps.dataSource.query(
        `UPDATE callback_requests r SET status = 'scheduled', reason = 'the node ringing it stopped', updated_at = now()
       FROM (SELECT id FROM callback_requests WHERE status = 'calling'
               AND updated_at < now() - make_interval(secs => 1800 + $1) FOR UPDATE SKIP LOCKED) s
       WHERE r.id = s.id RETURNING r.*`,
        [STALE_MARGIN_SECONDS],
      ),
    );
    for (const row of rows) {
      const { hours } = await this.deps.hours.of(row.queue);
      await this.schedule(row, nextOpening(hours, new Date()) ?? new Date(), 'the node ringing it stopped', false);
    }
    return rows.length;
  }

  private async dial(row: RequestRow, waitSeconds: number): Promise<void> {
    const log = this.deps.logger.child({ callbackRequestId: row.id, queue: row.queue });
    const { telephony } = this.deps;
    try {
      if (!telephony?.originateCallback) throw new Error('telephony cannot place callbacks');
      if (!telephony.isUp()) throw new Error('the PBX is unavailable');
      await telephony.originateCallback({
        queue: row.queue,
        destination: row.phone_e164,
        waitSeconds,
        callerName: row.name ?? undefined,
        requestId: row.id,
      });
      await this.deps.dataSource.query(
        `UPDATE callback_requests SET status = 'connected', updated_at = now() WHERE id = $1 AND status = 'calling'`,
        [row.id],
      );
      log.info('call me back: an operator answered, the visitor is being dialled');
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      log.info({ reason }, 'call me back: nobody answered in time; a callback task instead');
      try {
        const { hours } = await this.deps.hours.of(row.queue);
        await this.schedule(row, nextOpening(hours, new Date()) ?? new Date(), reason);
      } catch (scheduleErr) {
        // The sweeper retries it: the row is still `calling`.
        log.error({ err: scheduleErr }, 'call me back: could not schedule the callback task');
      }
    }
  }

  /** The task, then the row; `claim` false when the caller already moved the row to `scheduled`. */
  private async schedule(row: RequestRow, dueAt: Date, reason: string, claim = true): Promise<void> {
    if (claim) {
      const claimed = rowsOf(
        await this.deps.dataSource.query(
          `UPDATE callback_requests SET status = 'scheduled', reason = $2, updated_at = now()
           WHERE id = $1 AND status <> 'connected' AND task_id IS NULL RETURNING id`,
          [row.id, reason],
        ),
      );
      if (claimed.length === 0) return;
    }
    const task = await this.deps.callbacks.scheduleRequest({
      phone: row.phone_e164,
      dueAt,
      queue: row.queue,
      assigneeId: row.owner_id,
      entityType: row.entity_type,
      entityId: row.entity_id,
    });
    await this.deps.dataSource.query(`UPDATE callback_requests SET task_id = $2 WHERE id = $1`, [row.id, task.id]);
  }
}

/** TypeORM answers an UPDATE with `[rows, affected]`. */
const rowsOf = <T>(result: unknown): T[] =>
  (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
