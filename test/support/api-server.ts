import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { pino } from 'pino';
import { type DataSource } from 'typeorm';

import { composeNode, type NodeOverrides, type ZvonokNode } from '@server/compose-node';
import { type Config, loadConfig } from '@server/config/env';
import { createDatabase } from '@server/db/data-source';
import { type AppServices } from '@server/services';
import { hashPassword } from '@server/modules/users/users.service';
import { UserEntity, type UserRole } from '@server/modules/users/user.entity';

export interface TestApp {
  baseUrl: string;
  dataSource: DataSource;
  services: AppServices;
  node: ZvonokNode;
  close(): Promise<void>;
}

/** Fixed, so every suite, node and e2e server opens the SIP secrets the others sealed in the shared database. */
export const TEST_SIP_SECRETS_KEY = Buffer.alloc(32, 7);

export function requireDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url)
    throw new Error('DATABASE_URL is not set: integration suites run against the real Postgres of global-setup');
  return url;
}

/**
 * The configuration a test node runs with: the harness's Postgres, no Redis (an in-process bus, so a suite's
 * calls stay its own) and no telephony unless the suite asks, sessions of an hour, no demo data.
 */
export function testConfig(env: Record<string, string | undefined> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: requireDatabaseUrl(),
    DATA_DIR: mkdtempSync(join(process.env.ZVONOK_RUN_DIR ?? tmpdir(), 'zvonok-node-')),
    LOG_LEVEL: 'silent',
    SESSION_TTL_HOURS: '1',
    SEED_DEMO: 'false',
    TELEPHONY_PROVIDER: 'none',
    SIP_SECRETS_KEY: TEST_SIP_SECRETS_KEY.toString('base64'),
    // Where the harness's Asterisk writes its recordings (global-setup), so live suites ingest the real files.
    RECORDINGS_DIR: process.env.RECORDINGS_DIR,
    ...env,
  });
}

/** A test node's logger: silent unless ZVONOK_TEST_LOG names a level. */
export const testLogger = (name?: string) => {
  const logger = pino({ level: process.env.ZVONOK_TEST_LOG ?? 'silent' });
  return name ? logger.child({ node: name }) : logger;
};

/**
 * A whole node, as main.ts composes it (composeNode), on its own database pool and a random loopback port.
 * `config` patches the test configuration; `overrides` are composeNode's.
 */
export async function startTestNode(
  config: Partial<Config> = {},
  overrides: NodeOverrides & { name?: string } = {},
): Promise<TestApp> {
  const base = testConfig();
  const database =
    overrides.database ?? (await createDatabase({ databaseUrl: base.databaseUrl, dataDir: base.dataDir }));
  if (!database.dataSource.isInitialized) await database.dataSource.initialize();
  const node = await composeNode(
    { ...base, ...config },
    // No built client unless a suite serves one: the API alone, as the suites expect it.
    { logger: testLogger(overrides.name), redis: null, provider: null, clientDir: null, ...overrides, database },
  );
  const baseUrl = await node.listen(0, '127.0.0.1');
  const app: TestApp = {
    baseUrl,
    dataSource: database.dataSource,
    services: node.services,
    node,
    close: async () => {
      openApps.delete(app);
      await node.close();
      if (!overrides.database) await database.close();
    },
  };
  openApps.add(app);
  return app;
}

/** Nodes started and not closed yet. */
const openApps = new Set<TestApp>();

/**
 * Closes the nodes a spec left running (a failed `beforeAll`, a close that threw) and says how many. Spec files
 * share one process (`isolate: false`), so a node left behind would go on consuming the bus and hold its partitions,
 * and the next file's calls would pop on a node nobody listens to: test/support/file-end.ts calls this after each file.
 */
export async function closeLeftoverApps(): Promise<number> {
  const left = [...openApps];
  await Promise.allSettled(left.map((app) => app.close()));
  return left.length;
}

/** The real app on the real Postgres (already migrated by global-setup), on a random loopback port. */
export function startTestApp(config: Partial<Config> = {}, clientDir?: string): Promise<TestApp> {
  return startTestNode(config, clientDir ? { clientDir } : {});
}

export const TEST_PASSWORD = 'correct horse battery';

/** Unique per-suite logins so suites never collide in the shared database. */
export function suitePrefix(name: string): string {
  return `${name}-${Math.random().toString(36).slice(2, 8)}`;
}

export interface SeededUser {
  id: string;
  login: string;
  role: UserRole;
}

export async function createUser(
  dataSource: DataSource,
  login: string,
  role: UserRole,
  extension: string | null = null,
): Promise<SeededUser> {
  const repo = dataSource.getRepository(UserEntity);
  const row = await repo.save(
    repo.create({
      login,
      passwordHash: await hashPassword(TEST_PASSWORD),
      name: `${role} ${login}`,
      role,
      extension,
      locale: 'ru',
      active: true,
    }),
  );
  return { id: row.id, login, role };
}

/** Removes everything the suite's users own or touched, then the users (sessions cascade). */
export async function deleteUsers(dataSource: DataSource, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await dataSource.transaction(async (em) => {
    await em.query(`DELETE FROM calls WHERE operator_id = ANY($1)`, [userIds]);
    await em.query(`DELETE FROM notes WHERE author_id = ANY($1)`, [userIds]);
    await em.query(`DELETE FROM tasks WHERE assignee_id = ANY($1) OR created_by_id = ANY($1)`, [userIds]);
    await em.query(`DELETE FROM deals WHERE owner_id = ANY($1)`, [userIds]);
    await em.query(`DELETE FROM leads WHERE owner_id = ANY($1)`, [userIds]);
    await em.query(`DELETE FROM contacts WHERE owner_id = ANY($1)`, [userIds]);
    await em.query(`DELETE FROM companies WHERE owner_id = ANY($1)`, [userIds]);
    await em.query(`DELETE FROM users WHERE id = ANY($1)`, [userIds]);
  });
}
