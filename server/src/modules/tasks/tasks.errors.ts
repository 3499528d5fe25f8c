import { AppError } from '@server/common/errors/app-error';

export type TasksErrorCode = 'TASK_NOT_FOUND' | 'LINKED_ENTITY_NOT_FOUND';

function message(code: TasksErrorCode): string {
  switch (code) {
    case 'TASK_NOT_FOUND':
      return 'Task not found';
    case 'LINKED_ENTITY_NOT_FOUND':
      return 'The linked record does not exist';
  }
}

export const tasksError = (code: TasksErrorCode) =>
  new AppError(code, code === 'TASK_NOT_FOUND' ? 404 : 400, message(code));
