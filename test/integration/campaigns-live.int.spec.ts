import { type DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTelephonyProvider, type TelephonyProvider } from '@telephony';
import { type CampaignDto } from '@contracts/dto/campaign';
import { createDatabase, type Database } from '@server/db/data-source';
import { CampaignDialer } from '@server/modules/campaigns/campaign-dialer';
import { CampaignsRepository } from '@server/modules/campaigns/campaigns.repository';
import { amiConfigFromEnv, installDialplan, plugPhone, setPbxGlobal } from '@test/support/ami-live';
import { ApiClient } from '@test/support/api-client';
import {
  createUser,
  deleteUsers,
  requireDatabaseUrl,
  startTestNode,
  suitePrefix,
  TEST_PASSWORD,
  testLogger,
  type SeededUser,
  type TestApp,
} from '@test/support/api-server';
import { deleteCallsOf } from '@test/support/delete-calls';
import { AmiProbe } from '@test/support/live-app';
import { resetLiveState } from '@test/support/live-reset';
import { waitFor } from '@test/support/services/ports';
import { startUas, TRUNK_PORT, type Phone } from '@test/support/sipp';
import { connectOperator, type ClientSocket, type Received } from '@test/support/web-node';

const TOKEN = 'campaigns-live-token-0123456789ab';
const CALLER_ID = '+74950001920';

interface RecordRow {
  phone_e164: string;
  state: string;
  attempts: number;
  next_due_at: Date;
  last_outcome: string | null;
}
interface AttemptRow {
  phone_e164: string;
  outcome: string | null;
  started_at: Date;
  ended_at: Date | null;
  node_id: string;
  connected_at: Date | null;
}

/**
 * The next 18:30 in Moscow (15:30 UTC) at least a minute ahead: Moscow callees are inside 09:00–21:00, while a
 * Novosibirsk callee (UTC+7) is at 22:30.
 */
function virtualStart(): number {
  const now = Date.now();
  const today = new Date(now);
  let target = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate(), 15, 30);
  if (target < now + 60_000) target += 86_400_000;
  return target;
}

// Outbound campaigns on the real PBX: two dialers (the node's own and a second one on its own database pool, as two
// web nodes) → AMI Originate on Asterisk 22 → sipp operators (1001, 1002) answer, then sipp customers behind the
// trunk answer, are busy or do not answer by their number (uas-campaign-customers.xml) → the node's call pipeline
// settles each attempt. The dialers share an injected clock. Run under /tmp/zv-live.lock (zv-int).
describe('campaigns live: a progressive campaign on the real Asterisk with sipp operators and customers', () => {
  let node: TestApp;
  let ds: DataSource;
  let second: Database;
  let provider: TelephonyProvider;
  let probe: AmiProbe;
  let dialerB: CampaignDialer;
  let supervisor: SeededUser;
  let op1: SeededUser;
  let op2: SeededUser;
  let api: ApiClient;
  const phones: Phone[] = [];
  const sockets: ClientSocket[] = [];
  /** What the operators' screens received. */
  const screens: Received[][] = [];
  const campaignIds: string[] = [];
  const contactIds: string[] = [];
  const clock = { offsetMs: 0 };
  const now = () => new Date(Date.now() + clock.offsetMs);
  const n = String(Math.floor(Math.random() * 900) + 100);
  const prefix = suitePrefix('camp-live');
  // Moscow landlines; the customers' sipp is busy for numbers ending 486 and does not answer for 480.
  const answers1 = `+7495${n}1001`;
  const answers2 = `+7495${n}1002`;
  const busy = `+7495${n}0486`;
  const noAnswer = `+7495${n}0480`;
  const dncAtBuild = `+7495${n}1003`;
  const dncLater = `+7495${n}1004`;
  const novosibirsk = `+7383${n}1005`;
  const stopList = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => `+7495${n}20${String(i).padStart(2, '0')}`);
  const allNumbers = [answers1, answers2, busy, noAnswer, dncAtBuild, dncLater, novosibirsk, ...stopList];

  const records = async (campaignId: string): Promise<Record<string, RecordRow>> => {
    const rows: RecordRow[] = await ds.query(
      `SELECT phone_e164, state, attempts, next_due_at, last_outcome FROM campaign_records WHERE campaign_id = $1`,
      [campaignId],
    );
    return Object.fromEntries(rows.map((r) => [r.phone_e164, r]));
  };
  const attempts = (campaignId: string): Promise<AttemptRow[]> =>
    ds.query(
      `SELECT phone_e164, outcome, started_at, ended_at, node_id, connected_at FROM campaign_attempts
       WHERE campaign_id = $1 ORDER BY started_at`,
      [campaignId],
    );
  const callsTo = (e164: string): Promise<{ started_at: Date; ended_at: Date | null; disposition: string }[]> =>
    ds.query(`SELECT started_at, ended_at, disposition FROM calls WHERE to_e164 = $1 ORDER BY started_at`, [e164]);
  const addContact = async (e164: string, doNotCall: boolean) => {
    const [{ id }]: [{ id: string }] = await ds.query(
      `INSERT INTO contacts (name, owner_id, do_not_call, tags) VALUES ($1, $2, $3, $4) RETURNING id`,
      [`Клиент ${e164}`, supervisor.id, doNotCall, [prefix]],
    );
    await ds.query(`INSERT INTO contact_phones (contact_id, raw, e164, last10) VALUES ($1, $2, $2, $3)`, [
      id,
      e164,
      e164.slice(-10),
    ]);
    contactIds.push(id);
    return id;
  };
  const createCampaign = async (extra: Record<string, unknown> = {}): Promise<CampaignDto> => {
    const res = await api.post<CampaignDto>('/api/campaigns', {
      name: `${prefix} ${campaignIds.length}`,
      mode: 'progressive',
      operatorIds: [op1.id, op2.id],
      callerId: CALLER_ID,
      dispositions: ['sale', 'call later'],
      closingDispositions: ['sale'],
      retryRules: { maxAttempts: 2, busy: 15, 'no-answer': 120 },
      script: 'Добрый день! Звоню по поводу вашей заявки.',
      ...extra,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    campaignIds.push(res.body.id);
    return res.body;
  };
  const cleanCalls = () => deleteCallsOf(ds, allNumbers);

  beforeAll(async () => {
    await resetLiveState();
    await installDialplan();
    provider = createTelephonyProvider(amiConfigFromEnv());
    clock.offsetMs = virtualStart() - Date.now();
    node = await startTestNode(
      { routingToken: TOKEN, campaigns: { callerIds: [CALLER_ID], tickMs: 200 } },
      { provider, clock: now, name: 'node-a' },
    );
    ds = node.dataSource;
    await cleanCalls();
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
    // A second web node's dialer: its own database pool, the same PBX.
    second = await createDatabase({ databaseUrl: requireDatabaseUrl(), dataDir: node.node.config.dataDir });
    await second.dataSource.initialize();
    dialerB = new CampaignDialer({
      repo: new CampaignsRepository(second.dataSource),
      dialPolicy: node.services.dialPolicy,
      agents: node.services.agents,
      telephony: provider,
      settings: () => node.services.settings.current(),
      logger: testLogger('node-b'),
      nodeId: 'node-b',
      now,
    });
    probe = new AmiProbe();
    await probe.start();
    await waitFor(async () => provider.isUp(), { what: 'AMI provider up', timeoutMs: 10_000 });
    await setPbxGlobal('ZV_DIAL_POLICY_URL', `${node.baseUrl}/api/routing/dial-policy?token=${TOKEN}&`);
    phones.push(
      await plugPhone('1001', 'uas-operator-answer.xml'),
      await plugPhone('1002', 'uas-operator-answer.xml'),
      await startUas('uas-campaign-customers.xml', TRUNK_PORT, 'customers'),
    );
  });

  afterAll(async () => {
    dialerB?.stop();
    await dialerB?.idle();
    for (const socket of sockets) socket.close();
    await setPbxGlobal('ZV_DIAL_POLICY_URL', '').catch(() => undefined);
    for (const phone of phones) await phone.stop();
    await probe?.stop();
    await ds.query(`DELETE FROM campaigns WHERE id = ANY($1)`, [campaignIds]);
    await cleanCalls();
    await ds.query(`DELETE FROM contacts WHERE id = ANY($1)`, [contactIds]);
    await deleteUsers(ds, [supervisor.id, op1.id, op2.id]);
    await second?.close();
    await node?.close();
    await resetLiveState();
  });

  it('dials the list through two nodes: skips do-not-call and a callee at 22:30, retries busy by the rule, never one number twice at once', async () => {
    for (const e164 of [answers1, answers2, busy, noAnswer, dncLater, novosibirsk]) await addContact(e164, false);
    await addContact(dncAtBuild, true);
    const campaign = await createCampaign();
    const built = await api.post(`/api/campaigns/${campaign.id}/records/build`, { source: 'contacts', tag: prefix });
    expect(built.body).toEqual({ added: 7, duplicates: 0, excluded: 1 });
    // Marked do-not-call after the list was built: the dialer must refuse it at dial time.
    await ds.query(`UPDATE contacts SET do_not_call = true WHERE id = $1`, [contactIds[4]]);
    const mark = probe.events.length;

    expect((await api.post(`/api/campaigns/${campaign.id}/actions`, { action: 'start' })).body.status).toBe('running');
    dialerB.start(200);

    // First pass: everything dialable is dialled once; busy and no-answer wait for their retry.
    await waitFor(
      async () => {
        const r = await records(campaign.id);
        return (
          r[answers1]!.state === 'done' &&
          r[answers2]!.state === 'done' &&
          r[busy]!.state === 'pending' &&
          r[busy]!.attempts === 1 &&
          r[noAnswer]!.state === 'pending' &&
          r[noAnswer]!.attempts === 1 &&
          r[dncLater]!.state === 'excluded'
        );
      },
      { what: 'the first pass through the list', timeoutMs: 60_000 },
    );
    let r = await records(campaign.id);
    const endedBusy = (await attempts(campaign.id)).find((a) => a.phone_e164 === busy)!.ended_at!;
    expect(r[busy]!.next_due_at.getTime() - (endedBusy.getTime() + clock.offsetMs)).toBeGreaterThan(14 * 60_000);
    expect(r[noAnswer]!.last_outcome).toBe('no-answer');
    // The callee at 22:30 their time waits for 09:00 there (02:00 UTC the next day); never dialled.
    const start = new Date(virtualStart());
    expect(r[novosibirsk]).toMatchObject({ state: 'pending', attempts: 0 });
    expect(r[novosibirsk]!.next_due_at.toISOString()).toBe(
      new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + 1, 2, 0)).toISOString(),
    );

    // 16 minutes later (the injected clock): the busy number is due again, is busy again, and fails (max 2).
    clock.offsetMs += 16 * 60_000;
    await waitFor(async () => (await records(campaign.id))[busy]!.state === 'failed', {
      what: 'the busy number retried once and failed',
      timeoutMs: 30_000,
    });
    r = await records(campaign.id);
    expect(r[busy]).toMatchObject({ attempts: 2, last_outcome: 'busy' });
    expect(r[noAnswer]).toMatchObject({ state: 'pending', attempts: 1 }); // due 2 h after its attempt
    expect(r[dncAtBuild]).toMatchObject({ state: 'excluded', attempts: 0 });
    expect(r[dncLater]).toMatchObject({ state: 'excluded', attempts: 0 });

    // Exactly the attempts the rules allow, and the PBX saw exactly those calls.
    const all = await attempts(campaign.id);
    const dialled = (e164: string) => all.filter((a) => a.phone_e164 === e164 && a.connected_at !== null);
    expect(dialled(answers1).map((a) => a.outcome)).toEqual(['answered']);
    expect(dialled(answers2).map((a) => a.outcome)).toEqual(['answered']);
    expect(dialled(busy).map((a) => a.outcome)).toEqual(['busy', 'busy']);
    expect(dialled(noAnswer).map((a) => a.outcome)).toEqual(['no-answer']);
    for (const never of [dncAtBuild, dncLater, novosibirsk]) {
      expect(dialled(never)).toEqual([]);
      expect(await callsTo(never)).toEqual([]);
    }
    expect(all.filter((a) => a.phone_e164 === dncLater).map((a) => a.outcome)).toEqual(['blocked']);
    expect((await callsTo(answers1)).map((c) => c.disposition)).toEqual(['answered']);
    expect(await callsTo(busy)).toHaveLength(2);
    expect(await callsTo(noAnswer)).toHaveLength(1);

    // Each call popped the dialled contact's card on the ringing operator's screen, marked with the campaign and its
    // script, although the operator's phone rang before the PBX named the customer.
    for (const e164 of [answers1, answers2, busy, noAnswer]) {
      const pops = screens.flat().filter((x) => x.event === 'call:ringing' && x.payload.card?.number?.e164 === e164);
      expect(pops.length, e164).toBe(dialled(e164).length);
      for (const pop of pops) {
        expect(pop.payload.card).toMatchObject({
          kind: 'contact',
          direction: 'outbound',
          contact: { name: `Клиент ${e164}` },
          campaign: { id: campaign.id, name: campaign.name, script: campaign.script },
        });
        expect(pop.payload.call.to.e164).toBe(e164);
      }
    }
    const [popRow]: { user_id: string }[] = await ds.query(
      `SELECT p.user_id FROM call_pops p JOIN calls k ON k.id = p.call_id WHERE k.to_e164 = $1`,
      [answers1],
    );
    const [answeredBy]: { user_id: string }[] = await ds.query(
      `SELECT user_id FROM campaign_attempts WHERE phone_e164 = $1 AND campaign_id = $2`,
      [answers1, campaign.id],
    );
    expect(popRow?.user_id).toBe(answeredBy!.user_id);
    const [linked]: { contact_id: string | null }[] = await ds.query(
      `SELECT contact_id FROM calls WHERE to_e164 = $1`,
      [answers1],
    );
    expect(linked!.contact_id).toBe(contactIds[0]);

    // Never one number twice at once: each number's attempts and calls follow one another.
    for (const e164 of [answers1, answers2, busy, noAnswer]) {
      const spans = [...dialled(e164).map((a) => [a.started_at, a.ended_at!] as const)];
      for (let i = 1; i < spans.length; i++) expect(spans[i]![0] >= spans[i - 1]![1]).toBe(true);
      const calls = await callsTo(e164);
      for (let i = 1; i < calls.length; i++) expect(calls[i]!.started_at >= calls[i - 1]!.ended_at!).toBe(true);
    }
    // The trunk leg carried the campaign's caller ID.
    const trunkDials = probe.events
      .slice(mark)
      .filter((e) => e.event === 'DialBegin' && (e.fields.destchannel ?? '').startsWith('PJSIP/trunk-'));
    expect(trunkDials.length).toBe(5);
    expect(new Set(trunkDials.map((e) => e.fields.calleridnum))).toEqual(new Set([CALLER_ID]));

    const progress = await api.get(`/api/campaigns/${campaign.id}/progress`);
    expect(progress.body).toMatchObject({
      attempts: 5,
      answered: 2,
      answerRate: 2 / 5,
      records: { done: 2, failed: 1, excluded: 2, pending: 2, dialling: 0 },
    });
    dialerB.stop();
    await dialerB.idle();
  });

  it("a supervisor's stop: no record is claimed or dialled after it, and what is left stays pending", async () => {
    for (const e164 of stopList) await addContact(e164, false);
    const campaign = await createCampaign({ name: `${prefix} stop` });
    await ds.query(`UPDATE contacts SET tags = ARRAY[$1] WHERE id = ANY($2)`, [`${prefix}-stop`, contactIds.slice(-8)]);
    await api.post(`/api/campaigns/${campaign.id}/records/build`, { source: 'contacts', tag: `${prefix}-stop` });
    dialerB.start(200);
    await api.post(`/api/campaigns/${campaign.id}/actions`, { action: 'start' });
    await waitFor(async () => (await attempts(campaign.id)).some((a) => a.connected_at !== null), {
      what: 'the first campaign call connected',
      timeoutMs: 30_000,
    });
    const stopped = await api.post(`/api/campaigns/${campaign.id}/actions`, { action: 'stop' });
    expect(stopped.body.status).toBe('stopped');
    const stoppedAt = new Date();
    // The calls in progress finish; then nothing more happens.
    await waitFor(async () => (await attempts(campaign.id)).every((a) => a.ended_at !== null), {
      what: 'the calls in progress ended',
      timeoutMs: 30_000,
    });
    const before = await attempts(campaign.id);
    // Several more ticks of both dialers.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const after = await attempts(campaign.id);
    expect(after).toEqual(before);
    expect(after.every((a) => a.started_at <= stoppedAt)).toBe(true);
    const pending = Object.values(await records(campaign.id)).filter((x) => x.state === 'pending');
    expect(pending.length).toBeGreaterThanOrEqual(stopList.length - after.length);
    dialerB.stop();
  });
});
