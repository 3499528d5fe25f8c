import { AppError } from '@server/common/errors/app-error';

export type ContactsErrorCode = 'CONTACT_NOT_FOUND' | 'COMPANY_NOT_FOUND' | 'USER_NOT_FOUND';

function message(code: ContactsErrorCode): string {
  switch (code) {
    case 'CONTACT_NOT_FOUND':
      return 'Contact not found';
    case 'COMPANY_NOT_FOUND':
      return 'The company does not exist';
    case 'USER_NOT_FOUND':
      return 'The owner does not exist';
  }
}

/** `field` names the body field whose reference failed. */
export const contactsError = (code: ContactsErrorCode, field?: string) =>
  new AppError(code, code === 'CONTACT_NOT_FOUND' ? 404 : 400, message(code), {
    details: field ? { field } : undefined,
  });
