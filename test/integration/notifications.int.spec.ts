import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type NotificationDto, type NotificationPageDto } from '@contracts/dto/notification';
import { ApiClient } from '@test/support/api-client';
import { createUser, deleteUsers, suitePrefix, TEST_PASSWORD, type SeededUser } from '@test/support/api-server';
import { waitFor } from '@test/support/services/ports';
import { connectOperator, type Received, type WebNode, startWebNode } from '@test/support/web-node';

type NewNotification = { notification: NotificationDto; unread: number };

// Two web nodes on one Redis (the Socket.IO redis-streams adapter) and the real Postgres: a supervisor's request on
// node A stores a notification for an operator whose socket is on node B; the push crosses nodes once, and a user
// who was offline finds everything in the list at the next login.
describe('notifications across two web nodes', () => {
  let a: WebNode;
  let b: WebNode;
  let operator: SeededUser;
  let offline: SeededUser;
  let supervisor: SeededUser;
  let supOnA: ApiClient;
  let onB: Received[];
  const closers: (() => void)[] = [];
  const prefix = suitePrefix('notify');

  beforeAll(async () => {
    [a, b] = (await Promise.all(['A', 'B'].map((name) => startWebNode({ name, redis: true })))) as [WebNode, WebNode];
    operator = await createUser(a.dataSource, `${prefix}-op`, 'operator');
    offline = await createUser(a.dataSource, `${prefix}-away`, 'operator');
    supervisor = await createUser(a.dataSource, `${prefix}-sup`, 'supervisor');
    const op = await connectOperator(b.baseUrl, operator.login);
    closers.push(() => op.socket.close());
    onB = op.received;
    supOnA = new ApiClient(a.baseUrl);
    expect((await supOnA.login(supervisor.login, TEST_PASSWORD)).status).toBe(200);
  });
  afterAll(async () => {
    for (const close of closers) close();
    await deleteUsers(a.dataSource, [operator.id, offline.id, supervisor.id]);
    await Promise.all([a, b].map((n) => n?.close()));
  });

  const pushes = () => onB.filter((r) => r.event === 'notification:new').map((r) => r.payload as NewNotification);
  const pushed = async (entityId: string) => {
    await waitFor(async () => pushes().some((p) => p.notification.entityId === entityId), {
      what: `notification:new about ${entityId} on node B`,
      timeoutMs: 10_000,
    });
    // Anything duplicated by the adapter would have arrived by the time the list is read below.
    return pushes().filter((p) => p.notification.entityId === entityId);
  };

  it('a task a supervisor gives on node A reaches the operator on node B once, stored and unread', async () => {
    const made = await supOnA.post('/api/tasks', { title: `${prefix} call the bank`, assigneeId: operator.id });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const got = await pushed(made.body.id);
    const opOnB = new ApiClient(b.baseUrl);
    await opOnB.login(operator.login, TEST_PASSWORD);
    const list = await opOnB.get<NotificationPageDto>('/api/notifications');
    expect(list.status).toBe(200);
    expect(got).toHaveLength(1);
    expect(got[0]!.notification).toMatchObject({
      kind: 'task-assigned',
      entityType: 'task',
      entityId: made.body.id,
      params: { name: `${prefix} call the bank`, reason: 'assigned' },
      actorId: supervisor.id,
      readAt: null,
    });
    expect(got[0]!.unread).toBe(1);
    expect(list.body.items.map((n) => n.id)).toEqual([got[0]!.notification.id]);
    expect(list.body.unread).toBe(1);
  });

  it("reassigning a contact and moving the operator's deal notify them; what they do themselves does not", async () => {
    const contact = await supOnA.post('/api/contacts', { name: `${prefix} Ёлкина`, phones: [] });
    expect(contact.status).toBe(201);
    expect((await supOnA.post(`/api/contacts/${contact.body.id}/reassign`, { userId: operator.id })).status).toBe(200);
    const reassigned = await pushed(contact.body.id);
    expect(reassigned.map((p) => [p.notification.kind, p.notification.params.name])).toEqual([
      ['record-reassigned', `${prefix} Ёлкина`],
    ]);

    const pipelines = await supOnA.get('/api/pipelines');
    const stages = (pipelines.body.items ?? pipelines.body)[0].stages as { key: string; kind: string }[];
    const [first, second] = stages.filter((s) => s.kind === 'open');
    const deal = await supOnA.post('/api/deals', { title: `${prefix} deal`, ownerId: operator.id, stage: first!.key });
    expect(deal.status, JSON.stringify(deal.body)).toBe(201);
    expect((await supOnA.patch(`/api/deals/${deal.body.id}`, { stage: second!.key })).status).toBe(200);
    const moved = await pushed(deal.body.id);
    expect(moved.map((p) => p.notification)).toMatchObject([
      { kind: 'deal-stage-changed', params: { name: `${prefix} deal`, from: first!.key, to: second!.key } },
    ]);

    // The operator's own task for themselves tells nobody.
    const opOnA = new ApiClient(a.baseUrl);
    await opOnA.login(operator.login, TEST_PASSWORD);
    const own = await opOnA.post('/api/tasks', { title: `${prefix} my own` });
    expect(own.status).toBe(201);
    const rows = await a.dataSource.query('SELECT 1 FROM notifications WHERE entity_id = $1', [own.body.id]);
    expect(rows).toEqual([]);
    await a.dataSource.query('DELETE FROM contacts WHERE id = $1', [contact.body.id]);
  });

  it('a user who was offline finds everything at the next login, paged newest first, and marks it read', async () => {
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const made = await supOnA.post('/api/tasks', { title: `${prefix} away ${n}`, assigneeId: offline.id });
      expect(made.status).toBe(201);
      ids.push(made.body.id);
    }
    const away = new ApiClient(b.baseUrl);
    await away.login(offline.login, TEST_PASSWORD);
    const first = await away.get<NotificationPageDto>('/api/notifications?limit=2');
    const rest = await away.get<NotificationPageDto>('/api/notifications?limit=2&offset=2');
    expect([first.body.total, first.body.unread]).toEqual([3, 3]);
    expect([...first.body.items, ...rest.body.items].map((n) => n.entityId)).toEqual([...ids].reverse());

    const one = first.body.items[0]!;
    expect((await away.post(`/api/notifications/${one.id}/read`)).status).toBe(204);
    // Someone else's notification does not exist for them.
    const other = await supOnA.post(`/api/notifications/${one.id}/read`);
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('NOTIFICATION_NOT_FOUND');
    expect((await away.post('/api/notifications/not-an-id/read')).status).toBe(400);
    expect((await away.get('/api/notifications?limit=0')).body.error.code).toBe('VALIDATION_FAILED');
    const unread = await away.get<NotificationPageDto>('/api/notifications?unread=true');
    expect([unread.body.total, unread.body.unread]).toEqual([2, 2]);
    expect(unread.body.items.every((n) => n.readAt === null)).toBe(true);

    expect((await away.post('/api/notifications/read-all')).body).toEqual({ marked: 2 });
    expect((await away.get<NotificationPageDto>('/api/notifications')).body.unread).toBe(0);
  });
});
