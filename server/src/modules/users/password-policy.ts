import { dictionary } from '@zxcvbn-ts/language-common';

import { MIN_PASSWORD_LENGTH, type PasswordProblem } from '@contracts/dto/user';

/**
 * The common-passwords list of zxcvbn-ts (49k passwords from public breach corpora, shipped in its npm package as
 * data), lower-cased. Loaded once per process (~2 MB).
 */
const COMMON = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));

/**
 * Why a new password is refused, or null. Rules: at least MIN_PASSWORD_LENGTH characters; not a common password
 * (case-insensitive; also with trailing digits or punctuation removed, so "qwertyuiop1!" counts as "qwertyuiop");
 * not containing the login. Login throttling is what stops guessing; these rules stop the guesses that work.
 */
export function passwordProblem(password: string, login: string): PasswordProblem | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return 'too-short';
  const lower = password.toLowerCase();
  if (COMMON.has(lower) || COMMON.has(lower.replace(/[\d\W_]+$/u, ''))) return 'too-common';
  if (login.length >= 3 && lower.includes(login.toLowerCase())) return 'contains-login';
  return null;
}
