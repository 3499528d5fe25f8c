import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { phoneKeys } from '@server/common/phone/phone-keys';
import { createDatabase, type Database } from '@server/db/data-source';
import {
  createUser,
  deleteUsers,
  requireDatabaseUrl,
  startTestNode,
  type TestApp,
  type SeededUser,
} from '@test/support/api-server';
import { amiAction, installDialplan, LiveAmi, plugPhone } from '@test/support/ami-live';
import { runSipp, type Phone } from '@test/support/sipp';

const TOKEN = 'routing-test-token-0123456789';
/** The caller of uac-queue-answered-expect-200.xml. */
const SIPP_CALLER = '+79161234567';

describe('owner-sticky routing: GET /api/routing/owner (token, plain text) and DID 7010 on the live Asterisk', () => {
  let database: Database;
  let node: TestApp;
  let baseUrl: string;
  let users: SeededUser[] = [];
  let owner: SeededUser;
  const contactIds: string[] = [];
  const knownNumber = '+79035550101';

  const addContact = async (name: string, number: string, ownerId: string) => {
    const ds = database.dataSource;
    const [{ id }]: [{ id: string }] = await ds.query(
      `INSERT INTO contacts (name, owner_id) VALUES ($1, $2) RETURNING id`,
      [name, ownerId],
    );
    const keys = phoneKeys(number, 'RU');
    await ds.query(`INSERT INTO contact_phones (contact_id, raw, e164, last10) VALUES ($1, $2, $3, $4)`, [
      id,
      number,
      keys.e164,
      keys.last10,
    ]);
    contactIds.push(id);
  };

  beforeAll(async () => {
    database = await createDatabase({ databaseUrl: requireDatabaseUrl(), dataDir: 'unused-with-database-url' });
    const ds = database.dataSource;
    await ds.initialize();
    const tag = Math.random().toString(36).slice(2, 8);
    owner = await createUser(ds, `routing-${tag}-owner`, 'operator', '1002');
    const gone = await createUser(ds, `routing-${tag}-gone`, 'operator', '1777');
    await ds.query(`UPDATE users SET active = false WHERE id = $1`, [gone.id]);
    const leadOwner = await createUser(ds, `routing-${tag}-lead`, 'operator', '1778');
    users = [owner, gone, leadOwner];
    await addContact('Владимир Роутинг', knownNumber, owner.id);
    await addContact('Иван Петров', SIPP_CALLER, owner.id);
    await addContact('Ушедший владелец', '+79035550102', gone.id);
    await ds.query(`INSERT INTO leads (source, phone_raw, phone_e164, owner_id) VALUES ('call', $1, $1, $2)`, [
      '+79035550103',
      leadOwner.id,
    ]);
    // Loopback: Asterisk (sharing the host network) fetches from it.
    node = await startTestNode({ routingToken: TOKEN }, { database });
    baseUrl = node.baseUrl;
  });
  afterAll(async () => {
    await node?.close();
    const ds = database.dataSource;
    await ds.query(`DELETE FROM leads WHERE phone_e164 = '+79035550103'`);
    await ds.query(`DELETE FROM contacts WHERE id = ANY($1)`, [contactIds]);
    await deleteUsers(
      ds,
      users.map((u) => u.id),
    );
    await database.close();
  });

  const lookup = (query: string, headers: Record<string, string> = {}) =>
    fetch(`${baseUrl}/api/routing/owner?${query}`, { headers });

  it('answers the owner extension as plain text for every spelling of a known number', async () => {
    for (const spelling of [knownNumber, '89035550101', '79035550101', '8 (903) 555-01-01']) {
      const res = await lookup(`phone=${encodeURIComponent(spelling)}&token=${TOKEN}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await res.text()).toBe('1002');
    }
    const byHeader = await lookup(`phone=${encodeURIComponent(knownNumber)}`, { 'x-routing-token': TOKEN });
    expect(await byHeader.text()).toBe('1002');
    const byBearer = await lookup(`phone=${encodeURIComponent(knownNumber)}`, { authorization: `Bearer ${TOKEN}` });
    expect(await byBearer.text()).toBe('1002');
  });

  it("falls back to the open lead's owner; empty body for unknown, withheld, or a deactivated owner", async () => {
    expect(await (await lookup(`phone=%2B79035550103&token=${TOKEN}`)).text()).toBe('1778');
    for (const phone of ['%2B79035550199', 'anonymous', '', '%2B79035550102']) {
      const res = await lookup(`phone=${phone}&token=${TOKEN}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('');
    }
  });

  it('401 with the error shape without the token or with a wrong one; a session cookie is not enough', async () => {
    for (const res of [
      await lookup(`phone=${encodeURIComponent(knownNumber)}`),
      await lookup(`phone=${encodeURIComponent(knownNumber)}&token=wrong-token-0123456789xx`),
      await lookup(`phone=${encodeURIComponent(knownNumber)}`, { 'x-routing-token': `${TOKEN}x` }),
    ]) {
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        error: { code: 'UNAUTHENTICATED', message: expect.stringMatching(/token/i) },
      });
    }
  });

  describe('live: a known client calling DID 7010 rings the owner (1002) first', () => {
    let ami: LiveAmi;
    const phones: Phone[] = [];

    beforeAll(async () => {
      // A reused PBX may predate DID 7010: install this profile's dialplan and reload only the dialplan.
      await installDialplan();
      ami = await LiveAmi.start();
    });
    afterAll(async () => {
      await amiAction(['Action: Setvar', 'Variable: ZV_ROUTING_URL', 'Value: ']).catch(() => undefined);
      for (const phone of phones) await phone.stop();
      await ami?.stop();
    });

    it('the owner rings alone and answers; without ZV_ROUTING_URL the same DID rings the queue', async () => {
      phones.push(await plugPhone('1002', 'uas-operator-answer.xml'));
      await ami.waitIdle('1002');

      // Off: 7010 behaves as the queue DID (ringall), so the call is a queue call.
      await amiAction(['Action: Setvar', 'Variable: ZV_ROUTING_URL', 'Value: ']);
      let mark = ami.mark();
      let result = await runSipp('uac-queue-answered-expect-200.xml', { service: '7010', timeoutMs: 40_000 });
      expect(result.code, result.stderr).toBe(0);
      const queued = await ami.call(mark, (e) => e.to.raw === '7010', 'call to 7010 (routing off)');
      expect(queued.events.find((e) => e.type === 'call.ringing')).toMatchObject({ queue: 'support' });

      // On: the CRM names 1002, whose phone is the only one that rings, without the queue.
      const url = `${baseUrl}/api/routing/owner?token=${TOKEN}&phone=`;
      expect(await amiAction(['Action: Setvar', 'Variable: ZV_ROUTING_URL', `Value: ${url}`])).toMatch(
        /Response: Success/,
      );
      await ami.waitIdle('1002');
      mark = ami.mark();
      result = await runSipp('uac-queue-answered-expect-200.xml', { service: '7010', timeoutMs: 40_000 });
      expect(result.code, result.stderr).toBe(0);
      const routed = await ami.call(mark, (e) => e.to.raw === '7010', 'call to 7010 (routing on)');
      const ringing = routed.events.filter((e) => e.type === 'call.ringing');
      expect(ringing.map((e) => e.agentId)).toEqual(['1002']);
      expect(ringing[0]!.queue).toBeUndefined();
      expect(routed.events.find((e) => e.type === 'call.answered')).toMatchObject({ agentId: '1002' });
      expect(routed.ended).toMatchObject({ answered: true });
    });
  });
});
