import { AppError } from '@server/common/errors/app-error';

export type TeamsErrorCode = 'TEAM_NOT_FOUND' | 'TEAM_NAME_TAKEN' | 'TEAM_LEADER_NOT_SUPERVISOR';

function message(code: TeamsErrorCode): string {
  switch (code) {
    case 'TEAM_NOT_FOUND':
      return 'Team not found';
    case 'TEAM_NAME_TAKEN':
      return 'A team with this name exists';
    case 'TEAM_LEADER_NOT_SUPERVISOR':
      return 'A team is led by an active user with the supervisor role';
  }
}

const STATUS: Record<TeamsErrorCode, number> = {
  TEAM_NOT_FOUND: 404,
  TEAM_NAME_TAKEN: 409,
  TEAM_LEADER_NOT_SUPERVISOR: 400,
};

/** `field` names the body field at fault (a team named in a user's body is a 400, not a 404). */
export const teamsError = (code: TeamsErrorCode, field?: string) =>
  new AppError(code, field && code === 'TEAM_NOT_FOUND' ? 400 : STATUS[code], message(code), {
    details: field ? { field } : undefined,
  });
