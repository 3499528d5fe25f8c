import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LeadEntity } from '@server/modules/leads/lead.entity';
import { toLeadDto } from '@server/modules/leads/leads.service';
import { ApiClient } from '@test/support/api-client';
import {
  type SeededUser,
  type TestApp,
  TEST_PASSWORD,
  createUser,
  deleteUsers,
  startTestApp,
  suitePrefix,
} from '@test/support/api-server';

/** Random RU mobile number so reruns and other suites never collide on the open-lead index. */
const randomNumber = () => `+7 9${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
const digits = (s: string) => s.replace(/\D/g, '');

describe('one open lead per number (real Postgres)', () => {
  let t: TestApp;
  let user: SeededUser;
  let c: ApiClient;

  beforeAll(async () => {
    t = await startTestApp();
    user = await createUser(t.dataSource, `${suitePrefix('leads')}-op`, 'supervisor');
    c = new ApiClient(t.baseUrl);
    await c.login(user.login, TEST_PASSWORD);
  });
  afterAll(async () => {
    await deleteUsers(t.dataSource, [user.id]);
    await t.close();
  });

  it('50 concurrent creations for one number (any format) → exactly one lead, 49 × 409', async () => {
    const number = randomNumber();
    const d = digits(number).slice(1);
    const formats = [number, `8${d}`, `+7 (${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6, 8)}-${d.slice(8)}`, `7${d}`];
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => c.post('/api/leads', { phone: formats[i % formats.length] })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    const conflict = results.find((r) => r.status === 409)!;
    expect(conflict.body.error.code).toBe('LEAD_ALREADY_OPEN');
    const rows: { count: string }[] = await t.dataSource.query(`SELECT count(*) FROM leads WHERE phone_e164 = $1`, [
      `+7${d}`,
    ]);
    expect(Number(rows[0]!.count)).toBe(1);
  });

  it('the database itself refuses a second open lead, even bypassing the service', async () => {
    const e164 = `+${digits(randomNumber())}`;
    await t.dataSource.query(`INSERT INTO leads (source, phone_e164, owner_id) VALUES ('manual', $1, $2)`, [
      e164,
      user.id,
    ]);
    await expect(
      t.dataSource.query(`INSERT INTO leads (source, phone_e164, owner_id) VALUES ('call', $1, $2)`, [e164, user.id]),
    ).rejects.toMatchObject({ driverError: { code: '23505', constraint: 'uq_leads_open_phone' } });
  });

  it('a converted or junk lead frees the number for a new one; reopening conflicts', async () => {
    const number = randomNumber();
    const first = await c.post('/api/leads', { phone: number });
    expect(first.status).toBe(201);
    expect((await c.patch(`/api/leads/${first.body.id}`, { status: 'junk' })).status).toBe(200);
    const second = await c.post('/api/leads', { phone: number });
    expect(second.status).toBe(201);
    const reopen = await c.patch(`/api/leads/${first.body.id}`, { status: 'new' });
    expect(reopen.status).toBe(409);
    expect(reopen.body.error.code).toBe('LEAD_ALREADY_OPEN');
  });

  it('ensureOpenLeadForCall: 50 simultaneous calls from one unknown number create it once', async () => {
    const number = randomNumber();
    const results = await Promise.all(Array.from({ length: 50 }, () => t.services.leads.ensureOpenLeadForCall(number)));
    expect(results.filter((r) => r?.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r?.lead.id)).size).toBe(1);
    expect(results[0]!.lead).toMatchObject({ source: 'call', status: 'new', phoneE164: `+${digits(number)}` });
    // The lead the insert returned is the lead as stored (it is not read back).
    const made = results.find((r) => r?.created)!.lead;
    const stored = await t.dataSource.getRepository(LeadEntity).findOneByOrFail({ id: made.id });
    expect(made).toEqual(toLeadDto(stored));
    expect(await t.services.leads.ensureOpenLeadForCall('anonymous')).toBeNull();
  });

  it('rejects an unparseable phone with the field name', async () => {
    const res = await c.post('/api/leads', { phone: '12' });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ field: 'phone', message: expect.any(String) }]);
  });
});
