import { AppError } from '@server/common/errors/app-error';

export type ContactsErrorCode =
  | 'CONTACT_NOT_FOUND'
  | 'COMPANY_NOT_FOUND'
  | 'USER_NOT_FOUND'
  | 'CONTACT_MERGE_SELF'
  | 'MERGE_NOT_FOUND'
  | 'MERGE_ALREADY_UNDONE';

function message(code: ContactsErrorCode): string {
  switch (code) {
    case 'CONTACT_NOT_FOUND':
      return 'Contact not found';
    case 'COMPANY_NOT_FOUND':
      return 'The company does not exist';
    case 'USER_NOT_FOUND':
      return 'The owner does not exist';
    case 'CONTACT_MERGE_SELF':
      return 'A contact cannot be merged into itself';
    case 'MERGE_NOT_FOUND':
      return 'No such contact merge';
    case 'MERGE_ALREADY_UNDONE':
      return 'This merge was undone already, or the merged contact exists again';
  }
}

/** `field` names the body field whose reference failed. */
const STATUS: Partial<Record<ContactsErrorCode, number>> = {
  CONTACT_NOT_FOUND: 404,
  MERGE_NOT_FOUND: 404,
  MERGE_ALREADY_UNDONE: 409,
};

export const contactsError = (code: ContactsErrorCode, field?: string) =>
  new AppError(code, STATUS[code] ?? 400, message(code), {
    details: field ? { field } : undefined,
  });
