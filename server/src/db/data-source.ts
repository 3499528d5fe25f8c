import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
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
  /**
   * Follows a NOTIFY channel (the data source must be initialized). `onState(false)` means notifications may be
   * missed from now on (connection lost), `onState(true)` that they flow again; whatever a listener derived from
   * them before must then be thrown away. Resolves with the function that stops listening.
   */
  listen(channel: string, onPayload: (payload: string) => void, onState: (up: boolean) => void): Promise<Unlisten>;
}

export type Unlisten = () => Promise<void>;
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
    const url = config.databaseUrl;
    // JIT off for Zvonok's sessions: its reports read indexes and rollups in milliseconds, and a misestimated cost
    // over jit_above_cost made PostgreSQL spend 0.3–1 s compiling a query that then ran in 20 ms.
    const dataSource = new DataSource({ ...common, url, extra: { max: 10, options: '-c jit=off' } });
    return {
      dataSource,
      embedded: false,
      close: () => destroy(dataSource),
      listen: (channel, onPayload, onState) => listenOnOwnConnection(url, channel, onPayload, onState),
    };
  }

  const dir = path.join(config.dataDir, 'pg');
  await fs.mkdir(dir, { recursive: true });
  // Contrib extensions ship as separate bundles in PGlite: the search migration needs pg_trgm.
  const db = await PGlite.create(dir, { extensions: { pg_trgm } });
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
    listen: (channel, onPayload, onState) => listenOnPool(dataSource, channel, onPayload, onState),
    close: async () => {
      await destroy(dataSource);
      await server.stop();
      await db.close();
      await fs.rm(socketDir, { recursive: true, force: true });
    },
  };
}

async function destroy(dataSource: DataSource): Promise<void> {
  if (dataSource.isInitialized) await dataSource.destroy();
}

const RELISTEN_MS = 1_000;

/** Postgres: a connection of its own that does nothing but listen, reconnecting until told to stop. */
async function listenOnOwnConnection(
  url: string,
  channel: string,
  onPayload: (payload: string) => void,
  onState: (up: boolean) => void,
): Promise<Unlisten> {
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url });
    c.on('notification', (n) => {
      if (n.channel === channel && n.payload !== undefined) onPayload(n.payload);
    });
    const lost = () => {
      if (client !== c || stopped) return;
      client = undefined;
      onState(false);
      c.end().catch(() => undefined);
      retry = setTimeout(() => void connect().catch(lost), RELISTEN_MS);
    };
    c.on('error', lost);
    c.on('end', lost);
    client = c;
    await c.connect();
    await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    onState(true);
  };
  await connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}

/**
 * Embedded: PGlite is one backend behind one pooled connection, and a notification comes back on the connection
 * of the transaction that committed it; so listening on that connection sees every commit. A reconnect of the pool
 * listens again and says notifications may have been missed.
 */
async function listenOnPool(
  dataSource: DataSource,
  channel: string,
  onPayload: (payload: string) => void,
  onState: (up: boolean) => void,
): Promise<Unlisten> {
  const pool = (dataSource.driver as unknown as { master: pg.Pool }).master;
  const onNotification = (n: pg.Notification) => {
    if (n.channel === channel && n.payload !== undefined) onPayload(n.payload);
  };
  const attach = async (client: pg.PoolClient) => {
    client.on('notification', onNotification);
    await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
  };
  const onConnect = (client: pg.PoolClient) => {
    onState(false);
    attach(client).then(
      () => onState(true),
      () => undefined,
    );
  };
  pool.on('connect', onConnect);
  const client = await pool.connect();
  try {
    await attach(client);
  } finally {
    client.release();
  }
  onState(true);
  return async () => {
    pool.off('connect', onConnect);
  };
}
