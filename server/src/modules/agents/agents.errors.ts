import { AppError } from '@server/common/errors/app-error';

export type AgentsErrorCode = 'AGENT_NOT_FOUND';

function message(code: AgentsErrorCode): string {
  switch (code) {
    case 'AGENT_NOT_FOUND':
      return 'No active user with this id';
  }
}

export const agentsError = (code: AgentsErrorCode) => new AppError(code, 404, message(code));
