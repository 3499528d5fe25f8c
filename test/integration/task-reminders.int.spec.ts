import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type TaskDto } from '@contracts/dto/task';
import { startTaskReminderJob } from '@server/modules/tasks/task-reminder.job';
import { ApiClient } from '@test/support/api-client';
import {
  type SeededUser,
  type TestApp,
  TEST_PASSWORD,
  createUser,
  deleteUsers,
  startTestApp,
  suitePrefix,
} from '@test/support/api-server';
import { openSocket } from '@test/support/web-node';

/**
 * Task due reminders (issue #12): a task's assignee is told once, `TASK_REMINDER_LEAD_MINUTES` before it is due,
 * whichever of several nodes runs the job; moving the due time reminds again; done and unassigned tasks never.
 */
describe('task due reminders', () => {
  let t: TestApp;
  let op: SeededUser;
  let sup: SeededUser;
  const api: Record<string, ApiClient> = {};
  const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

  beforeAll(async () => {
    t = await startTestApp({ taskReminders: { leadMinutes: 10, intervalSeconds: 3600 } });
    const p = suitePrefix('remind');
    op = await createUser(t.dataSource, `${p}-op`, 'operator');
    sup = await createUser(t.dataSource, `${p}-sup`, 'supervisor');
    for (const u of [op, sup]) {
      api[u.id] = new ApiClient(t.baseUrl);
      await api[u.id]!.login(u.login, TEST_PASSWORD);
    }
  });
  afterAll(async () => {
    await deleteUsers(t.dataSource, [op.id, sup.id]);
    await t.close();
  });

  const mine = async () =>
    (
      (await t.dataSource.query('SELECT id FROM tasks WHERE assignee_id = $1 AND reminded_at IS NOT NULL', [
        op.id,
      ])) as { id: string }[]
    ).map((r) => r.id);

  it('reminds the assignee once, over the socket, for tasks due within the lead time only', async () => {
    const soon = (await api[op.id]!.post('/api/tasks', { title: 'Скоро', dueAt: inMinutes(5) })).body as TaskDto;
    const later = (await api[op.id]!.post('/api/tasks', { title: 'Потом', dueAt: inMinutes(60) })).body as TaskDto;
    const done = (await api[op.id]!.post('/api/tasks', { title: 'Сделано', dueAt: inMinutes(1) })).body as TaskDto;
    await api[op.id]!.patch(`/api/tasks/${done.id}`, { done: true });
    const queue = (await api[sup.id]!.post('/api/tasks', { title: 'Ничья', dueAt: inMinutes(1), assigneeId: null }))
      .body as TaskDto;
    expect(queue.assigneeId).toBeNull();

    const socket = await openSocket(t.baseUrl, api[op.id]!.cookie);
    const heard: TaskDto[] = [];
    socket.on('task:due', ({ task }) => heard.push(task));
    try {
      // Two nodes' jobs at once: each task is claimed by exactly one of them.
      const jobs = [t.node.taskReminders, t.node.taskReminders].map(() =>
        startTaskReminderJob({
          tasks: t.services.tasks,
          leadMinutes: 10,
          intervalMs: 3_600_000,
          listeners: [(task) => t.node.realtime.emitToUser(task.assigneeId, 'task:due', { task })],
          logger: t.node.logger,
        }),
      );
      await Promise.all(jobs.map((j) => j.runOnce()));
      await Promise.all(jobs.map((j) => j.stop()));
      expect(await mine()).toEqual([soon.id]);
      await expect.poll(() => heard.map((h) => h.id)).toEqual([soon.id]);
      expect(heard[0]).toMatchObject({ id: soon.id, title: 'Скоро', assigneeId: op.id });
      expect(await t.node.taskReminders.runOnce()).toBe(0);
      expect(later.id).toBeTruthy();
    } finally {
      socket.close();
    }
  });

  it('a new due time reminds again; the same due time does not', async () => {
    const task = (await api[op.id]!.post('/api/tasks', { title: 'Перенос', dueAt: inMinutes(2) })).body as TaskDto;
    expect(await t.node.taskReminders.runOnce()).toBe(1);
    await api[op.id]!.patch(`/api/tasks/${task.id}`, { dueAt: task.dueAt, title: 'Перенос (тот же срок)' });
    expect(await t.node.taskReminders.runOnce()).toBe(0);
    await api[op.id]!.patch(`/api/tasks/${task.id}`, { dueAt: inMinutes(8) });
    expect(await t.node.taskReminders.runOnce()).toBe(1);
  });
});
