import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { DataSource } from 'typeorm';

import { migrations } from '@migrations';
import { type Config } from '@server/config/env';
import { entities } from '@server/db/entities';

export interface Database {
  dataSource: DataSource;
  /** True when running on the embedded PGlite (no DATABASE_URL). */
  embedded: boolean;
  /** Destroys the data source and, in embedded mode, stops the socket server and closes PGlite. */
  close(): Promise<void>;
}

const PG_SOCKET_PORT = 5432;

export type DatabaseConfig = Pick<Config, 'databaseUrl' | 'dataDir'>;

/**
 * Builds the TypeORM data source (not yet initialized) for either a real Postgres (DATABASE_URL)
 * or the embedded PGlite.
 *
 * Embedded mode runs PGlite (Postgres compiled to WASM, data under DATA_DIR/pg) behind
 * pglite-socket's wire-protocol server, and points the ordinary `postgres` driver at it — so both
 * modes share one driver, the same entities and the same migrations. pglite-socket accepts any user
 * and password (PGlite has no authentication), so it listens on a Unix socket in a fresh directory
 * only this process's user can enter (mkdtemp: mode 0700), never on a TCP port that any local
 * process could reach. PGlite is a single backend: the pool is limited to one connection, because
 * pglite-socket interleaves messages of concurrent connections outside transactions, which would
 * mix up unnamed prepared statements of the extended protocol.
 */
export async function createDatabase(config: DatabaseConfig): Promise<Database> {
  const common = {
    type: 'postgres' as const,
    entities,
    migrations,
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each' as const,
    // The schema is owned by migrations: never let the driver CREATE EXTENSION (needs superuser);
    // ids come from gen_random_uuid(), built into Postgres 13+.
    installExtensions: false,
    uuidExtension: 'pgcrypto' as const,
  };
  if (config.databaseUrl) {
    const dataSource = new DataSource({ ...common, url: config.databaseUrl, extra: { max: 10 } });
    return { dataSource, embedded: false, close: () => destroy(dataSource) };
  }

  const dir = path.join(config.dataDir, 'pg');
  await fs.mkdir(dir, { recursive: true });
  const db = await PGlite.create(dir);
  // In the temp dir, not DATA_DIR: a socket path must stay under ~100 bytes.
  const socketDir = await fs.mkdtemp(path.join(os.tmpdir(), 'zvonok-pg-'));
  const server = new PGLiteSocketServer({
    db,
    path: path.join(socketDir, `.s.PGSQL.${PG_SOCKET_PORT}`),
    maxConnections: 4,
  });
  await server.start();
  const dataSource = new DataSource({
    ...common,
    // libpq convention, followed by `pg`: a host that is a directory means `<host>/.s.PGSQL.<port>`.
    host: socketDir,
    port: PG_SOCKET_PORT,
    username: 'postgres',
    password: 'postgres',
    database: 'postgres',
    extra: { max: 1 },
  });
  return {
    dataSource,
    embedded: true,
    close: async () => {
      await destroy(dataSource);
      await server.stop();
      await db.close();
      await fs.rm(socketDir, { recursive: true, force: true });
    },
  };
}

/** Convenience for callers that want an initialized data source with all migrations applied. */
export async function openMigratedDatabase(config: DatabaseConfig): Promise<Database> {
  const database = await createDatabase(config);
  await database.dataSource.initialize();
  await database.dataSource.runMigrations({ transaction: 'each' });
  return database;
}

async function destroy(dataSource: DataSource): Promise<void> {
  if (dataSource.isInitialized) await dataSource.destroy();
}
