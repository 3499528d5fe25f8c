import { type Logger } from 'pino';
import { type DataSource } from 'typeorm';

import { type TaskDto } from '@contracts/dto/task';
import { type CallbacksConfig } from '@server/config/env';
import { type CallReaction } from '@server/common/calls/call-change';
import { type CallProjection } from '@server/common/calls/call-projection';
import { type TaskNotifier } from '@server/modules/callbacks/task-notifier';
import { type RoutingService } from '@server/modules/routing/routing.service';
import { TaskEntity } from '@server/modules/tasks/task.entity';
import { toTaskDto } from '@server/modules/tasks/tasks.service';
import { type DomainEventSink, NO_DOMAIN_EVENTS } from '@server/common/events/domain-events';

export interface CallbacksServiceDeps {
  dataSource: DataSource;
  routing: RoutingService;
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

  /** The CallReaction: exactly one task per qualifying call, however often and on however many nodes it runs. */
  readonly react: CallReaction = async ({ event, after: call }) => {
    if (event.type !== 'call.ended') return;
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
    // The partial unique index uq_tasks_callback_call is the guarantee; ON CONFLICT turns a repeat into a no-op.
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO tasks (title, kind, due_at, assignee_id, created_by_id, entity_type, entity_id, call_id, queue)
       VALUES ($1, 'callback', $2, $3, NULL, $4, $5, $6, $7)
       ON CONFLICT (call_id) WHERE kind = 'callback' DO NOTHING RETURNING id`,
      [`Callback ${number}`, due, owner?.userId ?? null, link.type, link.id, call.id, owner ? null : call.queue],
    );
    const id = rows[0]?.id;
    if (!id) {
      log.debug('callback task already exists');
      return null;
    }
    const task = await this.taskDto(id);
    const reason = call.disposition === 'missed' ? 'missed-call' : 'abandoned-call';
    log.info({ taskId: id, assigneeId: task.assigneeId, queue: call.queue, reason }, 'callback task created');
    return { task, reason };
  }

  /**
   * Escalates open callback tasks that are `escalateMinutes` past due. Safe to run on every node at once:
   * the UPDATE claims rows (SKIP LOCKED) and re-checks `escalated_at IS NULL`, so each task escalates once.
   */
  async escalateDue(now: Date = new Date()): Promise<TaskDto[]> {
    const escalated = await this.dataSource.transaction(async (em) => {
      const rows: { id: string; assignee_id: string | null; call_id: string | null; due_at: Date }[] = await em.query(
        `WITH claimed AS (UPDATE tasks SET escalated_at = $2, updated_at = now()
         WHERE id IN (
           SELECT id FROM tasks
           WHERE kind = 'callback' AND done_at IS NULL AND escalated_at IS NULL
             AND due_at + make_interval(mins => $1) <= $2
           ORDER BY due_at LIMIT ${ESCALATION_BATCH} FOR UPDATE SKIP LOCKED)
         AND escalated_at IS NULL
         RETURNING id, assignee_id, call_id, due_at)
         SELECT * FROM claimed`,
        [this.deps.config.escalateMinutes, now],
      );
      for (const row of rows) {
        await em.query(
          `INSERT INTO audit_log (actor_id, action, entity, entity_id, details) VALUES (NULL, $1, 'task', $2, $3)`,
          [
            'callback.escalated',
            row.id,
            JSON.stringify({ callId: row.call_id, assigneeId: row.assignee_id, dueAt: row.due_at, to: 'supervisor' }),
          ],
        );
      }
      return rows;
    });
    const tasks: TaskDto[] = [];
    for (const row of escalated) {
      const task = await this.taskDto(row.id);
      tasks.push(task);
      this.deps.logger.warn({ taskId: row.id, callId: row.call_id, assigneeId: row.assignee_id }, 'callback escalated');
      this.notifier?.emitToRole('supervisor', 'task:assigned', { task, reason: 'escalation' });
      await this.events.publish({ type: 'task.escalated', key: task.id, occurredAt: now, data: { task } });
    }
    return tasks;
  }

  /**
   * A website visitor's "call me back" that could not ring now (the queue is closed, or nobody answered in time): a
   * callback task due when the queue opens, for the client's owner, else for the queue (supervisors dispatch).
   */
  async scheduleRequest(r: {
    title: string;
    dueAt: Date;
    queue: string;
    assigneeId: string | null;
    entityType: 'lead' | 'contact';
    entityId: string;
  }): Promise<TaskDto> {
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO tasks (title, kind, due_at, assignee_id, created_by_id, entity_type, entity_id, call_id, queue)
       VALUES ($1, 'callback', $2, $3, NULL, $4, $5, NULL, $6) RETURNING id`,
      [r.title, r.dueAt, r.assigneeId, r.entityType, r.entityId, r.assigneeId ? null : r.queue],
    );
    const task = await this.taskDto(rows[0]!.id);
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

  private async taskDto(id: string): Promise<TaskDto> {
    return toTaskDto(await this.dataSource.getRepository(TaskEntity).findOneByOrFail({ id }));
  }
}
