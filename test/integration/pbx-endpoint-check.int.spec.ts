import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTelephonyProvider, type TelephonyProvider } from '@telephony';
import { ApiClient } from '@test/support/api-client';
import {
  createUser,
  deleteUsers,
  startTestNode,
  suitePrefix,
  TEST_PASSWORD,
  type SeededUser,
  type TestApp,
} from '@test/support/api-server';
import { amiConfigFromEnv } from '@test/support/ami-live';
import { waitFor } from '@test/support/services/ports';

/**
 * An admin giving a user an extension learns whether the PBX has its endpoint: AMI `PJSIPShowEndpoint` against the
 * reference Asterisk 22 (endpoints 1001–1004 and 1901 exist, 1999 does not).
 */
describe('extension check against the real PBX (AMI PJSIPShowEndpoint)', () => {
  let provider: TelephonyProvider;
  let t: TestApp;
  let admin: ApiClient;
  const users: SeededUser[] = [];

  beforeAll(async () => {
    provider = createTelephonyProvider(amiConfigFromEnv());
    t = await startTestNode({}, { provider });
    await waitFor(async () => provider.isUp(), { what: 'AMI provider up', timeoutMs: 15_000 });
    const a = await createUser(t.dataSource, `${suitePrefix('pbx-check')}-admin`, 'admin');
    users.push(a);
    admin = new ApiClient(t.baseUrl);
    await admin.login(a.login, TEST_PASSWORD);
  });
  afterAll(async () => {
    await t.dataSource.query(`DELETE FROM audit_log WHERE actor_id = ANY($1)`, [users.map((u) => u.id)]);
    await deleteUsers(
      t.dataSource,
      users.map((u) => u.id),
    );
    await t.close();
  });

  it('says whether the endpoint exists', async () => {
    expect(await provider.endpointExists!('1003')).toBe(true);
    expect(await provider.endpointExists!('1999')).toBe(false);
    const missing = await admin.get('/api/users/extension-check?extension=1999');
    expect(missing.body).toEqual({ extension: '1999', takenBy: null, pbx: 'missing' });
  });

  it('warns on a user given an extension the PBX does not have', async () => {
    const user = await createUser(t.dataSource, `${suitePrefix('pbx-check')}-op`, 'operator');
    users.push(user);
    const res = await admin.patch(`/api/users/${user.id}`, { extension: '1999' });
    expect(res.status).toBe(200);
    expect(res.body.pbxEndpoint).toBe('missing');
  });
});
