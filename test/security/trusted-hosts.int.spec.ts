import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { io as connectSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createUser, deleteUsers, suitePrefix, TEST_PASSWORD, type SeededUser } from '@test/support/api-server';
import { servesOrExits, type ServerProcess } from '@test/support/server-process';
import { startWebNode, type WebNode } from '@test/support/web-node';
import { freshDatabase, spawnProductionServer, type FreshDatabase } from '@test/security/support/fresh-database';
import { rawRequest } from '@test/security/support/raw-http';

// Issue #21, finding 6: with no Host check, a page on rebind.attacker.example (DNS-rebound to the server's address)
// could log in and open a socket, its Origin matching its own Host. Only the configured public origins are served.
const ATTACKER = 'rebind.attacker.example:3400';
const errorBody = (body: string) => JSON.parse(body) as { error: { code: string; message: string } };

/** A Socket.IO connection with these exact headers (Host included); resolves to 'connected' or the refusal. */
function socketOutcome(baseUrl: string, headers: Record<string, string>): Promise<string> {
  const socket = connectSocket(baseUrl, {
    transports: ['websocket'],
    extraHeaders: headers,
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.close();
      resolve('connected');
    });
    socket.once('connect_error', (err) => {
      socket.close();
      resolve(`refused: ${err.message}`);
    });
  });
}

const login = (baseUrl: string, host: string, user: string) =>
  rawRequest(baseUrl, '/api/auth/login', {
    method: 'POST',
    headers: {
      host,
      origin: `http://${host}`,
      'content-type': 'application/json',
      'x-requested-with': 'zvonok',
    },
    body: JSON.stringify({ login: user, password: TEST_PASSWORD }),
  });

const sessionCookie = (setCookie: string[] | undefined) =>
  (setCookie ?? []).find((c) => c.startsWith('zv_session='))?.split(';')[0];

describe('#21.6 Host check: a production server answers only for PUBLIC_URL (real server process)', () => {
  let db: FreshDatabase;
  let dataDir: string;
  let server: ServerProcess;
  let publicHost: string;
  let user: SeededUser;

  beforeAll(async () => {
    db = await freshDatabase('hosts');
    dataDir = mkdtempSync(join(tmpdir(), 'zvonok-hosts-'));
    user = await createUser(db.dataSource, suitePrefix('hosts'), 'supervisor');
    server = await spawnProductionServer(db.url, dataDir, (port) => `crm.zvonok.test:${port}`);
    publicHost = `crm.zvonok.test:${server.port}`;
    expect(await servesOrExits(server)).toEqual({ serving: true });
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a login under a foreign Host with a matching Origin: 421 HOST_NOT_ALLOWED, no session', async () => {
    const res = await login(server.baseUrl, ATTACKER, user.login);
    expect(res.status).toBe(421);
    expect(errorBody(res.body)).toEqual({ error: { code: 'HOST_NOT_ALLOWED', message: expect.any(String) } });
    expect(sessionCookie(res.headers['set-cookie'])).toBeUndefined();
  });

  it('refuses the loopback Host in production (only the quick start and development serve it)', async () => {
    const res = await rawRequest(server.baseUrl, '/api/auth/me', { headers: { host: `127.0.0.1:${server.port}` } });
    expect(res.status).toBe(421);
    expect(errorBody(res.body).error.code).toBe('HOST_NOT_ALLOWED');
    // The SPA and everything else too, not only /api.
    expect((await rawRequest(server.baseUrl, '/', { headers: { host: ATTACKER } })).status).toBe(421);
  });

  it('serves the public Host, and a socket opens there but not under the foreign Host', async () => {
    const res = await login(server.baseUrl, publicHost, user.login);
    expect(res.status).toBe(200);
    const cookie = sessionCookie(res.headers['set-cookie'])!;
    expect(cookie).toBeDefined();

    expect(await socketOutcome(server.baseUrl, { host: publicHost, origin: `http://${publicHost}`, cookie })).toBe(
      'connected',
    );
    expect(await socketOutcome(server.baseUrl, { host: ATTACKER, origin: `http://${ATTACKER}`, cookie })).toMatch(
      /^refused/,
    );
    // The polling handshake (the transport a browser starts with) is refused as well.
    const polling = await rawRequest(server.baseUrl, '/socket.io/?EIO=4&transport=polling', {
      headers: { host: ATTACKER, cookie },
    });
    expect(polling.status).toBe(403);
  });

  it('still answers the orchestrator probes, which come by IP address', async () => {
    const res = await rawRequest(server.baseUrl, '/healthz', { headers: { host: `10.1.2.3:${server.port}` } });
    expect(res.status).toBe(200);
  });
});

describe('#21.6 Host check: outside production, loopback and nothing else (real app and Socket.IO)', () => {
  let node: WebNode;
  let user: SeededUser;

  beforeAll(async () => {
    node = await startWebNode({ name: 'hosts-dev', redis: false });
    user = await createUser(node.dataSource, suitePrefix('hosts-dev'), 'operator');
  });
  afterAll(async () => {
    await deleteUsers(node.dataSource, [user.id]);
    await node?.close();
  });

  it('serves 127.0.0.1 and localhost, refuses a foreign Host for REST and for the socket', async () => {
    const port = new URL(node.baseUrl).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      expect((await login(node.baseUrl, host, user.login)).status, host).toBe(200);
    }
    const refused = await login(node.baseUrl, ATTACKER, user.login);
    expect(refused.status).toBe(421);
    expect(errorBody(refused.body).error.code).toBe('HOST_NOT_ALLOWED');

    const cookie = sessionCookie((await login(node.baseUrl, `127.0.0.1:${port}`, user.login)).headers['set-cookie'])!;
    expect(await socketOutcome(node.baseUrl, { host: `127.0.0.1:${port}`, cookie })).toBe('connected');
    expect(await socketOutcome(node.baseUrl, { host: ATTACKER, origin: `http://${ATTACKER}`, cookie })).toMatch(
      /^refused/,
    );
  });
});
