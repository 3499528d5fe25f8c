import { randomUUID } from 'node:crypto';

import { type DataSource } from 'typeorm';

import { createDatabase } from '@server/db/data-source';
import { requireDatabaseUrl } from '@test/support/api-server';
import { spawnServer, type ServerProcess } from '@test/support/server-process';
import { freePort } from '@test/support/services/ports';

export interface FreshDatabase {
  url: string;
  dataSource: DataSource;
  drop(): Promise<void>;
}

/**
 * A migrated database of its own next to the shared one, for specs that start the server in production mode: that
 * start checks the whole users table, so it must not see what other suites left there.
 */
export async function freshDatabase(label: string): Promise<FreshDatabase> {
  const adminUrl = requireDatabaseUrl();
  const name = `zvonok_${label}_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const admin = await createDatabase({ databaseUrl: adminUrl, dataDir: 'unused-with-database-url' });
  await admin.dataSource.initialize();
  await admin.dataSource.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await createDatabase({ databaseUrl: url.toString(), dataDir: 'unused-with-database-url' });
  await db.dataSource.initialize();
  await db.dataSource.runMigrations({ transaction: 'each' });
  return {
    url: url.toString(),
    dataSource: db.dataSource,
    drop: async () => {
      await db.close();
      await admin.dataSource.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.close();
    },
  };
}

/**
 * The real server process with NODE_ENV=production on `databaseUrl`, no Redis, no PBX, no demo seed asked for;
 * PUBLIC_URL is `http://<publicHost(port)>` (the loopback address by default, so fetch() reaches it as itself).
 */
export async function spawnProductionServer(
  databaseUrl: string,
  dataDir: string,
  publicHost: (port: number) => string = (port) => `127.0.0.1:${port}`,
): Promise<ServerProcess> {
  const port = await freePort();
  return spawnServer(
    {
      NODE_ENV: 'production',
      PUBLIC_URL: `http://${publicHost(port)}`,
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      REDIS_URL: undefined,
      SEED_DEMO: undefined,
      TELEPHONY_PROVIDER: 'none',
      LOG_LEVEL: 'warn',
    },
    { port },
  );
}
