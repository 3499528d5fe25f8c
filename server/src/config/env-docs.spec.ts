import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { ENV_TABLE_END, ENV_TABLE_START, renderEnvTable, withEnvTable } from '@server/config/env-docs';
import { envSchema } from '@server/config/env';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('the configuration table of server/README.md', () => {
  it('is the one rendered from env.ts (run `npm run docs:config` after changing a variable)', () => {
    expect(withEnvTable(readme)).toBe(readme);
  });

  it('has one row per variable of the schema', () => {
    const table = renderEnvTable();
    for (const name of Object.keys(envSchema.shape)) expect(table).toContain(`| \`${name}\` |`);
    expect(table.split('\n')).toHaveLength(Object.keys(envSchema.shape).length + 2);
  });

  it('shows the schema default, or the documented one where it is computed', () => {
    const table = renderEnvTable();
    expect(table).toContain('| `PORT` | `3000` |');
    expect(table).toContain('| `SEED_DEMO` | `false` |');
    expect(table).toContain('| `DATABASE_URL` | — |');
    expect(table).toContain('| `RECORDINGS_DIR` | `DATA_DIR/recordings` |');
  });

  it('refuses a README without the markers rather than appending a second table', () => {
    expect(() => withEnvTable('# no table')).toThrow(ENV_TABLE_START);
    expect(withEnvTable(`a\n${ENV_TABLE_START}\nold\n${ENV_TABLE_END}\nb`)).toContain(`\n${renderEnvTable()}\n`);
  });
});
