import { randomUUID } from 'node:crypto';

import { type DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTelephonyProvider, type TelephonyProvider } from '@telephony';
import { phoneKeys } from '@server/common/phone/phone-keys';
import { amiConfigFromEnv, installDialplan, pbxMessages, plugPhone, setPbxGlobal } from '@test/support/ami-live';
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
import { deleteCallsOf } from '@test/support/delete-calls';
import { AmiProbe } from '@test/support/live-app';
import { resetLiveState } from '@test/support/live-reset';
import { waitFor } from '@test/support/services/ports';
import { runSipp, startUas, TRUNK_PORT, type Phone } from '@test/support/sipp';

const TOKEN = 'dnc-live-token-0123456789abcdef';
/** The fixed caller of uac-direct-busy-expect-486.xml (the fail-open case). */
const BUSY_CALLER = '+74951234568';

interface CallRow {
  id: string;
  direction: string;
  status: string;
  disposition: string | null;
  from_e164: string | null;
  to_e164: string | null;
  lead_id: string | null;
  contact_id: string | null;
  answered_at: Date | null;
}

// Do-not-call on the real PBX: sipp (the carrier and the phones) → Asterisk 22, whose dialplan asks this node
// (GET /api/routing/dial-policy, func_curl) → the AMI provider → the node's pipeline on the real Postgres.
// Run under /tmp/zv-live.lock (zv-int).
describe('do-not-call live: the PBX refuses blocked callers and do-not-call numbers, and fails open', () => {
  let node: TestApp;
  let ds: DataSource;
  let provider: TelephonyProvider;
  let probe: AmiProbe;
  let admin: SeededUser;
  let operator: SeededUser;
  let supervisor: SeededUser;
  const phones: Phone[] = [];
  const suffix = String(Date.now() % 10_000).padStart(4, '0');
  const blockedCaller = `+7495303${suffix}`;
  const doNotCall = `+7916303${suffix}`;
  const allowed = `+7916304${suffix}`;
  const contactIds: string[] = [];
  const numbers = [blockedCaller, doNotCall, allowed, BUSY_CALLER];

  const callsOf = async (column: 'from_e164' | 'to_e164', e164: string): Promise<CallRow[]> =>
    ds.query(
      `SELECT id, direction, status, disposition, from_e164, to_e164, lead_id, contact_id, answered_at
       FROM calls WHERE ${column} = $1 ORDER BY started_at`,
      [e164],
    );
  const endedCall = async (column: 'from_e164' | 'to_e164', e164: string, what: string): Promise<CallRow> => {
    let row: CallRow | undefined;
    await waitFor(
      async () => {
        row = (await callsOf(column, e164)).find((c) => c.status === 'ended');
        return row !== undefined;
      },
      { what, timeoutMs: 20_000 },
    );
    return row!;
  };
  /** Each case plugs in the phones it needs: whatever the previous one left is unplugged first. */
  const plug = async (...start: (() => Promise<Phone>)[]) => {
    for (const phone of phones.splice(0)) await phone.stop();
    for (const phone of start) phones.push(await phone());
  };
  const login = async (user: SeededUser) => {
    const client = new ApiClient(node.baseUrl);
    await client.login(user.login, TEST_PASSWORD);
    return client;
  };
  const cleanNumbers = async () => {
    await ds.query(`DELETE FROM blocked_numbers WHERE e164 = ANY($1)`, [numbers]);
    await deleteCallsOf(ds, numbers);
    await ds.query(`DELETE FROM tasks WHERE kind = 'callback' AND callback_phone = ANY($1)`, [numbers]);
  };

  beforeAll(async () => {
    await resetLiveState();
    await installDialplan();
    provider = createTelephonyProvider(amiConfigFromEnv());
    // Loopback: Asterisk (sharing the host network) fetches from it.
    node = await startTestNode({ routingToken: TOKEN }, { provider });
    ds = node.dataSource;
    await cleanNumbers();
    const prefix = suitePrefix('dnc-live');
    admin = await createUser(ds, `${prefix}-admin`, 'admin');
    operator = await createUser(ds, `${prefix}-op`, 'operator', '1001');
    supervisor = await createUser(ds, `${prefix}-sup`, 'supervisor', '1901');
    const [{ id }]: [{ id: string }] = await ds.query(
      `INSERT INTO contacts (name, owner_id, do_not_call) VALUES ('Не звонить Лайв', $1, true) RETURNING id`,
      [operator.id],
    );
    contactIds.push(id);
    const keys = phoneKeys(doNotCall, 'RU');
    await ds.query(`INSERT INTO contact_phones (contact_id, raw, e164, last10) VALUES ($1, $2, $3, $4)`, [
      id,
      doNotCall,
      keys.e164,
      keys.last10,
    ]);
    probe = new AmiProbe();
    await probe.start();
    await waitFor(async () => provider.isUp(), { what: 'AMI provider up', timeoutMs: 10_000 });
    await setPbxGlobal('ZV_DIAL_POLICY_URL', `${node.baseUrl}/api/routing/dial-policy?token=${TOKEN}&`);
  });

  afterAll(async () => {
    await setPbxGlobal('ZV_DIAL_POLICY_URL', '').catch(() => undefined);
    for (const phone of phones) await phone.stop();
    await probe?.stop();
    await cleanNumbers();
    await ds.query(`DELETE FROM dial_overrides WHERE user_id = ANY($1)`, [[supervisor.id, operator.id]]);
    await ds.query(`DELETE FROM contacts WHERE id = ANY($1)`, [contactIds]);
    await deleteUsers(ds, [admin.id, operator.id, supervisor.id]);
    await node?.close();
    await resetLiveState();
  });

  it('a caller on the blocked list is rejected by the PBX (403, before any phone rings), stored as blocked, no lead', async () => {
    const adminApi = await login(admin);
    const created = await adminApi.post('/api/blocked-numbers', { phone: blockedCaller, reason: 'угрозы операторам' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // The phone is plugged in and would answer: only the dialplan's refusal gives the caller a 403.
    await plug(() => plugPhone('1001', 'uas-operator-answer.xml'));
    const logFrom = await pbxMessages.size();

    const result = await runSipp('uac-blocked-expect-403.xml', {
      service: '7001',
      timeoutMs: 30_000,
      extraArgs: ['-key', 'caller', blockedCaller],
    });
    expect(result.code, result.stdout.slice(-1500)).toBe(0);

    const call = await endedCall('from_e164', blockedCaller, 'the blocked call stored');
    expect(call).toMatchObject({ direction: 'inbound', disposition: 'blocked', lead_id: null, contact_id: null });
    expect(call.answered_at).toBeNull();
    const leads = await ds.query(`SELECT id FROM leads WHERE phone_e164 = $1`, [blockedCaller]);
    expect(leads).toEqual([]);
    const pops = await ds.query(`SELECT user_id FROM call_pops WHERE call_id = $1`, [call.id]);
    expect(pops).toEqual([]);
    expect(await pbxMessages.since(logFrom)).toContain(`zvonok dial policy: inbound call ${blockedCaller} refused`);
    // The call log shows it as blocked.
    const log = await adminApi.get(`/api/calls?phone=${encodeURIComponent(blockedCaller)}`);
    expect(log.body.items).toEqual([expect.objectContaining({ id: call.id, disposition: 'blocked' })]);
  });

  it('click-to-call to a do-not-call client: the PBX refuses it after the operator answers, the trunk is never dialled', async () => {
    await plug(
      () => plugPhone('1001', 'uas-operator-answer.xml'),
      () => startUas('uas-outside-answer.xml', TRUNK_PORT, 'outside'),
    );
    const logFrom = await pbxMessages.size();
    const mark = probe.events.length;
    // Straight to the adapter: the REST route would refuse first (409); here the PBX must refuse by itself.
    await provider.originate({ agentExtension: '1001', destination: doNotCall, requestId: randomUUID() });
    const call = await endedCall('to_e164', doNotCall, 'the refused click-to-call stored');
    expect(call).toMatchObject({ direction: 'outbound', disposition: 'blocked', to_e164: doNotCall });
    expect(call.answered_at).toBeNull();
    const trunkLegs = probe.events
      .slice(mark)
      .filter((e) => e.event === 'Newchannel' && (e.fields.channel ?? '').startsWith('PJSIP/trunk-'));
    expect(trunkLegs).toEqual([]);
    expect(await pbxMessages.since(logFrom)).toContain(`zvonok dial policy: outbound call ${doNotCall} refused`);

    // Control: a number nobody blocked goes out through the trunk and the outside party answers.
    await provider.originate({ agentExtension: '1001', destination: allowed, requestId: randomUUID() });
    const placed = await endedCall('to_e164', allowed, 'the allowed click-to-call stored');
    expect(placed).toMatchObject({ direction: 'outbound', disposition: 'answered' });
  });

  it("the REST route refuses first (409), and a supervisor's override gets the same number past the PBX, once", async () => {
    await plug(
      () => plugPhone('1901', 'uas-operator-answer.xml'),
      () => startUas('uas-outside-answer.xml', TRUNK_PORT, 'outside'),
    );
    const operatorApi = await login(operator);
    const refused = await operatorApi.post('/api/calls/originate', { destination: doNotCall });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'DO_NOT_CALL',
      details: { reason: 'do-not-call', overridable: false },
    });

    const before = (await callsOf('to_e164', doNotCall)).length;
    const supervisorApi = await login(supervisor);
    const res = await supervisorApi.post('/api/calls/originate', {
      destination: '8 (916) 303-' + suffix.slice(0, 2) + '-' + suffix.slice(2),
      override: { reason: 'клиент сам просил перезвонить' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    let call: CallRow | undefined;
    await waitFor(
      async () => {
        call = (await callsOf('to_e164', doNotCall)).slice(before).find((c) => c.status === 'ended');
        return call !== undefined;
      },
      { what: 'the overridden call stored', timeoutMs: 25_000 },
    );
    expect(call).toMatchObject({ direction: 'outbound', disposition: 'answered' });
    const grants: { used_at: Date | null; extension: string }[] = await ds.query(
      `SELECT used_at, extension FROM dial_overrides WHERE user_id = $1`,
      [supervisor.id],
    );
    expect(grants).toEqual([{ used_at: expect.any(Date), extension: '1901' }]);
    const audit = await ds.query(
      `SELECT details FROM audit_log WHERE actor_id = $1 AND action = 'call.do-not-call.override'`,
      [supervisor.id],
    );
    expect(audit).toEqual([
      {
        details: expect.objectContaining({
          destination: doNotCall,
          refusal: 'do-not-call',
          reason: 'клиент сам просил перезвонить',
          via: 'originate',
        }),
      },
    ]);

    // The override was used up: the same number from the same phone, straight at the PBX, is refused again.
    await provider.originate({ agentExtension: '1901', destination: doNotCall, requestId: randomUUID() });
    await waitFor(async () => (await callsOf('to_e164', doNotCall)).filter((c) => c.status === 'ended').length >= 3, {
      what: 'the second attempt stored',
      timeoutMs: 20_000,
    });
    const last = (await callsOf('to_e164', doNotCall)).at(-1)!;
    expect(last.disposition).toBe('blocked');
  });

  it('fails open: with the CRM unreachable a blocked caller still gets through, and the PBX logs why', async () => {
    await ds.query(
      `INSERT INTO blocked_numbers (phone_raw, e164, last10, reason) VALUES ($1, $1, $2, 'fail-open probe')`,
      [BUSY_CALLER, BUSY_CALLER.slice(-10)],
    );
    // Nothing listens on port 9 (discard) here: the lookup is refused at once.
    await setPbxGlobal('ZV_DIAL_POLICY_URL', `http://127.0.0.1:9/api/routing/dial-policy?token=${TOKEN}&`);
    try {
      await plug(() => plugPhone('1003', 'uas-operator-busy.xml'));
      const logFrom = await pbxMessages.size();
      const result = await runSipp('uac-direct-busy-expect-486.xml', { service: '7003', timeoutMs: 30_000 });
      // 486 from the busy phone, not 403: the call went on to ring.
      expect(result.code, result.stdout.slice(-1500)).toBe(0);
      const messages = await pbxMessages.since(logFrom);
      expect(messages).toMatch(
        new RegExp(
          `zvonok dial policy: no answer from the CRM for inbound \\${BUSY_CALLER} .*call allowed \\(fail open\\)`,
        ),
      );
    } finally {
      await plug();
      await setPbxGlobal('ZV_DIAL_POLICY_URL', `${node.baseUrl}/api/routing/dial-policy?token=${TOKEN}&`);
    }
  });
});
