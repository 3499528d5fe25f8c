import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiClient } from '@test/support/api-client';
import {
  createUser,
  deleteUsers,
  startTestApp,
  suitePrefix,
  TEST_PASSWORD,
  type SeededUser,
  type TestApp,
} from '@test/support/api-server';

/**
 * Issue #21 item 13a: an operator could create tasks assigned to anybody (and so push work, and notifications, onto
 * other users). Operators assign only themselves; supervisors, managers and admins assign any active user.
 */
describe('security: who may be assigned a task', () => {
  let t: TestApp;
  let op: SeededUser;
  let other: SeededUser;
  let gone: SeededUser;
  let sup: SeededUser;
  const clients = new Map<string, ApiClient>();
  const as = (u: SeededUser) => clients.get(u.id)!;

  beforeAll(async () => {
    t = await startTestApp();
    const prefix = suitePrefix('assign');
    op = await createUser(t.dataSource, `${prefix}-op`, 'operator');
    other = await createUser(t.dataSource, `${prefix}-op2`, 'operator');
    gone = await createUser(t.dataSource, `${prefix}-gone`, 'operator');
    sup = await createUser(t.dataSource, `${prefix}-sup`, 'supervisor');
    for (const u of [op, sup]) {
      const c = new ApiClient(t.baseUrl);
      await c.login(u.login, TEST_PASSWORD);
      clients.set(u.id, c);
    }
    await t.dataSource.query('UPDATE users SET active = false WHERE id = $1', [gone.id]);
  });
  afterAll(async () => {
    await deleteUsers(t.dataSource, [op.id, other.id, gone.id, sup.id]);
    await t.close();
  });

  const assignedTo = async (userId: string) =>
    Number(
      (await t.dataSource.query('SELECT count(*) AS n FROM tasks WHERE assignee_id = $1', [userId]))[0].n as string,
    );

  it('an operator may not create a task for another user (403 naming the field); nothing is stored', async () => {
    for (const assigneeId of [other.id, sup.id, null]) {
      const res = await as(op).post('/api/tasks', { title: 'Do my work', assigneeId });
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ code: 'FORBIDDEN', details: { field: 'assigneeId' } });
    }
    expect(await assignedTo(other.id)).toBe(0);
    expect(await assignedTo(sup.id)).toBe(0);
  });

  it('an operator may not hand an own task to someone else either', async () => {
    const task = await as(op).post('/api/tasks', { title: 'Mine' });
    expect(task.status).toBe(201);
    const res = await as(op).patch(`/api/tasks/${task.body.id}`, { assigneeId: other.id });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'FORBIDDEN', details: { field: 'assigneeId' } });
    expect((await as(op).get(`/api/tasks/${task.body.id}`)).body.assigneeId).toBe(op.id);
  });

  it('an operator may assign themselves, by default or by id', async () => {
    expect((await as(op).post('/api/tasks', { title: 'Default' })).body.assigneeId).toBe(op.id);
    const explicit = await as(op).post('/api/tasks', { title: 'Explicit', assigneeId: op.id });
    expect(explicit.status).toBe(201);
    expect(explicit.body.assigneeId).toBe(op.id);
  });

  it('a supervisor assigns any active user, but not an inactive or unknown one', async () => {
    const ok = await as(sup).post('/api/tasks', { title: 'For the operator', assigneeId: other.id });
    expect(ok.status).toBe(201);
    expect(ok.body.assigneeId).toBe(other.id);

    const inactive = await as(sup).post('/api/tasks', { title: 'For a leaver', assigneeId: gone.id });
    expect(inactive.status).toBe(400);
    expect(inactive.body.error).toMatchObject({ code: 'USER_NOT_FOUND', details: { field: 'assigneeId' } });
    // Handing an existing task over is a reassignment (issue #12): an inactive user is a conflict.
    const patch = await as(sup).patch(`/api/tasks/${ok.body.id}`, { assigneeId: gone.id });
    expect(patch.status).toBe(409);
    expect(patch.body.error).toMatchObject({ code: 'USER_INACTIVE', details: { field: 'assigneeId' } });
    expect(await assignedTo(gone.id)).toBe(0);
  });
});
