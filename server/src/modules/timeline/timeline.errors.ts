import { AppError } from '@server/common/errors/app-error';

export type TimelineErrorCode =
  'TIMELINE_CURSOR_INVALID' | 'CONTACT_NOT_FOUND' | 'COMPANY_NOT_FOUND' | 'LEAD_NOT_FOUND';

function message(code: TimelineErrorCode): string {
  switch (code) {
    case 'TIMELINE_CURSOR_INVALID':
      return 'The cursor is not one this timeline gave out (another record, or damaged)';
    case 'CONTACT_NOT_FOUND':
      return 'Contact not found';
    case 'COMPANY_NOT_FOUND':
      return 'Company not found';
    case 'LEAD_NOT_FOUND':
      return 'Lead not found';
  }
}

const STATUS: Record<TimelineErrorCode, number> = {
  TIMELINE_CURSOR_INVALID: 400,
  CONTACT_NOT_FOUND: 404,
  COMPANY_NOT_FOUND: 404,
  LEAD_NOT_FOUND: 404,
};

export const timelineError = (code: TimelineErrorCode, details?: unknown) =>
  new AppError(code, STATUS[code], message(code), { details });
