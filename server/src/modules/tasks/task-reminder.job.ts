import { type Logger } from 'pino';

import { type TaskDto } from '@contracts/dto/task';
import { type TasksService } from '@server/modules/tasks/tasks.service';

/**
 * Told once per task and due time, when it is `leadMinutes` from due (the realtime `task:due` push to the assignee
 * today; the notifications module adds its own). A listener that throws is logged; the reminder is not sent again.
 */
export type TaskReminderListener = (task: TaskDto & { assigneeId: string }) => void | Promise<void>;

export interface TaskReminderJob {
  stop(): Promise<void>;
  /** One pass now (tests; the timer runs the same). */
  runOnce(): Promise<number>;
}

/**
 * Due reminders: every `intervalMs`, the open assigned tasks due within `leadMinutes` that were not reminded of are
 * claimed (`tasks.reminded_at`, one conditional UPDATE, so one node sends each) and the listeners are told. Moving a
 * task's due time clears the mark, so it reminds again. Runs never overlap; `stop` waits for the one in flight.
 */
export function startTaskReminderJob(deps: {
  tasks: Pick<TasksService, 'claimDueReminders'>;
  leadMinutes: number;
  intervalMs: number;
  listeners: TaskReminderListener[];
  logger: Logger;
}): TaskReminderJob {
  let running: Promise<number> | null = null;
  const pass = async (): Promise<number> => {
    const due = await deps.tasks.claimDueReminders(deps.leadMinutes);
    for (const task of due) {
      if (!task.assigneeId) continue;
      for (const listener of deps.listeners) {
        try {
          await listener({ ...task, assigneeId: task.assigneeId });
        } catch (err) {
          deps.logger.warn({ err, taskId: task.id }, 'a task reminder listener failed');
        }
      }
    }
    return due.length;
  };
  const runOnce = (): Promise<number> => {
    running ??= pass().finally(() => {
      running = null;
    });
    return running;
  };
  const timer = setInterval(() => {
    if (running) return;
    runOnce().catch((err: unknown) => deps.logger.error({ err }, 'task reminders failed'));
  }, deps.intervalMs);
  timer.unref();
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
