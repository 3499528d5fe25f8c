import { type LeadDto } from '@contracts/dto/lead';
import { type DealDto } from '@contracts/dto/deal';
import {
  type NotificationDto,
  type NotificationListQuery,
  type NotificationPageDto,
  notificationListQuerySchema,
  type ReadAllResponse,
} from '@contracts/dto/notification';
import { type TaskDto } from '@contracts/dto/task';
import { type RecordReassignedPayload } from '@contracts/socket-events';
import { type DomainEvent, type DomainEventSink } from '@server/common/events/domain-events';
import { type Logger } from '@server/common/logger/logger';
import { type RealtimeSink } from '@server/common/realtime/realtime-sink';

import { notificationsError } from './notifications.errors';
import { type NotificationDraft, type NotificationsRepository } from './notifications.repository';
import { type RecipientsReadModel } from './recipients.read-model';

export interface NotificationsDeps {
  repo: NotificationsRepository;
  recipients: RecipientsReadModel;
  /** `notification:new` to `user:<id>`; with the Redis adapter it reaches the user's sockets on every node. */
  realtime: RealtimeSink;
  logger: Logger;
}

/**
 * What arrived for a user, stored first and pushed second: the push is only the live view of the row, so a user
 * who was offline (or whose socket was between nodes) finds it in `GET /api/notifications` at the next login.
 * It listens to the record modules rather than being called by them: their domain events (a task made for
 * someone, an escalated callback, a lead created for someone, a stage change), their reassignments and the task
 * reminders. Nobody is told of what they did themselves. A failure here is logged and never fails the change.
 */
export class NotificationsService implements DomainEventSink {
  constructor(private readonly deps: NotificationsDeps) {}

  async list(userId: string, query: NotificationListQuery): Promise<NotificationPageDto> {
    const q = notificationListQuerySchema.parse(query);
    const page = await this.deps.repo.page(userId, {
      unreadOnly: q.unread === 'true',
      limit: q.limit,
      offset: q.offset,
    });
    return { ...page, limit: q.limit, offset: q.offset };
  }

  async markRead(userId: string, id: string): Promise<void> {
    if (!(await this.deps.repo.markRead(userId, id))) throw notificationsError('NOTIFICATION_NOT_FOUND');
  }

  async markAllRead(userId: string): Promise<ReadAllResponse> {
    return { marked: await this.deps.repo.markAllRead(userId) };
  }

  /** Stores one row per recipient (not the actor), then pushes each to its recipient with their unread count. */
  async notify(drafts: NotificationDraft[]): Promise<NotificationDto[]> {
    const wanted = drafts.filter((d) => d.userId !== d.actorId);
    const stored = await this.deps.repo.insert(wanted);
    for (const { userId, ...notification } of stored) {
      const unread = await this.deps.repo.unreadCount(userId);
      this.deps.realtime.emitToUser(userId, 'notification:new', { notification, unread });
    }
    return stored;
  }

  /** The record modules' events (a DomainEventSink beside webhooks). */
  async publish(event: DomainEvent): Promise<void> {
    await this.guard(event.type, async () => this.notify(await this.fromEvent(event)));
  }

  /** A record handed to someone else (the Reassigner's listener). */
  readonly onReassigned = async (change: RecordReassignedPayload): Promise<void> => {
    if (!change.toUserId) return;
    const kind =
      change.entityType === 'task'
        ? 'task-assigned'
        : change.entityType === 'lead'
          ? 'lead-assigned'
          : 'record-reassigned';
    await this.guard('reassigned', () =>
      this.notify([
        {
          userId: change.toUserId!,
          kind,
          entityType: change.entityType,
          entityId: change.entityId,
          params: { name: change.name, reason: 'reassigned', entityType: change.entityType },
          actorId: change.byUserId,
        },
      ]),
    );
  };

  /** A task coming due (the reminder job's listener). */
  readonly onTaskDue = async (task: TaskDto): Promise<void> => {
    if (!task.assigneeId) return;
    await this.guard('task-due', () =>
      this.notify([{ ...taskDraft(task, task.assigneeId!), kind: 'task-due', actorId: null }]),
    );
  };

  /** A lead the call pipeline gave an owner nobody chose (the queue's default owner of a call nobody answered). */
  readonly onLeadOwnerGiven = async (lead: LeadDto): Promise<void> => {
    if (!lead.ownerId) return;
    await this.guard('lead-owner', () => this.notify([leadDraft(lead, lead.ownerId!, null)]));
  };

  private async fromEvent(event: DomainEvent): Promise<NotificationDraft[]> {
    const actorId = event.actorId ?? null;
    switch (event.type) {
      case 'task.created': {
        const { task, reason } = event.data as { task: TaskDto; reason?: string };
        const to = task.assigneeId
          ? [task.assigneeId]
          : task.kind === 'callback'
            ? await this.deps.recipients.activeWithRole('supervisor')
            : [];
        const by = actorId ?? task.createdById;
        return to.map((userId) => ({
          ...taskDraft(task, userId),
          kind: 'task-assigned',
          params: { ...taskDraft(task, userId).params, reason: reason ?? 'assigned' },
          actorId: by,
        }));
      }
      case 'task.escalated': {
        const { task } = event.data as { task: TaskDto };
        const to = await this.deps.recipients.activeWithRole('supervisor');
        return to.map((userId) => ({ ...taskDraft(task, userId), kind: 'callback-escalated', actorId: null }));
      }
      case 'lead.created': {
        const { lead } = event.data as { lead: LeadDto };
        return lead.ownerId ? [leadDraft(lead, lead.ownerId, actorId)] : [];
      }
      case 'deal.stage_changed': {
        const { deal, from, to } = event.data as { deal: DealDto; from: string; to: string };
        if (!deal.ownerId) return [];
        return [
          {
            userId: deal.ownerId,
            kind: 'deal-stage-changed',
            entityType: 'deal',
            entityId: deal.id,
            params: { name: deal.title, from, to },
            actorId,
          },
        ];
      }
      default:
        return [];
    }
  }

  private async guard(what: string, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.deps.logger.error({ err, what }, 'notification not stored');
    }
  }
}

const taskDraft = (task: TaskDto, userId: string): Omit<NotificationDraft, 'kind' | 'actorId'> => ({
  userId,
  entityType: 'task',
  entityId: task.id,
  // A callback's stored title is its number; the client words it ("call back …") from the kind and reason.
  params: { name: task.callbackPhone ?? task.title },
});

const leadDraft = (lead: LeadDto, userId: string, actorId: string | null): NotificationDraft => ({
  userId,
  kind: 'lead-assigned',
  entityType: 'lead',
  entityId: lead.id,
  params: { name: lead.name ?? lead.phoneRaw ?? lead.phoneE164 ?? '', reason: 'created' },
  actorId,
});
