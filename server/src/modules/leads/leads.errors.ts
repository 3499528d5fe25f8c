import { AppError } from '@server/common/errors/app-error';

export type LeadsErrorCode =
  'LEAD_NOT_FOUND' | 'LEAD_ALREADY_OPEN' | 'LEAD_ALREADY_CONVERTED' | 'LINKED_ENTITY_NOT_FOUND' | 'VALIDATION_FAILED';

function message(code: LeadsErrorCode, details: unknown): string {
  switch (code) {
    case 'LEAD_NOT_FOUND':
      return 'Lead not found';
    case 'LEAD_ALREADY_OPEN':
      return (details as { visible?: boolean } | undefined)?.visible === false
        ? 'An open lead for this phone number exists, but it is not visible to you'
        : 'An open lead for this phone number already exists';
    case 'LEAD_ALREADY_CONVERTED':
      return 'This lead has been converted already';
    case 'LINKED_ENTITY_NOT_FOUND':
      return 'The linked contact does not exist';
    case 'VALIDATION_FAILED':
      return 'Invalid phone';
  }
}

const STATUS: Record<LeadsErrorCode, number> = {
  LEAD_NOT_FOUND: 404,
  LEAD_ALREADY_OPEN: 409,
  LEAD_ALREADY_CONVERTED: 409,
  LINKED_ENTITY_NOT_FOUND: 400,
  VALIDATION_FAILED: 400,
};

export const leadsError = (code: LeadsErrorCode, details?: unknown) =>
  new AppError(code, STATUS[code], message(code, details), { details });
