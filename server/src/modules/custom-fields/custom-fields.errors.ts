import { AppError } from '@server/common/errors/app-error';

export type CustomFieldsErrorCode =
  'CUSTOM_FIELD_NOT_FOUND' | 'CUSTOM_FIELD_KEY_TAKEN' | 'CUSTOM_FIELD_KEY_RESERVED' | 'CONFLICT';

function message(code: CustomFieldsErrorCode): string {
  switch (code) {
    case 'CUSTOM_FIELD_NOT_FOUND':
      return 'Custom field not found';
    case 'CUSTOM_FIELD_KEY_TAKEN':
      return 'A field of this record type already has this key (a removed one keeps it until purged)';
    case 'CUSTOM_FIELD_KEY_RESERVED':
      return 'The key is a built-in field of this record type';
    case 'CONFLICT':
      return 'Only a removed field can be purged';
  }
}

const STATUS: Record<CustomFieldsErrorCode, number> = {
  CUSTOM_FIELD_NOT_FOUND: 404,
  CUSTOM_FIELD_KEY_TAKEN: 409,
  CUSTOM_FIELD_KEY_RESERVED: 400,
  CONFLICT: 409,
};

export const customFieldsError = (code: CustomFieldsErrorCode) =>
  new AppError(code, STATUS[code], message(code), {
    details: code === 'CUSTOM_FIELD_KEY_RESERVED' || code === 'CUSTOM_FIELD_KEY_TAKEN' ? { field: 'key' } : undefined,
  });
