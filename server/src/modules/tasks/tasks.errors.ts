import { AppError } from '@server/common/errors/app-error';

export type TasksErrorCode = 'TASK_NOT_FOUND' | 'LINKED_ENTITY_NOT_FOUND' | 'FORBIDDEN' | 'USER_NOT_FOUND';

function message(code: TasksErrorCode): string {
  switch (code) {
    case 'TASK_NOT_FOUND':
      return 'Task not found';
    case 'LINKED_ENTITY_NOT_FOUND':
      return 'The linked record does not exist';
    case 'FORBIDDEN':
      return 'Operators may assign tasks only to themselves';
    case 'USER_NOT_FOUND':
      return 'The assignee does not exist or is not active';
  }
}

const STATUS: Record<TasksErrorCode, number> = {
  TASK_NOT_FOUND: 404,
  LINKED_ENTITY_NOT_FOUND: 400,
  FORBIDDEN: 403,
  USER_NOT_FOUND: 400,
};

/** `field` names the body field at fault. */
export const tasksError = (code: TasksErrorCode, field?: string) =>
  new AppError(code, STATUS[code], message(code), { details: field ? { field } : undefined });
