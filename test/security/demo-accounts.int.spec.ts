import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_PASSWORD, DEMO_USERS } from '@server/db/seed-demo';
import { hashPassword } from '@server/modules/users/users.service';
import { ApiClient } from '@test/support/api-client';
import { servesOrExits, type ServerProcess } from '@test/support/server-process';
import { freshDatabase, spawnProductionServer, type FreshDatabase } from '@test/security/support/fresh-database';

// Issue #21, finding 2: with NODE_ENV=production and no SEED_DEMO, `admin` / `zvonok` logged in. The real server
// process (tsx server/src/main.ts) on a database of its own in the test Postgres.
describe('#21.2 demo accounts: not seeded in production, and a production start refuses while one still opens', () => {
  let db: FreshDatabase;
  let dataDir: string;
  const running: ServerProcess[] = [];
  const demoLogins = DEMO_USERS.map((u) => u.login);

  const startProduction = async () => {
    const server = await spawnProductionServer(db.url, dataDir);
    running.push(server);
    return server;
  };

  beforeAll(async () => {
    db = await freshDatabase('demo');
    dataDir = mkdtempSync(join(tmpdir(), 'zvonok-demo-'));
  });
  afterAll(async () => {
    for (const server of running) await server.stop();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a production start without SEED_DEMO creates no demo user: admin / zvonok does not log in', async () => {
    const server = await startProduction();
    expect(await servesOrExits(server)).toEqual({ serving: true });
    const login = await new ApiClient(server.baseUrl).post('/api/auth/login', {
      login: 'admin',
      password: DEMO_PASSWORD,
    });
    expect(login.status).toBe(401);
    const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM users WHERE login = ANY($1)`, [
      demoLogins,
    ]);
    expect(n).toBe(0);
    await server.stop();
  });

  it('a production start refuses, naming the account, while a demo login still opens with the demo password', async () => {
    await db.dataSource.query(
      `INSERT INTO users (login, password_hash, name, role, extension, locale, active)
       VALUES ('operator3', $1, 'Анна Линейная', 'operator', NULL, 'ru', true)`,
      [await hashPassword(DEMO_PASSWORD)],
    );
    const outcome = await servesOrExits(await startProduction());
    expect(outcome.serving).toBe(false);
    if (outcome.serving) return;
    expect(outcome.code).not.toBe(0);
    expect(outcome.output).toMatch(/demo/i);
    expect(outcome.output).toContain('operator3');
  });

  it('starts again once that account has a password of its own (the login itself is not forbidden)', async () => {
    await db.dataSource.query(`UPDATE users SET password_hash = $1 WHERE login = 'operator3'`, [
      await hashPassword('a password chosen by the site'),
    ]);
    const server = await startProduction();
    expect(await servesOrExits(server)).toEqual({ serving: true });
    const login = await new ApiClient(server.baseUrl).post('/api/auth/login', {
      login: 'operator3',
      password: DEMO_PASSWORD,
    });
    expect(login.status).toBe(401);
  });
});
