// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import unicorn from 'eslint-plugin-unicorn';
import reactHooks from 'eslint-plugin-react-hooks';
import { readdirSync } from 'node:fs';

const noParentImports = {
  group: ['../*', '../**'],
  message: 'Use a path alias (@contracts, @telephony, @server, @client) instead of ../',
};
const restrict = (...extra) => ['error', { patterns: [noParentImports, ...extra] }];
const serverGroup = {
  group: ['@client/*', '@telephony/*'],
  message: 'The server imports only @telephony (its public entry)',
};
const serverModules = readdirSync(`${import.meta.dirname}/server/src/modules`, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
// A module's face is its *.service, *.types and *.read-model files; the rest is its own business.
const moduleFace = (own) => ({
  regex: `^@server/modules/(?!${own}/)[^/]+/(?!.*\\.(service|types|read-model)$)`,
  message: "Another module's internals: import its *.service, *.types or *.read-model (or move shared code to common/)",
});

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'data', 'coverage', 'bench-results', 'test-results', 'test/fixtures'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { unicorn },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'max-len': [
        'error',
        { code: 120, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true },
      ],
      'no-restricted-imports': restrict(),
    },
  },
  {
    files: ['server/**/*.ts', 'telephony/**/*.ts', 'migrations/**/*.ts', 'test/**/*.ts'],
    rules: { 'unicorn/filename-case': ['error', { case: 'kebabCase', ignore: [/^\d{13}-[A-Za-z]+\.ts$/] }] },
  },
  {
    files: ['client/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'unicorn/filename-case': ['error', { cases: { camelCase: true, pascalCase: true } }],
      'no-restricted-imports': restrict({
        group: ['@server/*', '@telephony', '@telephony/*', 'express', 'typeorm', 'pg'],
        message: 'The client imports only @contracts/*',
      }),
    },
  },
  {
    // Overrides the client rule above for ui/ (a later config wins), so it repeats the client's group.
    files: ['client/src/ui/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': restrict(
        {
          group: ['@server/*', '@telephony', '@telephony/*', 'express', 'typeorm', 'pg'],
          message: 'The client imports only @contracts/*',
        },
        { group: ['@client/modules/*'], message: 'ui/ is dumb: it may not import modules/' },
      ),
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(serverGroup),
    },
  },
  ...serverModules.map((own) => ({
    files: [`server/src/modules/${own}/**/*.ts`],
    rules: { 'no-restricted-imports': restrict(serverGroup, moduleFace(own)) },
  })),
  {
    files: ['telephony/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict({
        group: ['@server/*', '@client/*', '@contracts/*'],
        message: 'Telephony imports nothing from server or client',
      }),
    },
  },
  {
    files: ['telephony/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': restrict(
        {
          group: ['@server/*', '@client/*', '@contracts/*'],
          message: 'Telephony imports nothing from server or client',
        },
        { group: ['@test/*'], message: 'Test aids live in test/support/telephony, out of the shipped package' },
      ),
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  { files: ['*.js', '*.config.ts'], ...tseslint.configs.disableTypeChecked },
);
