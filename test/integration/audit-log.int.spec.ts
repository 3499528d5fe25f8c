import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiClient } from '@test/support/api-client';
import {
  createUser,
  deleteUsers,
  startTestApp,
  suitePrefix,
  TEST_PASSWORD,
  type SeededUser,
  type TestApp,
} from '@test/support/api-server';
import { listRoutes } from '@test/security/route-table';

/** The audit log viewer: filters, keyset pages, CSV export, and no way to change a row. */
describe('audit log viewer', () => {
  let t: TestApp;
  let prefix: string;
  const users: SeededUser[] = [];
  let manager: ApiClient;
  let actor: SeededUser;
  const action = () => `spec.${prefix}`;

  beforeAll(async () => {
    t = await startTestApp();
    prefix = suitePrefix('audit').replace(/[^a-z0-9-]/g, '');
    const m = await createUser(t.dataSource, `${prefix}-manager`, 'manager');
    actor = await createUser(t.dataSource, `${prefix}-actor`, 'operator');
    users.push(m, actor);
    manager = new ApiClient(t.baseUrl);
    await manager.login(m.login, TEST_PASSWORD);
    // 130 rows of one action, 40 of them in one instant (same `at`): pages must neither skip nor repeat any.
    await t.dataSource.query(
      `INSERT INTO audit_log (actor_id, action, entity, entity_id, details, at)
       SELECT $1, $2, 'recording', 'rec-' || g, jsonb_build_object('callId', 'call-' || g),
              CASE WHEN g <= 40 THEN timestamptz '2026-05-01 10:00:00.123456+00'
                   ELSE timestamptz '2026-05-01 10:00:00+00' + g * interval '1 second' END
       FROM generate_series(1, 130) g`,
      [actor.id, action()],
    );
  });
  afterAll(async () => {
    await t.dataSource.query(`DELETE FROM audit_log WHERE action = $1 OR actor_id = ANY($2)`, [
      action(),
      users.map((u) => u.id),
    ]);
    await deleteUsers(
      t.dataSource,
      users.map((u) => u.id),
    );
    await t.close();
  });

  it('pages through every row once, newest first, with the actor named', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: {
        status: number;
        body: { items: { entityId: string; actorName: string; at: string }[]; nextCursor: string | null };
      } = await manager.get(`/api/audit?action=${action()}&limit=50${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      for (const item of res.body.items) expect(item.actorName).toBe(`operator ${actor.login}`);
      seen.push(...res.body.items.map((i) => i.entityId));
      const ats = res.body.items.map((i) => i.at);
      expect([...ats].sort().reverse()).toEqual(ats);
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(130);
    expect(new Set(seen).size).toBe(130);
    expect(seen[0]).toBe('rec-130');
  });

  it('filters by actor, entity id and dates; a broken cursor is a 400', async () => {
    const byEntity = await manager.get(`/api/audit?entity=recording&entityId=rec-7&actorId=${actor.id}`);
    expect(byEntity.body.items).toEqual([
      expect.objectContaining({ action: action(), entityId: 'rec-7', details: { callId: 'call-7' } }),
    ]);
    const dated = await manager.get(
      `/api/audit?action=${action()}&from=2026-05-01T10:01:00Z&to=2026-05-01T10:01:10Z&limit=200`,
    );
    expect(dated.body.items.map((i: { entityId: string }) => i.entityId)).toEqual(
      Array.from({ length: 10 }, (_, i) => `rec-${69 - i}`),
    );
    const bad = await manager.get(`/api/audit?cursor=bm9wZQ`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ field: 'cursor', message: expect.any(String) }]);
    expect((await manager.get('/api/audit/actions')).body.items).toContain(action());
  });

  it('exports the filtered rows as CSV', async () => {
    const res = await fetch(`${t.baseUrl}/api/audit/export?action=${action()}&entityId=rec-3`, {
      headers: { cookie: manager.cookie! },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await res.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('at,actor login,actor name,action,entity,entity id,details');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`${actor.login},operator ${actor.login},${action()},recording,rec-3`);
  });

  it('is append-only: no route changes or deletes it, and the database refuses an UPDATE', async () => {
    const writes = listRoutes(t.node.app).filter((r) => r.path.startsWith('/api/audit') && r.method !== 'GET');
    expect(writes).toEqual([]);
    await expect(
      t.dataSource.query(`UPDATE audit_log SET action = 'x' WHERE action = $1`, [action()]),
    ).rejects.toMatchObject({ driverError: { code: '42501' } });
  });
});
