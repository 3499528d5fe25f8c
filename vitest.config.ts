import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const alias = {
  '@contracts': here('./server/src/contracts'),
  '@telephony': here('./telephony/src/index.ts'),
  '@server': here('./server/src'),
  '@client': here('./client/src'),
  '@test': here('./test'),
};

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
          include: ['test/integration/**/*.int.spec.ts', 'server/**/*.int.spec.ts', 'telephony/**/*.int.spec.ts'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
