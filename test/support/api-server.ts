import http from 'node:http';
import { type AddressInfo } from 'node:net';

import { pino } from 'pino';
import { type DataSource } from 'typeorm';

import { type AppConfig, type AppServices, createApp } from '@server/app';
import { createDatabase } from '@server/db/data-source';
import { hashPassword } from '@server/modules/users/users.service';
import { UserEntity, type UserRole } from '@server/modules/users/user.entity';

export interface TestApp {
  baseUrl: string;
  dataSource: DataSource;
  services: AppServices;
  close(): Promise<void>;
}

/** Fixed, so every suite, node and e2e server opens the SIP secrets the others sealed in the shared database. */
export const TEST_SIP_SECRETS_KEY = Buffer.alloc(32, 7);

export const TEST_APP_CONFIG: AppConfig = {
  nodeEnv: 'test',
  sessionTtlHours: 1,
  defaultCountry: 'RU',
  loginRateLimit: { max: 10, windowMs: 15 * 60_000 },
  trustedOrigins: [],
  sipSecretsKey: TEST_SIP_SECRETS_KEY,
};

export function requireDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url)
    throw new Error('DATABASE_URL is not set: integration suites run against the real Postgres of global-setup');
  return url;
}

/** The real app on the real Postgres (already migrated by global-setup), on a random loopback port. */
export async function startTestApp(overrides: Partial<AppConfig> = {}, clientDir?: string): Promise<TestApp> {
  const database = await createDatabase({ databaseUrl: requireDatabaseUrl(), dataDir: 'unused-with-database-url' });
  const { dataSource } = database;
  await dataSource.initialize();
  const { app, services } = createApp({
    config: { ...TEST_APP_CONFIG, ...overrides },
    dataSource,
    logger: pino({ level: process.env.ZVONOK_TEST_LOG ?? 'silent' }),
    clientDir,
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    dataSource,
    services,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close();
    },
  };
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
