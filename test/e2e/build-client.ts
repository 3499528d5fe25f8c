import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Vitest globalSetup of the e2e run: one production build of the client into dist/client (exactly what the quick
 * start serves), before any spec. The specs only read it, so one build serves them all.
 */
export default async function buildClient(): Promise<void> {
  const vite = join(repoRoot, 'node_modules/.bin/vite');
  await promisify(execFile)(vite, ['build', '--logLevel', 'warn'], { cwd: repoRoot, timeout: 120_000 });
  if (!existsSync(join(repoRoot, 'dist/client/index.html'))) throw new Error('vite build produced no index.html');
}
