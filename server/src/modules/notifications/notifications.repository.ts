import { type DataSource } from 'typeorm';

import { type NotificationDto, type NotificationEntityType, type NotificationKind } from '@contracts/dto/notification';

/** One notification to store; the recipient is `userId`. */
export interface NotificationDraft {
  userId: string;
  kind: NotificationKind;
  entityType: NotificationEntityType;
  entityId: string;
  params: Record<string, string>;
  actorId: string | null;
}

interface NotificationRow {
  id: string;
  user_id: string;
  kind: NotificationKind;
  entity_type: NotificationEntityType;
  entity_id: string;
  params: Record<string, string>;
  actor_id: string | null;
  read_at: Date | null;
  created_at: Date;
}

const COLUMNS = 'id, user_id, kind, entity_type, entity_id, params, actor_id, read_at, created_at';

/** The only writer of `notifications`. */
export class NotificationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(drafts: NotificationDraft[]): Promise<(NotificationDto & { userId: string })[]> {
    if (drafts.length === 0) return [];
    const rows: NotificationRow[] = await this.dataSource.query(
      `INSERT INTO notifications (user_id, kind, entity_type, entity_id, params, actor_id)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::jsonb[], $6::uuid[])
       RETURNING ${COLUMNS}`,
      [
        drafts.map((d) => d.userId),
        drafts.map((d) => d.kind),
        drafts.map((d) => d.entityType),
        drafts.map((d) => d.entityId),
        drafts.map((d) => JSON.stringify(d.params)),
        drafts.map((d) => d.actorId),
      ],
    );
    return rows.map((r) => ({ ...toDto(r), userId: r.user_id }));
  }

  async page(
    userId: string,
    q: { unreadOnly: boolean; limit: number; offset: number },
  ): Promise<{ items: NotificationDto[]; total: number; unread: number }> {
    const only = q.unreadOnly ? 'AND read_at IS NULL' : '';
    const [rows, counts]: [NotificationRow[], { total: number; unread: number }[]] = await Promise.all([
      this.dataSource.query(
        `SELECT ${COLUMNS} FROM notifications WHERE user_id = $1 ${only}
         ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`,
        [userId, q.limit, q.offset],
      ),
      this.dataSource.query(
        `SELECT count(*) FILTER (WHERE true ${only})::int AS total,
                count(*) FILTER (WHERE read_at IS NULL)::int AS unread
         FROM notifications WHERE user_id = $1`,
        [userId],
      ),
    ]);
    return { items: rows.map(toDto), total: counts[0]!.total, unread: counts[0]!.unread };
  }

  async unreadCount(userId: string): Promise<number> {
    const rows: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL`,
      [userId],
    );
    return rows[0]!.n;
  }

  /** False when the user has no such notification. Marking a read one again keeps its first read time. */
  async markRead(userId: string, id: string): Promise<boolean> {
    return (
      (await this.count(
        `UPDATE notifications SET read_at = COALESCE(read_at, now()) WHERE id = $1 AND user_id = $2 RETURNING id`,
        [id, userId],
      )) > 0
    );
  }

  async markAllRead(userId: string): Promise<number> {
    return this.count(`UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL RETURNING id`, [
      userId,
    ]);
  }

  /** Rows an UPDATE … RETURNING touched (TypeORM answers an UPDATE with [rows, count], hence the CTE). */
  private async count(update: string, params: unknown[]): Promise<number> {
    const rows: { n: number }[] = await this.dataSource.query(
      `WITH touched AS (${update}) SELECT count(*)::int AS n FROM touched`,
      params,
    );
    return rows[0]!.n;
  }
}

const toDto = (r: NotificationRow): NotificationDto => ({
  id: r.id,
  kind: r.kind,
  entityType: r.entity_type,
  entityId: r.entity_id,
  params: r.params,
  actorId: r.actor_id,
  readAt: r.read_at ? r.read_at.toISOString() : null,
  createdAt: r.created_at.toISOString(),
});
