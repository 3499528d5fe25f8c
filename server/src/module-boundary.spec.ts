import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = readFileSync(`${root}/test/fixtures/module-boundary/wrong-import.ts`, 'utf8');

/**
 * The project's own eslint.config.js, only the import rule: the fixture as if it were a file of module `own`. That file
 * does not exist, so the type-aware parser setup is off (the import rule needs no types).
 */
async function importErrors(own: string) {
  const eslint = new ESLint({
    cwd: root,
    ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
    overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
  });
  const [result] = await eslint.lintText(fixture, {
    filePath: `${root}/server/src/modules/${own}/boundary-fixture.ts`,
  });
  return result!.messages.map((m) => ({ line: m.line, rule: m.ruleId, message: m.message }));
}

describe('module boundary lint (eslint.config.js)', () => {
  it("refuses another module's internals and allows its service, types, read models, common/ and its own files", async () => {
    expect(await importErrors('calls')).toEqual([
      {
        line: 4,
        rule: 'no-restricted-imports',
        message: expect.stringContaining("'@server/modules/users/users.repository' import is restricted"),
      },
    ]);
  }, 60_000);

  it("lets a module import its own internals (the same file inside users/ passes; calls' repository is then foreign)", async () => {
    expect(await importErrors('users')).toEqual([
      expect.objectContaining({ line: 3, message: expect.stringContaining('calls.repository') }),
    ]);
  }, 60_000);
});
