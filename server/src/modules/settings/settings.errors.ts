import { AppError } from '@server/common/errors/app-error';

export type SettingsErrorCode = 'VALIDATION_FAILED';

function message(code: SettingsErrorCode): string {
  switch (code) {
    case 'VALIDATION_FAILED':
      return 'Invalid setting';
  }
}

/** A value the request schema cannot judge alone (a country libphonenumber has no plan for). */
export const settingsError = (code: SettingsErrorCode, field: string, why: string) =>
  new AppError(code, 400, `${message(code)}: ${field}`, { details: [{ field, message: why }] });
