import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
// Array form: `@telephony` is the public entry, `@telephony/*` the package-internal paths (lint keeps the server out).
const alias = [
  { find: '@contracts', replacement: here('./server/src/contracts') },
  { find: /^@telephony$/, replacement: here('./telephony/src/index.ts') },
  { find: /^@telephony\/(.*)$/, replacement: `${here('./telephony/src')}/$1` },
  { find: '@server', replacement: here('./server/src') },
  { find: '@client', replacement: here('./client/src') },
  { find: '@test', replacement: here('./test') },
  { find: /^@migrations$/, replacement: here('./migrations/index.ts') },
];

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['server/**/*.spec.ts', 'telephony/**/*.spec.ts', 'client/**/*.spec.{ts,tsx}'],
          exclude: ['**/*.int.spec.ts', '**/node_modules/**'],
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: [
            'test/integration/**/*.int.spec.ts',
            'test/security/**/*.int.spec.ts',
            'server/**/*.int.spec.ts',
            'telephony/**/*.int.spec.ts',
          ],
          globalSetup: ['test/global-setup.ts'],
          setupFiles: ['test/support/file-end.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          // One process for all the files, one after another: each file used to import the server's module graph
          // afresh (250 s of a 22-minute run). What a file starts it stops; file-end.ts closes any node it left.
          isolate: false,
        },
      },
    ],
  },
});
