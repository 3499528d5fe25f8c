import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Messages in a fixture file are separated by this line (never part of a SIP message). */
export const FIXTURE_SEPARATOR = '\r\n=====8<=====\r\n';

/** The SIP requests SIPp sent as the trunk in one recorded scenario, in order. */
export function loadSipFixture(name: string): string[] {
  const text = readFileSync(join(process.cwd(), 'test/fixtures/sip', `sipp-${name}.txt`), 'utf8');
  return text.split(FIXTURE_SEPARATOR).filter((m) => m.trim() !== '');
}
