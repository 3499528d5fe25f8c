import { type DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTelephonyProvider, type TelephonyProvider } from '@telephony';
import { type CampaignDto } from '@contracts/dto/campaign';
import { amiConfigFromEnv, installDialplan, plugPhone, setPbxGlobal } from '@test/support/ami-live';
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
import { resetLiveState } from '@test/support/live-reset';
import { waitFor } from '@test/support/services/ports';
import { startUas, TRUNK_PORT, type Phone } from '@test/support/sipp';
import { connectOperator, type ClientSocket, type Received } from '@test/support/web-node';

const TOKEN = 'campaigns-cf-live-token-0123456789';
const CALLER_ID = '+74950001930';
const QUEUE = 'support';

interface AttemptRow {
  phone_e164: string;
  outcome: string | null;
  user_id: string | null;
  started_at: Date;
  connected_at: Date | null;
  ended_at: Date | null;
}

// Customer-first progressive dialling on the real PBX: the node's dialer → AMI Originate of the customer (sipp
// behind the trunk answers, talks 2 s and hangs up) → the answered customer waits in the queue `support`, whose
// members 1001 and 1002 are sipp operators that answer. Two free operators at ratio 1.5 open three lines: a customer
// no operator takes is abandoned, and over the abandon cap the dialer slows to one call at a time. Run under
// /tmp/zv-live.lock (zv-int).
describe('campaigns live: customer first with a ratio and the abandon cap, on the real Asterisk with sipp', () => {
  let node: TestApp;
  let ds: DataSource;
  let provider: TelephonyProvider;
  let supervisor: SeededUser;
  let op1: SeededUser;
  let op2: SeededUser;
  let api: ApiClient;
  const phones: Phone[] = [];
  const sockets: ClientSocket[] = [];
  const screens: Received[][] = [];
  const contactIds: string[] = [];
  let campaignId: string | undefined;
  const n = String(Math.floor(Math.random() * 900) + 100);
  const prefix = suitePrefix('camp-cf');
  const numbers = [1, 2, 3, 4, 5, 6].map((i) => `+7495${n}40${String(i).padStart(2, '0')}`);

  const attempts = (): Promise<AttemptRow[]> =>
    ds.query(
      `SELECT phone_e164, outcome, user_id, started_at, connected_at, ended_at FROM campaign_attempts
       WHERE campaign_id = $1 ORDER BY started_at`,
      [campaignId],
    );
  const cleanCalls = () => deleteCallsOf(ds, numbers);

  beforeAll(async () => {
    await resetLiveState();
    await installDialplan();
    provider = createTelephonyProvider(amiConfigFromEnv());
    node = await startTestNode(
      { routingToken: TOKEN, campaigns: { callerIds: [CALLER_ID], tickMs: 200 } },
      { provider, name: 'node-cf' },
    );
    ds = node.dataSource;
    await cleanCalls();
    await waitFor(async () => provider.isUp(), { what: 'AMI provider up', timeoutMs: 10_000 });
    supervisor = await createUser(ds, `${prefix}-sup`, 'supervisor');
    op1 = await createUser(ds, `${prefix}-op1`, 'operator', '1001');
    op2 = await createUser(ds, `${prefix}-op2`, 'operator', '1002');
    for (const op of [op1, op2]) {
      await node.services.agents.setState(op, op.id, { state: 'available' });
      const connected = await connectOperator(node.baseUrl, op.login);
      sockets.push(connected.socket);
      screens.push(connected.received);
    }
    api = new ApiClient(node.baseUrl);
    await api.login(supervisor.login, TEST_PASSWORD);
    await setPbxGlobal('ZV_DIAL_POLICY_URL', `${node.baseUrl}/api/routing/dial-policy?token=${TOKEN}&`);
    for (const e164 of numbers) {
      const [{ id }]: [{ id: string }] = await ds.query(
        `INSERT INTO contacts (name, owner_id, tags) VALUES ($1, $2, $3) RETURNING id`,
        [`Клиент ${e164}`, supervisor.id, [prefix]],
      );
      await ds.query(`INSERT INTO contact_phones (contact_id, raw, e164, last10) VALUES ($1, $2, $2, $3)`, [
        id,
        e164,
        e164.slice(-10),
      ]);
      contactIds.push(id);
    }
    phones.push(
      await plugPhone('1001', 'uas-operator-answer.xml'),
      await plugPhone('1002', 'uas-operator-answer.xml'),
      await startUas('uas-campaign-customers.xml', TRUNK_PORT, 'customers'),
    );
  });

  afterAll(async () => {
    if (campaignId) await api?.post(`/api/campaigns/${campaignId}/actions`, { action: 'stop' }).catch(() => undefined);
    await node?.services.campaignDialer.idle();
    for (const socket of sockets) socket.close();
    await setPbxGlobal('ZV_DIAL_POLICY_URL', '').catch(() => undefined);
    for (const phone of phones) await phone.stop();
    if (ds) {
      await ds.query(`DELETE FROM campaigns WHERE id = $1`, [campaignId]);
      await cleanCalls();
      await ds.query(`DELETE FROM contacts WHERE id = ANY($1)`, [contactIds]);
      await deleteUsers(ds, [supervisor.id, op1.id, op2.id]);
    }
    await node?.close();
    await resetLiveState();
  });

  it('a ratio above 1 needs the queue the operators answer in (400, nothing created)', async () => {
    const res = await api.post('/api/campaigns', {
      name: `${prefix} no queue`,
      mode: 'progressive',
      operatorIds: [op1.id],
      callerId: CALLER_ID,
      ratio: 1.5,
      dispositions: ['sale'],
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'CAMPAIGN_QUEUE_REQUIRED' });
    expect(await ds.query(`SELECT 1 FROM campaigns WHERE name = $1`, [`${prefix} no queue`])).toEqual([]);
  });

  it('dials 1.5 lines per free operator, records the customer nobody took as abandoned, then slows to one at a time', async () => {
    const res = await api.post<CampaignDto>('/api/campaigns', {
      name: `${prefix} customer first`,
      mode: 'progressive',
      queue: QUEUE,
      operatorIds: [op1.id, op2.id],
      callerId: CALLER_ID,
      ratio: 1.5,
      abandonCapPercent: 3,
      callWindow: { from: '00:00', to: '24:00' },
      dispositions: ['sale'],
      script: 'Добрый день! Вас приветствует Звонок.',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    campaignId = res.body.id;
    const built = await api.post(`/api/campaigns/${campaignId}/records/build`, { source: 'contacts', tag: prefix });
    expect(built.body).toMatchObject({ added: numbers.length });
    expect((await api.post(`/api/campaigns/${campaignId}/actions`, { action: 'start' })).body.status).toBe('running');

    // Every number dialled once and every call over (an abandoned one is due again only in 30 minutes).
    await waitFor(
      async () => {
        const all = await attempts();
        return new Set(all.map((a) => a.phone_e164)).size === numbers.length && all.every((a) => a.ended_at !== null);
      },
      { what: 'every number dialled once and its call over', timeoutMs: 45_000 },
    ).catch(async (err: unknown) => {
      // What the dialer saw, so a hang says why (operators not available, records stuck, attempts never ended).
      const agents = (await node.services.agents.list()).filter((a) => a.userId === op1.id || a.userId === op2.id);
      const records = await ds.query(`SELECT state, next_due_at FROM campaign_records WHERE campaign_id = $1`, [
        campaignId,
      ]);
      throw new Error(
        `${String(err)}; records ${JSON.stringify(records)}; agents ${JSON.stringify(agents)}; attempts ${JSON.stringify(await attempts())}`,
      );
    });
    await api.post(`/api/campaigns/${campaignId}/actions`, { action: 'stop' });
    await node.services.campaignDialer.idle();
    const all = await attempts();

    // The first tick: two free operators, ratio 1.5 → three lines at once, not two and not four.
    const firstEnd = Math.min(...all.map((a) => a.ended_at!.getTime()));
    const firstBatch = all.filter((a) => a.started_at.getTime() < firstEnd);
    expect(firstBatch).toHaveLength(3);

    // Every customer answered (the sipp customers all do); one an operator took is answered and theirs, one nobody
    // took is abandoned, never an operator's.
    expect(all.every((a) => a.connected_at !== null)).toBe(true);
    const abandoned = all.filter((a) => a.outcome === 'abandoned');
    const answered = all.filter((a) => a.outcome === 'answered');
    expect(abandoned.length).toBeGreaterThanOrEqual(1);
    expect(answered.length).toBeGreaterThanOrEqual(2);
    expect(abandoned.length + answered.length).toBe(all.length);
    expect(abandoned.every((a) => a.user_id === null)).toBe(true);
    expect(answered.every((a) => a.user_id === op1.id || a.user_id === op2.id)).toBe(true);
    const records: { phone_e164: string; state: string; last_outcome: string }[] = await ds.query(
      `SELECT phone_e164, state, last_outcome FROM campaign_records WHERE campaign_id = $1`,
      [campaignId],
    );
    for (const a of abandoned) {
      expect(records.find((r) => r.phone_e164 === a.phone_e164)).toMatchObject({
        state: 'pending',
        last_outcome: 'abandoned',
      });
    }

    // Over the cap (≥ 1 abandoned of 3 answered > 3 %): after the first abandon, one new call per pacing interval
    // (no call started within 2 s of another), where the first tick started three together. A tick that read the
    // pacing just before the abandon was stored may still open its lines after it (a clean-clone CI saw two starts
    // 24 ms apart): ticks are 200 ms apart and their claims take milliseconds, so the pacing holds for every start
    // a second or more after the abandon.
    const firstAbandonEnd = Math.min(...abandoned.map((a) => a.ended_at!.getTime()));
    const later = all.filter((a) => a.started_at.getTime() > firstAbandonEnd).map((a) => a.started_at.getTime());
    expect(later.length).toBeGreaterThanOrEqual(1);
    for (let i = 1; i < later.length; i++) {
      if (later[i]! - firstAbandonEnd >= 1_000) expect(later[i]! - later[i - 1]!).toBeGreaterThanOrEqual(2_000);
    }

    const progress = await api.get(`/api/campaigns/${campaignId}/progress`);
    expect(progress.body.abandonRate).toBeCloseTo(abandoned.length / all.length, 5);

    // The answered calls popped the customer's card, marked with the campaign, on the operator who took them.
    for (const a of answered) {
      const screen = a.user_id === op1.id ? screens[0]! : screens[1]!;
      const pop = screen.find((r) => r.event === 'call:ringing' && r.payload.card?.number?.e164 === a.phone_e164);
      expect(pop?.payload.card, a.phone_e164).toMatchObject({
        kind: 'contact',
        contact: { name: `Клиент ${a.phone_e164}` },
        campaign: { id: campaignId },
      });
    }
  });
});
