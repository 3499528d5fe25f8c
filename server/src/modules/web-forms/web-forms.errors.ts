import { AppError } from '@server/common/errors/app-error';

export type WebFormsErrorCode = 'FORM_NOT_FOUND' | 'ORIGIN_NOT_ALLOWED' | 'VALIDATION_FAILED' | 'RATE_LIMITED';

function message(code: WebFormsErrorCode): string {
  switch (code) {
    case 'FORM_NOT_FOUND':
      return 'No such form, or it is switched off';
    case 'ORIGIN_NOT_ALLOWED':
      return 'This site may not post the form';
    case 'VALIDATION_FAILED':
      return 'Invalid phone';
    case 'RATE_LIMITED':
      return 'Too many submissions, try again later';
  }
}

const STATUS: Record<WebFormsErrorCode, number> = {
  FORM_NOT_FOUND: 404,
  ORIGIN_NOT_ALLOWED: 403,
  VALIDATION_FAILED: 400,
  RATE_LIMITED: 429,
};

export const webFormsError = (code: WebFormsErrorCode, details?: unknown) =>
  new AppError(code, STATUS[code], message(code), { details });
