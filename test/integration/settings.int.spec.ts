import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiClient } from '@test/support/api-client';
import { createUser, deleteUsers, suitePrefix, TEST_PASSWORD, type SeededUser } from '@test/support/api-server';
import { waitFor } from '@test/support/services/ports';
import { startWebNode, type WebNode } from '@test/support/web-node';

/**
 * Company settings live in the database and reach every node at once: two web nodes on one Postgres (no Redis);
 * a change saved on node A is what node B serves and uses, without a restart, through the settings channel.
 */
describe('company settings across nodes', () => {
  let a: WebNode;
  let b: WebNode;
  const users: SeededUser[] = [];
  let adminA: ApiClient;
  let managerB: ApiClient;

  beforeAll(async () => {
    [a, b] = await Promise.all([startWebNode({ name: 'A', redis: false }), startWebNode({ name: 'B', redis: false })]);
    const prefix = suitePrefix('settings');
    const admin = await createUser(a.dataSource, `${prefix}-admin`, 'admin');
    const manager = await createUser(a.dataSource, `${prefix}-manager`, 'manager');
    users.push(admin, manager);
    adminA = new ApiClient(a.baseUrl);
    await adminA.login(admin.login, TEST_PASSWORD);
    managerB = new ApiClient(b.baseUrl);
    await managerB.login(manager.login, TEST_PASSWORD);
  });
  afterAll(async () => {
    // Back to the environment's values for every later suite.
    await a?.dataSource.query(`DELETE FROM settings`);
    await a?.dataSource.query(`DELETE FROM audit_log WHERE actor_id = ANY($1)`, [users.map((u) => u.id)]);
    await deleteUsers(
      a.dataSource,
      users.map((u) => u.id),
    );
    await Promise.all([a?.close(), b?.close()]);
  });

  it('a change saved on node A is served and used by node B, and audited with from and to', async () => {
    const before = (await managerB.get('/api/settings')).body;
    expect(before).toMatchObject({ timeZone: 'Europe/Moscow', defaultCountry: 'RU' });
    const saved = await adminA.request('PUT', '/api/settings', {
      timeZone: 'Asia/Yekaterinburg',
      defaultCountry: 'BY',
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ timeZone: 'Asia/Yekaterinburg', defaultCountry: 'BY' });
    await waitFor(async () => (await managerB.get('/api/settings')).body.timeZone === 'Asia/Yekaterinburg', {
      what: 'node B serving the new time zone',
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    expect(b.services.settings.current()).toMatchObject({ timeZone: 'Asia/Yekaterinburg', defaultCountry: 'BY' });
    // Node B reads national numbers with the new country now: 8 029 … is a Belarusian mobile.
    const contact = await managerB.post('/api/contacts', {
      name: 'Минск',
      phones: [{ raw: '8 029 123-45-67', label: null }],
    });
    expect(contact.body.phones[0].e164).toBe('+375291234567');
    const [audit] = await a.dataSource.query(
      `SELECT details FROM audit_log WHERE action = 'settings.update' AND actor_id = $1`,
      [users[0]!.id],
    );
    expect(audit.details.changes).toEqual({
      timeZone: { from: 'Europe/Moscow', to: 'Asia/Yekaterinburg' },
      defaultCountry: { from: 'RU', to: 'BY' },
    });
  });

  it('refuses bad values naming the setting, and non-admins', async () => {
    for (const [body, field] of [
      [{ timeZone: 'Mars/Olympus' }, 'timeZone'],
      [{ defaultCountry: 'XX' }, 'defaultCountry'],
      [{ recordingRetentionDays: -1 }, 'recordingRetentionDays'],
      [{ callRetentionMonths: 1201 }, 'callRetentionMonths'],
      [{ colour: 'red' }, 'colour'],
    ] as const) {
      const res = await adminA.request('PUT', '/api/settings', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
    expect((await managerB.request('PUT', '/api/settings', { wrapUpSeconds: 5 })).status).toBe(403);
  });

  it('keeps calls forever by default; an admin sets the months kept', async () => {
    expect((await adminA.request('GET', '/api/settings')).body.callRetentionMonths).toBe(0);
    const saved = await adminA.request('PUT', '/api/settings', { callRetentionMonths: 24 });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.callRetentionMonths).toBe(24);
    expect((await adminA.request('PUT', '/api/settings', { callRetentionMonths: 0 })).status).toBe(200);
  });
});
