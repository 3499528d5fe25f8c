import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('../..', import.meta.url));
const here = (p: string) => fileURLToPath(new URL(p, `file://${root}/`));
// Same aliases as vitest.config.ts (lint forbids importing it via ../, and aliases do not work in config files).
const alias = [
  { find: '@contracts', replacement: here('server/src/contracts') },
  { find: /^@telephony$/, replacement: here('telephony/src/index.ts') },
  { find: /^@telephony\/(.*)$/, replacement: `${here('telephony/src')}/$1` },
  { find: /^@migrations$/, replacement: here('migrations/index.ts') },
  { find: '@server', replacement: here('server/src') },
  { find: '@client', replacement: here('client/src') },
  { find: '@test', replacement: here('test') },
];

// E2E: real Chromium against the real server, over the same services as integration (test/global-setup.ts).
export default defineConfig({
  root,
  resolve: { alias },
  test: {
    name: 'e2e',
    include: ['test/e2e/specs/**/*.e2e-spec.ts'],
    globalSetup: ['test/global-setup.ts', 'test/e2e/build-client.ts'],
    testTimeout: 90_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // Like the style guide's Playwright setup: retries on CI only, so flakiness shows up locally.
    retry: process.env.CI ? 2 : 0,
  },
});
