import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';
import { Client } from 'rtpengine-client';
import { afterAll, describe, expect, it } from 'vitest';

import { isPortOpen } from '@test/support/services/ports';
import { DRACHTIO, RTPENGINE, requireSipFront } from '@test/support/sip-live';
import { startPostgres } from '@test/support/services/postgres';
import { startRedis } from '@test/support/services/redis';

// Proves test/global-setup.ts gives the suites real servers, not embedded stand-ins.
describe('integration harness', () => {
  it('exports every variable of the fixed interface', () => {
    for (const name of [
      'DATABASE_URL',
      'REDIS_URL',
      'AMI_HOST',
      'AMI_PORT',
      'AMI_USER',
      'AMI_SECRET',
      'ASTERISK_ROOT',
      'RECORDINGS_DIR',
    ]) {
      expect(process.env[name], name).toBeTruthy();
    }
    expect(process.env.RECORDINGS_DIR).toBe(`${process.env.ASTERISK_ROOT}/var/spool/asterisk/monitor`);
  });

  it('DATABASE_URL is a real PostgreSQL 15 over TCP, already migrated', async () => {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: string; db: string; fsync: string }>(
        "SELECT version() AS version, current_database() AS db, current_setting('fsync') AS fsync",
      );
      expect(rows[0]?.version).toMatch(/^PostgreSQL 15\./);
      expect(rows[0]?.version).not.toMatch(/pglite|emscripten|wasm/i);
      expect(rows[0]?.db).toBe('zvonok_test');
      expect(rows[0]?.fsync).toBe('off');
      const migrations = await client.query<{ n: string }>('SELECT count(*)::text AS n FROM migrations');
      expect(Number(migrations.rows[0]?.n)).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  });

  it('REDIS_URL is a real redis-server', async () => {
    const redis = new Redis(process.env.REDIS_URL!);
    try {
      expect(await redis.ping()).toBe('PONG');
      expect(await redis.info('server')).toMatch(/redis_version:\d+\.\d+/);
    } finally {
      await redis.quit();
    }
  });

  it('AMI accepts the zvonok login', async () => {
    const reply = await amiLogin(
      process.env.AMI_HOST!,
      Number(process.env.AMI_PORT),
      process.env.AMI_USER!,
      process.env.AMI_SECRET!,
    );
    expect(reply).toMatch(/^Asterisk Call Manager\/\d/);
    expect(reply).toMatch(/Response: Success\r\n(.*\r\n)*Message: Authentication accepted/);
  });

  it('AMI rejects a wrong secret (the login check above can fail)', async () => {
    const reply = await amiLogin(process.env.AMI_HOST!, Number(process.env.AMI_PORT), process.env.AMI_USER!, 'wrong');
    expect(reply).toMatch(/Response: Error/);
  });

  it('the SIP front: a real drachtio-server on its admin port and a real rtpengine answering ng pings', async () => {
    const { recordingDir } = requireSipFront();
    expect(await isPortOpen(DRACHTIO.adminPort, DRACHTIO.host)).toBe(true);
    const rtpengine = new Client({ timeout: 1000 });
    try {
      expect(await rtpengine.ping(RTPENGINE.ngPort, RTPENGINE.host)).toMatchObject({ result: 'pong' });
    } finally {
      rtpengine.close();
    }
    expect(readdirSync(recordingDir).sort()).toEqual(['metadata', 'pcaps', 'tmp']);
  });
});

// The fault suite relies on these; a broken kill/restart would make its results meaningless.
describe('service helpers survive crash and restart', () => {
  const stops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const stop of stops) await stop();
  });

  it('postgres: kill drops connections, restart recovers the data on the same port', async () => {
    const server = await startPostgres({ database: 'fault_probe' });
    stops.push(server.stop);
    const run = async (sql: string) => {
      const client = new pg.Client({ connectionString: server.url });
      client.on('error', () => undefined);
      await client.connect();
      try {
        return (await client.query(sql)).rows;
      } finally {
        await client.end();
      }
    };
    await run('CREATE TABLE t (v int); INSERT INTO t VALUES (42)');
    // synchronous_commit=off: the commit record may still sit in WAL buffers; a checkpoint flushes it.
    await run('CHECKPOINT');
    await server.kill();
    expect(await isPortOpen(server.port)).toBe(false);
    await expect(run('SELECT 1')).rejects.toThrow();
    await server.restart();
    expect(await run('SELECT v FROM t')).toEqual([{ v: 42 }]);
  });

  it('redis: kill closes the port, restart serves again (empty, nothing persisted)', async () => {
    const server = await startRedis();
    stops.push(server.stop);
    const redis = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => undefined);
    await redis.connect();
    await redis.set('k', 'v');
    redis.disconnect();
    await server.kill();
    expect(await isPortOpen(server.port)).toBe(false);
    await server.restart();
    const again = new Redis(server.url);
    try {
      expect(await again.get('k')).toBeNull();
    } finally {
      await again.quit();
    }
  });

  it('stop removes the server for good', async () => {
    const server = await startRedis();
    await server.stop();
    expect(await isPortOpen(server.port)).toBe(false);
  });
});

async function amiLogin(host: string, port: number, user: string, secret: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    let buffer = '';
    let sent = false;
    socket.setTimeout(5_000, () => {
      socket.destroy();
      reject(new Error(`AMI timeout, got: ${buffer}`));
    });
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      if (!sent && buffer.includes('\r\n')) {
        sent = true;
        socket.write(`Action: Login\r\nUsername: ${user}\r\nSecret: ${secret}\r\nEvents: off\r\n\r\n`);
      }
      if (/Response: (Success|Error)[\s\S]*\r\n\r\n/.test(buffer)) {
        socket.end();
        resolve(buffer);
      }
    });
  });
}
