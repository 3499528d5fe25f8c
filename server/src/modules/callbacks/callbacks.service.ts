import { type Logger } from 'pino';
import { type DataSource } from 'typeorm';

import { type TaskDto } from '@contracts/dto/task';
import { type CallbacksConfig } from '@server/config/env';
import { type CallReaction } from '@server/common/calls/call-change';
import { type CallProjection } from '@server/common/calls/call-projection';
import { type TaskNotifier } from '@server/modules/callbacks/task-notifier';
import { type RoutingService } from '@server/modules/routing/routing.service';
import { type AuditService } from '@server/modules/audit/audit.service';
import { type TasksService } from '@server/modules/tasks/tasks.service';
import { type DomainEventSink, NO_DOMAIN_EVENTS } from '@server/common/events/domain-events';

export interface CallbacksServiceDeps {
  dataSource: DataSource;
  routing: RoutingService;
  /** Owns the callback tasks' rows (callbacks owns only callback_calls). */
  tasks: Pick<TasksService, 'openCallback' | 'setCallbackAttempts' | 'claimOverdueCallbacks' | 'byId'>;
  audit: Pick<AuditService, 'record'>;
  config: Pick<CallbacksConfig, 'dueMinutes' | 'escalateMinutes'>;
  logger: Logger;
  /** Socket.IO delivery; absent → tasks are still created and escalated, nobody is pushed. */
  notifier?: TaskNotifier | null;
  /** `task.created` and `task.escalated` for webhooks. */
  events?: DomainEventSink;
}

export interface CreatedCallback {
  task: TaskDto;
  reason: 'missed-call' | 'abandoned-call' | 'callback-request';
}

const ESCALATION_BATCH = 100;

/**
 * Missed and abandoned inbound calls become callback tasks; late ones are escalated to the supervisors.
 *
 * Ownership: the client's owner (contact owner, else open-lead owner). With no owner the task belongs to the
 * call's queue: `assignee_id` NULL and `queue` set (NULL for a direct DID). Supervisors and managers see such
 * tasks (operators see only their own), and the supervisors' room is told, because someone has to dispatch them.
 *
 * Escalation notifies, it does not reassign: the owner keeps the client relationship, the supervisors are told
 * (`task:assigned`, reason `escalation`) and decide. `escalated_at` makes it happen once; an audit row records it.
 */
export class CallbacksService {
  private readonly dataSource: DataSource;
  private readonly notifier: TaskNotifier | null;
  private readonly events: DomainEventSink;

  constructor(private readonly deps: CallbacksServiceDeps) {
    this.dataSource = deps.dataSource;
    this.notifier = deps.notifier ?? null;
    this.events = deps.events ?? NO_DOMAIN_EVENTS;
  }

  /**
   * The CallReaction: each qualifying call counts once towards the one open callback of its number and queue,
   * however often and on however many nodes it runs.
   */
  readonly react: CallReaction = async ({ event, after: call, link }) => {
    // Nobody calls a blocked number back (a blocked caller that got through because the PBX's lookup failed open).
    if (event.type !== 'call.ended' || link.kind === 'blocked') return;
    const created = await this.createForCall(call);
    if (!created) return;
    this.notifyCreated(created);
    await this.events.publish({
      type: 'task.created',
      key: created.task.id,
      occurredAt: new Date(created.task.createdAt),
      data: { task: created.task, reason: created.reason },
    });
  };

  /**
   * Counts a missed/abandoned inbound call towards the open callback task of its number and queue: creates the
   * task for the first such call, else adds an attempt and makes it the task's latest call. Null when the call
   * does not qualify or was counted already. Exactly once by two constraints, not by memory: the call claims its
   * callback_calls row (primary key) first, and the task is found or created through the partial unique index
   * uq_tasks_callback_open (one open callback per number and queue), which also serialises racing calls.
   */
  async createForCall(call: CallProjection): Promise<CreatedCallback | null> {
    const log = this.deps.logger.child({ callId: call.id });
    if (call.direction !== 'inbound' || call.status !== 'ended' || !call.endedAt) return null;
    if (call.disposition !== 'missed' && call.disposition !== 'abandoned') return null;
    const number = call.fromE164 ?? call.fromRaw;
    if (call.anonymous || !/\d/.test(number)) {
      log.info({ disposition: call.disposition }, 'missed call from a withheld number: no callback task');
      return null;
    }
    const owner = await this.deps.routing.ownerOf(number);
    const link = await this.clientLink(call, number);
    const due = new Date(Date.parse(call.endedAt) + this.deps.config.dueMinutes * 60_000);
    const counted = await this.dataSource.transaction(async (em) => {
      const claimed: unknown[] = await em.query(
        `INSERT INTO callback_calls (call_id, ended_at) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING call_id`,
        [call.id, call.endedAt],
      );
      if (claimed.length === 0) return null;
      const task = await this.deps.tasks.openCallback(em, {
        phone: number,
        dueAt: due,
        assigneeId: owner?.userId ?? null,
        entityType: link.type,
        entityId: link.id,
        callId: call.id,
        queue: owner ? null : call.queue,
        callbackQueue: call.queue,
      });
      await em.query(`UPDATE callback_calls SET task_id = $2 WHERE call_id = $1`, [call.id, task.id]);
      // Derived from the counted calls, so the figure is right whatever order nodes handled them in (the task row
      // is locked by openCallback until commit, so a racing call's count waits for this one).
      const [counts]: { n: number; last_call: string }[] = await em.query(
        `SELECT count(*)::int AS n, (array_agg(call_id ORDER BY ended_at DESC, call_id))[1] AS last_call
         FROM callback_calls WHERE task_id = $1`,
        [task.id],
      );
      await this.deps.tasks.setCallbackAttempts(em, task.id, counts!.n, counts!.last_call);
      return task;
    });
    if (!counted) {
      log.debug('missed call already counted towards a callback');
      return null;
    }
    const task = await this.deps.tasks.byId(counted.id);
    const reason = call.disposition === 'missed' ? 'missed-call' : 'abandoned-call';
    log.info(
      { taskId: task.id, assigneeId: task.assigneeId, queue: call.queue, reason, attempts: task.callbackAttempts },
      counted.created ? 'callback task created' : 'callback task: another attempt',
    );
    return { task, reason };
  }

  /**
   * Escalates open callback tasks that are `escalateMinutes` past due. Safe to run on every node at once:
   * the UPDATE claims rows (SKIP LOCKED) and re-checks `escalated_at IS NULL`, so each task escalates once.
   */
  async escalateDue(now: Date = new Date()): Promise<TaskDto[]> {
    const escalated = await this.dataSource.transaction(async (em) => {
      const rows = await this.deps.tasks.claimOverdueCallbacks(
        em,
        this.deps.config.escalateMinutes,
        now,
        ESCALATION_BATCH,
      );
      for (const row of rows) {
        await this.deps.audit.record(
          {
            actorId: null,
            action: 'callback.escalated',
            entity: 'task',
            entityId: row.id,
            details: { callId: row.call_id, assigneeId: row.assignee_id, dueAt: row.due_at, to: 'supervisor' },
          },
          em,
        );
      }
      return rows;
    });
    const tasks: TaskDto[] = [];
    for (const row of escalated) {
      const task = await this.deps.tasks.byId(row.id);
      tasks.push(task);
      this.deps.logger.warn({ taskId: row.id, callId: row.call_id, assigneeId: row.assignee_id }, 'callback escalated');
      this.notifier?.emitToRole('supervisor', 'task:assigned', { task, reason: 'escalation' });
      await this.events.publish({ type: 'task.escalated', key: task.id, occurredAt: now, data: { task } });
    }
    return tasks;
  }

  /**
   * A website visitor's "call me back" that could not ring now (the queue is closed, or nobody answered in time): the
   * number's one open callback task in that queue (made now, due when the queue opens, for the client's owner,
   * else for the queue's dispatchers), or the one already open for it.
   */
  async scheduleRequest(r: {
    phone: string;
    dueAt: Date;
    queue: string;
    assigneeId: string | null;
    entityType: 'lead' | 'contact';
    entityId: string;
  }): Promise<TaskDto> {
    const row = await this.deps.tasks.openCallback(this.dataSource.manager, {
      phone: r.phone,
      dueAt: r.dueAt,
      assigneeId: r.assigneeId,
      entityType: r.entityType,
      entityId: r.entityId,
      callId: null,
      queue: r.assigneeId ? null : r.queue,
      callbackQueue: r.queue,
    });
    const task = await this.deps.tasks.byId(row.id);
    if (!row.created) return task;
    this.notifyCreated({ task, reason: 'callback-request' });
    await this.events.publish({
      type: 'task.created',
      key: task.id,
      occurredAt: new Date(task.createdAt),
      data: { task, reason: 'callback-request' },
    });
    return task;
  }

  private notifyCreated({ task, reason }: CreatedCallback): void {
    if (!this.notifier) return;
    if (task.assigneeId) this.notifier.emitToUser(task.assigneeId, 'task:assigned', { task, reason });
    else this.notifier.emitToRole('supervisor', 'task:assigned', { task, reason });
  }

  /** The CRM record the task hangs on (so it shows on the client card): the contact, else the lead, else the call. */
  private async clientLink(call: CallProjection, number: string): Promise<{ type: string; id: string }> {
    const rows: { type: string; id: string }[] = await this.dataSource.query(
      `SELECT type, id FROM (
         SELECT 'contact' AS type, contact_id AS id, 1 AS rank FROM calls WHERE id = $1 AND contact_id IS NOT NULL
         UNION ALL SELECT 'lead', lead_id, 2 FROM calls WHERE id = $1 AND lead_id IS NOT NULL
         UNION ALL SELECT 'contact', contact_id, 3 FROM contact_phones WHERE e164 = $2
         UNION ALL SELECT 'lead', id, 4 FROM leads WHERE phone_e164 = $2 AND status NOT IN ('converted', 'junk')
       ) l ORDER BY rank LIMIT 1`,
      [call.id, number],
    );
    return rows[0] ?? { type: 'call', id: call.id };
  }
}
