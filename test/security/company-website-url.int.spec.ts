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

/** Issue #21 item 12: a company website is rendered as a link, so only http(s) URLs may be stored. */
describe('security: a company website accepts http and https URLs only', () => {
  let t: TestApp;
  let user: SeededUser;
  let c: ApiClient;

  beforeAll(async () => {
    t = await startTestApp();
    user = await createUser(t.dataSource, `${suitePrefix('web')}-op`, 'operator');
    c = new ApiClient(t.baseUrl);
    await c.login(user.login, TEST_PASSWORD);
  });
  afterAll(async () => {
    await deleteUsers(t.dataSource, [user.id]);
    await t.close();
  });

  const hostile = [
    'javascript:alert(document.cookie)',
    'JaVaScRiPt:alert(1)',
    ' javascript:alert(1)',
    'vbscript:msgbox(1)',
    'data:text/html,<script>alert(1)</script>',
    'file:///etc/passwd',
    'ftp://example.com/',
  ];

  it.each(hostile)('refuses %j on create and on update with 400 naming the field', async (website) => {
    const created = await c.post('/api/companies', { name: 'Web Co', website });
    expect(created.status).toBe(400);
    expect(created.body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(created.body.error.details).toEqual([{ field: 'website', message: expect.any(String) }]);

    const own = await c.post('/api/companies', { name: 'Web Co' });
    const patched = await c.patch(`/api/companies/${own.body.id}`, { website });
    expect(patched.status).toBe(400);
    expect(patched.body.error.details).toEqual([{ field: 'website', message: expect.any(String) }]);
    const [row] = await t.dataSource.query('SELECT website FROM companies WHERE id = $1', [own.body.id]);
    expect(row.website).toBeNull();
  });

  it('keeps accepting http and https links', async () => {
    for (const website of ['https://example.com/about?x=1', 'http://пример.рф/']) {
      const res = await c.post('/api/companies', { name: 'Web Co', website });
      expect(res.status).toBe(201);
      expect(res.body.website).toMatch(/^https?:\/\//);
    }
  });
});
