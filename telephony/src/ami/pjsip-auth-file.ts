import { randomBytes } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';

import { TelephonyError } from '@telephony/errors';
import type { SipCredential } from '@telephony/provider';

// The file is Asterisk configuration: anything outside these would be a way to write other config (a newline, `;`
// starting a comment, `[` a new section), so it is refused rather than escaped.
const USERNAME = /^[A-Za-z0-9_.-]{1,64}$/;
const PASSWORD = /^[A-Za-z0-9_.~+/=-]{12,128}$/;

/**
 * pjsip.conf auth sections, one per credential, sorted by username so the same set always renders the same text
 * (an unchanged set then neither rewrites the file nor reloads res_pjsip). A bad username or password is refused
 * by naming the username only: the password never appears in an error.
 */
export function renderPjsipAuth(credentials: readonly SipCredential[]): string {
  const sorted = [...credentials].sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
  const lines = [
    '; Written by Zvonok (PJSIP_AUTH_FILE) and replaced at every sync: one digest secret per endpoint of each',
    '; active user with an extension. Edits here are lost; rotate a secret in Zvonok instead.',
  ];
  let previous: string | undefined;
  for (const { username, password } of sorted) {
    if (!USERNAME.test(username)) throw invalid(`invalid SIP auth username ${JSON.stringify(username.slice(0, 64))}`);
    if (!PASSWORD.test(password)) throw invalid(`the SIP secret of ${username} has characters pjsip.conf cannot hold`);
    if (username === previous) throw invalid(`two SIP secrets for ${username}`);
    previous = username;
    lines.push('', `[${username}]`, 'type = auth', 'auth_type = userpass', `username = ${username}`);
    lines.push(`password = ${password}`);
  }
  return `${lines.join('\n')}\n`;
}

const invalid = (message: string) => new TelephonyError('ACTION_FAILED', message);

/**
 * Replaces the file atomically (a temporary file in the same directory, then rename), so Asterisk never reads half
 * of it. Mode 0640: Asterisk reads it through its group; nobody else may. Resolves false when it already held
 * exactly `content`.
 */
export async function writeFileIfChanged(file: string, content: string): Promise<boolean> {
  const current = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (current === content) return false;
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, content, { mode: 0o640, flag: 'wx' });
    await rename(temporary, file);
  } catch (err) {
    await unlink(temporary).catch(() => undefined);
    throw new TelephonyError('ACTION_FAILED', `could not write ${file}: ${(err as Error).message}`, false, {
      cause: err,
    });
  }
  return true;
}
