import { AppError } from '@server/common/errors/app-error';

export type DealsErrorCode = 'DEAL_NOT_FOUND' | 'LINKED_ENTITY_NOT_FOUND';

function message(code: DealsErrorCode): string {
  switch (code) {
    case 'DEAL_NOT_FOUND':
      return 'Deal not found';
    case 'LINKED_ENTITY_NOT_FOUND':
      return 'The contact, company or owner does not exist';
  }
}

/** `field` names the body field whose reference failed. */
export const dealsError = (code: DealsErrorCode, field?: string) =>
  new AppError(code, code === 'DEAL_NOT_FOUND' ? 404 : 400, message(code), { details: field ? { field } : undefined });
