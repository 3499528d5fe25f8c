import { type TFunction } from 'i18next';

import { ApiError, NETWORK_ERROR } from '@client/api/http';

/** Codes the client raises itself, besides the server's ERROR_CODES. */
const ALIASES: Record<string, string> = { [NETWORK_ERROR]: 'NETWORK' };

/** Localized text for any thrown value; never the server's `message`, which may be technical or English-only. */
export function errorText(t: TFunction, error: unknown): string {
  if (!(error instanceof ApiError)) return t('errors.UNKNOWN');
  const code = ALIASES[error.code] ?? error.code;
  const key = `errors.${code}`;
  if (t(key, { defaultValue: '' })) return t(key);
  if (error.status === 401) return t('errors.UNAUTHENTICATED');
  if (error.status === 403) return t('errors.FORBIDDEN');
  if (error.status === 404) return t('errors.NOT_FOUND');
  if (error.status === 409) return t('errors.CONFLICT');
  if (error.status === 400 || error.status === 422) return t('errors.VALIDATION_FAILED');
  if (error.status === 429) return t('errors.RATE_LIMITED');
  if (error.status >= 500) return t('errors.INTERNAL');
  return t('errors.UNKNOWN');
}
