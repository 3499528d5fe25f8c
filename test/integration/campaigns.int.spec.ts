import { randomUUID } from 'node:crypto';

import ExcelJS from 'exceljs';
import { type DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type CampaignDto } from '@contracts/dto/campaign';
import { createDatabase, type Database } from '@server/db/data-source';
import { CampaignsRepository } from '@server/modules/campaigns/campaigns.repository';
import { ApiClient } from '@test/support/api-client';
import {
  createUser,
  deleteUsers,
  requireDatabaseUrl,
  startTestApp,
  suitePrefix,
  TEST_PASSWORD,
  type SeededUser,
  type TestApp,
} from '@test/support/api-server';

const CALLER_ID = '+74950001919';

// Campaign set-up, call lists and the dialer's claim on the real Postgres (no PBX: the live dialling is
// campaigns-live.int.spec.ts).
describe('campaigns: set-up, call lists and the cross-node claim (real Postgres)', () => {
  let t: TestApp;
  let ds: DataSource;
  let supervisor: SeededUser;
  let op1: SeededUser;
  let op2: SeededUser;
  let noPhone: SeededUser;
  let api: ApiClient;
  let opApi: ApiClient;
  let second: Database;
  const prefix = suitePrefix('campaigns');
  const n = String(Math.floor(Math.random() * 90_000) + 10_000);
  /** Moscow landlines unique to this run. */
  const phone = (tail: string) => `+7495${n}${tail}`;
  const tag = `camp-${n}`;
  const campaignIds: string[] = [];
  const contactIds: string[] = [];
  const leadIds: string[] = [];
  const dealIds: string[] = [];
  const listed = async (id: string) =>
    (
      (await api.get(`/api/campaigns/${id}/records?limit=100`)).body.items as {
        phoneE164: string;
        entityType: string | null;
        entityId: string | null;
      }[]
    )
      .map((r) => `${r.phoneE164} ${r.entityType} ${r.entityId}`)
      .sort();

  const valid = (extra: Record<string, unknown> = {}) => ({
    name: `${prefix} ${campaignIds.length} ${Math.random().toString(36).slice(2, 6)}`,
    mode: 'progressive',
    operatorIds: [op1.id, op2.id],
    callerId: CALLER_ID,
    dispositions: ['sale', 'call later', 'not interested'],
    closingDispositions: ['sale', 'not interested'],
    script: 'Здравствуйте! Меня зовут …',
    ...extra,
  });
  const create = async (extra: Record<string, unknown> = {}) => {
    const res = await api.post<CampaignDto>('/api/campaigns', valid(extra));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    campaignIds.push(res.body.id);
    return res.body;
  };
  const upload = async (id: string, fileName: string, body: string | Uint8Array<ArrayBuffer>) => {
    const res = await fetch(`${t.baseUrl}/api/campaigns/${id}/records/import?fileName=${fileName}`, {
      method: 'POST',
      headers: { 'x-requested-with': 'zvonok', cookie: api.cookie ?? '', 'content-type': 'application/octet-stream' },
      body,
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const addContact = async (name: string, e164: string, doNotCall = false, tags = [tag]) => {
    const [{ id }]: [{ id: string }] = await ds.query(
      `INSERT INTO contacts (name, owner_id, do_not_call, tags) VALUES ($1, $2, $3, $4) RETURNING id`,
      [name, supervisor.id, doNotCall, tags],
    );
    await ds.query(`INSERT INTO contact_phones (contact_id, raw, e164, last10) VALUES ($1, $2, $2, $3)`, [
      id,
      e164,
      e164.slice(-10),
    ]);
    contactIds.push(id);
  };

  beforeAll(async () => {
    t = await startTestApp({ campaigns: { callerIds: [CALLER_ID], tickMs: 60_000 } });
    ds = t.dataSource;
    // The node's own dialer would race the claims below; this suite drives them itself.
    t.services.campaignDialer.stop();
    supervisor = await createUser(ds, `${prefix}-sup`, 'supervisor');
    op1 = await createUser(ds, `${prefix}-op1`, 'operator', `7${n.slice(0, 3)}`);
    op2 = await createUser(ds, `${prefix}-op2`, 'operator', `8${n.slice(0, 3)}`);
    noPhone = await createUser(ds, `${prefix}-op3`, 'operator');
    api = new ApiClient(t.baseUrl);
    await api.login(supervisor.login, TEST_PASSWORD);
    opApi = new ApiClient(t.baseUrl);
    await opApi.login(op1.login, TEST_PASSWORD);
    second = await createDatabase({ databaseUrl: requireDatabaseUrl(), dataDir: t.node.config.dataDir });
    await second.dataSource.initialize();
  });

  afterAll(async () => {
    await ds.query(`DELETE FROM campaigns WHERE id = ANY($1)`, [campaignIds]);
    await ds.query(`DELETE FROM deals WHERE id = ANY($1)`, [dealIds]);
    await ds.query(`DELETE FROM leads WHERE id = ANY($1)`, [leadIds]);
    await ds.query(`DELETE FROM contacts WHERE id = ANY($1)`, [contactIds]);
    await deleteUsers(ds, [supervisor.id, op1.id, op2.id, noPhone.id]);
    await second?.close();
    await t?.close();
  });

  it('400 for a campaign with no operators, a caller ID the trunk does not allow, or inconsistent settings', async () => {
    const none = await api.post('/api/campaigns', valid({ operatorIds: [] }));
    expect(none.status).toBe(400);
    expect(none.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'operatorIds' }] });

    const caller = await api.post('/api/campaigns', valid({ callerId: '+74959999999' }));
    expect(caller.status).toBe(400);
    expect(caller.body.error).toMatchObject({
      code: 'CAMPAIGN_CALLER_ID_NOT_ALLOWED',
      details: { callerId: '+74959999999', allowed: [CALLER_ID] },
    });

    const phoneless = await api.post('/api/campaigns', valid({ operatorIds: [op1.id, noPhone.id] }));
    expect(phoneless.status).toBe(400);
    expect(phoneless.body.error).toMatchObject({
      code: 'CAMPAIGN_OPERATOR_INVALID',
      details: { operatorIds: [noPhone.id] },
    });

    const bad = await api.post(
      '/api/campaigns',
      valid({ ratio: 1.6, closingDispositions: ['won'], callWindow: { from: '21:00', to: '09:00' }, extra: 1 }),
    );
    expect(bad.status).toBe(400);
    const fields = (bad.body.error.details as { field: string }[]).map((d) => d.field).sort();
    expect(fields).toEqual(['callWindow.to', 'closingDispositions', 'extra', 'ratio']);

    const byOperator = await opApi.post('/api/campaigns', valid());
    expect(byOperator.status).toBe(403);
    const count = await ds.query(`SELECT count(*)::int AS n FROM campaigns WHERE name LIKE $1`, [`${prefix}%`]);
    expect(count).toEqual([{ n: 0 }]);
  });

  it('creates with the defaults the issue names, edits while not running, refuses a second campaign of the same name', async () => {
    const c = await create();
    expect(c).toMatchObject({
      status: 'draft',
      callWindow: { from: '09:00', to: '21:00' },
      retryRules: { maxAttempts: 3, busy: 15, 'no-answer': 120 },
      ratio: 1,
      operatorIds: [op1.id, op2.id].sort(),
    });
    // Customer first (a ratio above 1) needs the queue the operators answer in.
    const noQueue = await api.patch(`/api/campaigns/${c.id}`, { ratio: 1.5 });
    expect(noQueue.status).toBe(400);
    expect(noQueue.body.error.code).toBe('CAMPAIGN_QUEUE_REQUIRED');
    const patched = await api.patch(`/api/campaigns/${c.id}`, {
      ratio: 1.5,
      queue: 'support',
      retryRules: { maxAttempts: 2 },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ ratio: 1.5, queue: 'support', retryRules: { maxAttempts: 2, busy: 15 } });
    const unknownClosing = await api.patch(`/api/campaigns/${c.id}`, { dispositions: ['only this'] });
    expect(unknownClosing.status).toBe(400);
    expect(unknownClosing.body.error.code).toBe('CAMPAIGN_DISPOSITION_UNKNOWN');
    const same = await api.post('/api/campaigns', valid({ name: c.name.toUpperCase() }));
    expect(same.status).toBe(409);
    expect(same.body.error.code).toBe('CAMPAIGN_NAME_TAKEN');
  });

  it('builds a call list from contacts by tag: a do-not-call contact is excluded, a second build adds no duplicates', async () => {
    const c = await create();
    await addContact('Первый', phone('01'));
    await addContact('Второй', phone('02'));
    await addContact('Не звонить', phone('03'), true);
    const built = await api.post(`/api/campaigns/${c.id}/records/build`, { source: 'contacts', tag });
    expect(built.status, JSON.stringify(built.body)).toBe(200);
    expect(built.body).toEqual({ added: 3, duplicates: 0, excluded: 1 });
    const again = await api.post(`/api/campaigns/${c.id}/records/build`, { source: 'contacts', tag });
    expect(again.body).toEqual({ added: 0, duplicates: 3, excluded: 0 });
    const records = await api.get(`/api/campaigns/${c.id}/records`);
    expect(records.body.total).toBe(3);
    const states = Object.fromEntries(
      (records.body.items as { phoneE164: string; state: string }[]).map((r) => [r.phoneE164, r.state]),
    );
    expect(states).toEqual({ [phone('01')]: 'pending', [phone('02')]: 'pending', [phone('03')]: 'excluded' });
    const badSource = await api.post(`/api/campaigns/${c.id}/records/build`, { source: 'tickets' });
    expect(badSource.status).toBe(400);
  });

  it('imports a CSV into the call list with a row report for bad numbers and duplicates, as for contacts', async () => {
    const c = await create();
    await api.post(`/api/campaigns/${c.id}/records/build`, { source: 'contacts', tag });
    const csv = [
      'Имя;Телефон',
      `Новый;8 (495) ${n.slice(0, 3)}-${n.slice(3)}-11`,
      'Кривой;12ab',
      `Повтор;${phone('11')}`,
      `Уже в списке;${phone('01')}`,
      ';+74951112233',
    ].join('\r\n');
    const res = await upload(c.id, 'list.csv', csv);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ total: 5, added: 1, invalid: 2, duplicates: 2 });
    expect(res.body.problems).toEqual([
      expect.objectContaining({ line: 3, status: 'invalid', issues: ['bad-phone'] }),
      expect.objectContaining({ line: 4, status: 'duplicate', issues: ['duplicate-in-file'], duplicateOfLine: 2 }),
      expect.objectContaining({ line: 5, status: 'duplicate', issues: ['duplicate-existing'] }),
      expect.objectContaining({ line: 6, status: 'invalid', issues: ['missing-name'] }),
    ]);
    const noColumns = await upload(c.id, 'list.csv', 'a;b\r\n1;2');
    expect(noColumns.status).toBe(400);
    expect(noColumns.body.error.code).toBe('CAMPAIGN_IMPORT_COLUMNS');
  });

  it("builds lists from leads (open ones by owner, or by status) and deals (by owner and stage: the contact's numbers)", async () => {
    const lead = async (status: string, e164: string, ownerId: string) => {
      const [{ id }]: [{ id: string }] = await ds.query(
        `INSERT INTO leads (source, status, name, phone_e164, owner_id) VALUES ('manual', $1, $2, $3, $4) RETURNING id`,
        [status, `Лид ${status}`, e164, ownerId],
      );
      leadIds.push(id);
      return id;
    };
    const fresh = await lead('new', phone('61'), op1.id);
    const working = await lead('in_progress', phone('62'), op1.id);
    await lead('converted', phone('63'), op1.id);
    await lead('new', phone('64'), op2.id);
    const byOwner = await create();
    expect(
      (await api.post(`/api/campaigns/${byOwner.id}/records/build`, { source: 'leads', ownerId: op1.id })).body,
    ).toEqual({ added: 2, duplicates: 0, excluded: 0 });
    expect(await listed(byOwner.id)).toEqual([`${phone('61')} lead ${fresh}`, `${phone('62')} lead ${working}`]);
    const byStatus = await create();
    const built = await api.post(`/api/campaigns/${byStatus.id}/records/build`, {
      source: 'leads',
      ownerId: op1.id,
      status: 'in_progress',
    });
    expect(built.body).toEqual({ added: 1, duplicates: 0, excluded: 0 });
    expect(await listed(byStatus.id)).toEqual([`${phone('62')} lead ${working}`]);

    // Deals: a contact with two numbers whose deal is at "proposal" (op2's), and another at "new".
    // Tagged apart: the specs that build lists by the suite's tag must not see them.
    await addContact('Сделочный клиент', phone('71'), false, [`${tag}-deals`]);
    const dealContact = contactIds.at(-1)!;
    await ds.query(`INSERT INTO contact_phones (contact_id, raw, e164, last10) VALUES ($1, $2, $2, $3)`, [
      dealContact,
      phone('72'),
      phone('72').slice(-10),
    ]);
    await addContact('Другой клиент', phone('73'), false, [`${tag}-deals`]);
    const otherContact = contactIds.at(-1)!;
    const deal = async (stage: string, contactId: string) => {
      const [{ id }]: [{ id: string }] = await ds.query(
        `INSERT INTO deals (title, stage, owner_id, contact_id) VALUES ($1, $2, $3, $4) RETURNING id`,
        [`${prefix} ${stage}`, stage, op2.id, contactId],
      );
      dealIds.push(id);
      return id;
    };
    const proposal = await deal('proposal', dealContact);
    await deal('new', otherContact);
    const byStage = await create();
    const fromDeals = await api.post(`/api/campaigns/${byStage.id}/records/build`, {
      source: 'deals',
      ownerId: op2.id,
      stage: 'proposal',
    });
    expect(fromDeals.body).toEqual({ added: 2, duplicates: 0, excluded: 0 });
    expect(await listed(byStage.id)).toEqual([`${phone('71')} deal ${proposal}`, `${phone('72')} deal ${proposal}`]);
    // An unknown source or a stray field is a 400, and nothing is added.
    const bad = await api.post(`/api/campaigns/${byStage.id}/records/build`, { source: 'deals', colour: 'red' });
    expect(bad.status).toBe(400);
    expect(await listed(byStage.id)).toHaveLength(2);
  });

  it('imports an XLSX file into the call list with the same row report as a CSV', async () => {
    const c = await create();
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Лист1');
    sheet.addRow(['Name', 'Phone']);
    sheet.addRow(['Анна', phone('81')]);
    sheet.addRow(['Борис', `8 (495) ${n.slice(0, 3)}-${n.slice(3)}-82`]);
    sheet.addRow(['Кривой', 'не номер']);
    sheet.addRow(['Анна снова', phone('81')]);
    const res = await upload(c.id, 'list.xlsx', new Uint8Array(await workbook.xlsx.writeBuffer()));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ total: 4, added: 2, invalid: 1, duplicates: 1 });
    expect(res.body.problems).toEqual([
      expect.objectContaining({ line: 4, status: 'invalid', issues: ['bad-phone'] }),
      expect.objectContaining({ line: 5, status: 'duplicate', issues: ['duplicate-in-file'], duplicateOfLine: 2 }),
    ]);
    expect(await listed(c.id)).toEqual([`${phone('81')} null null`, `${phone('82')} null null`]);
  });

  it('start, pause, stop: an empty campaign does not start, a running one cannot be edited', async () => {
    const empty = await create();
    const refused = await api.post(`/api/campaigns/${empty.id}/actions`, { action: 'start' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('CAMPAIGN_EMPTY');
    const c = await create();
    await api.post(`/api/campaigns/${c.id}/records/build`, { source: 'contacts', tag });
    const started = await api.post(`/api/campaigns/${c.id}/actions`, { action: 'start' });
    expect(started.body.status).toBe('running');
    const edit = await api.patch(`/api/campaigns/${c.id}`, { script: 'новый' });
    expect(edit.status).toBe(409);
    expect(edit.body.error.code).toBe('CAMPAIGN_NOT_EDITABLE');
    expect((await api.post(`/api/campaigns/${c.id}/actions`, { action: 'pause' })).body.status).toBe('paused');
    expect((await api.post(`/api/campaigns/${c.id}/actions`, { action: 'pause' })).status).toBe(409);
    expect((await api.post(`/api/campaigns/${c.id}/actions`, { action: 'stop' })).body.status).toBe('stopped');
    const progress = await api.get(`/api/campaigns/${c.id}/progress`);
    expect(progress.body).toMatchObject({ status: 'stopped', records: { pending: 2, excluded: 1 }, attempts: 0 });
  });

  it('two nodes claiming at once never hold one number twice, even from two campaigns', async () => {
    const nodeA = new CampaignsRepository(ds);
    const nodeB = new CampaignsRepository(second.dataSource);
    const first = await create({ operatorIds: [op1.id] });
    const other = await create({ operatorIds: [op2.id] });
    const shared = phone('77');
    for (const c of [first, other]) {
      await ds.query(`INSERT INTO campaign_records (campaign_id, phone_e164) VALUES ($1, $2)`, [c.id, shared]);
      await api.post(`/api/campaigns/${c.id}/actions`, { action: 'start' });
    }
    const now = new Date(Date.now() + 1000);
    for (let round = 0; round < 5; round++) {
      const claims = await Promise.all([
        nodeA.claim(first.id, op1.id, now, 'node-a'),
        nodeB.claim(other.id, op2.id, now, 'node-b'),
      ]);
      const won = claims.filter((c) => c !== null);
      expect(won).toHaveLength(1);
      const live = await ds.query(
        `SELECT count(*)::int AS n FROM campaign_attempts WHERE phone_e164 = $1 AND ended_at IS NULL`,
        [shared],
      );
      expect(live).toEqual([{ n: 1 }]);
      // Give it back (nothing was dialled) for the next round.
      await nodeA.dropAttempt(won[0]!.attempt.id, { state: 'pending', nextDueAt: null });
    }
    // The constraint, not the claim's filter, is what holds: a direct second live row is refused.
    const [record] = await ds.query(`SELECT id FROM campaign_records WHERE campaign_id = $1`, [first.id]);
    await ds.query(
      `INSERT INTO campaign_attempts (campaign_id, record_id, phone_e164, user_id) VALUES ($1, $2, $3, $4)`,
      [first.id, record.id, shared, op1.id],
    );
    await expect(
      second.dataSource.query(
        `INSERT INTO campaign_attempts (campaign_id, record_id, phone_e164, user_id) VALUES ($1, $2, $3, $4)`,
        [first.id, record.id, shared, op2.id],
      ),
    ).rejects.toThrow(/uq_campaign_attempts_live_phone/);
    await ds.query(`UPDATE campaign_attempts SET ended_at = now(), outcome = 'cancelled' WHERE phone_e164 = $1`, [
      shared,
    ]);
  });

  it('marks the pop card of a campaign call with the campaign, its script and its dispositions', async () => {
    const c = await create({ operatorIds: [op1.id] });
    const e164 = phone('88');
    await addContact('Клиент кампании', e164);
    await api.post(`/api/campaigns/${c.id}/records/build`, { source: 'contacts', tag });
    await api.post(`/api/campaigns/${c.id}/actions`, { action: 'start' });
    const repo = new CampaignsRepository(ds);
    let claimed = await repo.claim(c.id, op1.id, new Date(Date.now() + 1000), 'node-a');
    // The list has the suite's other numbers too: take records until this one is held.
    while (claimed && claimed.record.phone_e164 !== e164) {
      await repo.dropAttempt(claimed.attempt.id, { state: 'done', nextDueAt: null });
      claimed = await repo.claim(c.id, op1.id, new Date(Date.now() + 1000), 'node-a');
    }
    expect(claimed).not.toBeNull();
    const call = {
      id: randomUUID(),
      direction: 'outbound' as const,
      queue: null,
      startedAt: new Date().toISOString(),
      fromRaw: '1001',
      fromE164: null,
      toRaw: e164,
      toE164: e164,
    };
    const link = { kind: 'contact' as const, contactId: contactIds.at(-1)! };
    const card = await t.node.cards.card(call, link, { id: op1.id, role: 'operator' });
    expect(card).toMatchObject({
      kind: 'contact',
      campaign: {
        id: c.id,
        name: c.name,
        script: 'Здравствуйте! Меня зовут …',
        dispositions: ['sale', 'call later', 'not interested'],
        attemptId: claimed!.attempt.id,
      },
    });
    // An inbound call from the same number is no campaign call.
    const inbound = await t.node.cards.card(
      { ...call, id: randomUUID(), direction: 'inbound', fromRaw: e164, fromE164: e164, toRaw: '7001', toE164: null },
      link,
      { id: op1.id, role: 'operator' },
    );
    expect(inbound).not.toHaveProperty('campaign');

    // The operator's wrap-up: a disposition the campaign does not have is a 400; a closing one closes the record.
    const wrong = await opApi.post(`/api/campaigns/attempts/${claimed!.attempt.id}/disposition`, { disposition: 'x' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('CAMPAIGN_DISPOSITION_UNKNOWN');
    const other = new ApiClient(t.baseUrl);
    await other.login(op2.login, TEST_PASSWORD);
    const notTheirs = await other.post(`/api/campaigns/attempts/${claimed!.attempt.id}/disposition`, {
      disposition: 'sale',
    });
    expect(notTheirs.status).toBe(404);
    const closed = await opApi.post(`/api/campaigns/attempts/${claimed!.attempt.id}/disposition`, {
      disposition: 'sale',
    });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body).toMatchObject({ phoneE164: e164, state: 'done', disposition: 'sale' });
    const progress = await api.get(`/api/campaigns/${c.id}/progress`);
    expect(progress.body.byDisposition).toEqual({ sale: 1 });
  });

  it('stats: records by state, attempts, connects, abandon rate, talk time, outcomes and results from seeded attempts; CSV', async () => {
    const c = await create({ operatorIds: [op1.id] });
    const callIds: string[] = [];
    try {
      const record = async (tail: string, state: string) => {
        const [{ id }]: [{ id: string }] = await ds.query(
          `INSERT INTO campaign_records (campaign_id, phone_e164, state) VALUES ($1, $2, $3) RETURNING id`,
          [c.id, phone(tail), state],
        );
        return id;
      };
      /** An ended attempt: `talk` links a call row with those talk seconds; `span` seconds from connect to end. */
      const attempt = async (
        recordId: string,
        tail: string,
        outcome: string,
        o: { span?: number; talk?: number; disposition?: string; by?: string } = {},
      ) => {
        let callId: string | null = null;
        if (o.talk !== undefined) {
          callId = randomUUID();
          callIds.push(callId);
          await ds.query(
            `INSERT INTO calls (id, source, direction, from_raw, to_raw, to_e164, started_at, talk_seconds)
             VALUES ($1, 'ami', 'outbound', '1001', $2, $2, now(), $3)`,
            [callId, phone(tail), o.talk],
          );
        }
        await ds.query(
          `INSERT INTO campaign_attempts (campaign_id, record_id, phone_e164, started_at, connected_at, ended_at,
                                          outcome, call_id, disposition, user_id)
           VALUES ($1, $2, $3, now() - interval '1 hour',
                   CASE WHEN $4::int IS NULL THEN NULL ELSE now() - make_interval(secs => $4) END,
                   now(), $5, $6, $7, $8)`,
          [c.id, recordId, phone(tail), o.span ?? null, outcome, callId, o.disposition ?? null, o.by ?? null],
        );
      };
      // The call's own talk seconds win over the attempt's span (60, not 300); without a call row the span counts.
      await attempt(await record('91', 'done'), '91', 'answered', {
        span: 300,
        talk: 60,
        disposition: 'sale',
        by: op1.id,
      });
      const r2 = await record('92', 'done');
      await attempt(r2, '92', 'busy', { by: op2.id });
      await attempt(r2, '92', 'answered', { span: 40, disposition: 'call later', by: op2.id });
      const r3 = await record('93', 'failed');
      await attempt(r3, '93', 'no-answer', { by: op1.id });
      await attempt(r3, '93', 'no-answer');
      await attempt(await record('94', 'pending'), '94', 'abandoned', { span: 5, disposition: 'old result' });
      await attempt(await record('95', 'pending'), '95', 'agent-no-answer', { by: op2.id });
      await attempt(await record('96', 'excluded'), '96', 'blocked');
      await record('97', 'pending');
      const live = await record('98', 'dialling');
      // A call still ringing: no outcome yet, counted nowhere but in the record's state.
      await ds.query(`INSERT INTO campaign_attempts (campaign_id, record_id, phone_e164) VALUES ($1, $2, $3)`, [
        c.id,
        live,
        phone('98'),
      ]);

      const res = await api.get(`/api/campaigns/${c.id}/stats`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toEqual({
        campaignId: c.id,
        name: c.name,
        status: 'draft',
        records: { pending: 3, dialling: 1, done: 2, failed: 1, excluded: 1 },
        attempts: 6,
        connects: 2,
        abandoned: 1,
        abandonRate: 1 / 3,
        talkSeconds: 100,
        averageTalkSeconds: 50,
        byOutcome: {
          answered: 2,
          busy: 1,
          'no-answer': 2,
          failed: 0,
          abandoned: 1,
          'agent-no-answer': 1,
          blocked: 1,
          cancelled: 0,
        },
        byDisposition: [
          { disposition: 'sale', count: 1, closing: true },
          { disposition: 'call later', count: 1, closing: false },
          { disposition: 'not interested', count: 0, closing: true },
          { disposition: 'old result', count: 1, closing: false },
        ],
        // An operator's unanswered leg is no attempt of theirs; the abandoned customer-first call had no operator.
        byOperator: [
          { userId: op1.id, name: `operator ${op1.login}`, attempts: 2, connects: 1, talkSeconds: 60 },
          { userId: op2.id, name: `operator ${op2.login}`, attempts: 2, connects: 1, talkSeconds: 40 },
        ],
      });

      const csv = async (query: string, client = api) => {
        const r = await fetch(`${t.baseUrl}/api/campaigns/${c.id}/stats${query}`, {
          headers: { cookie: client.cookie ?? '' },
        });
        return {
          status: r.status,
          type: r.headers.get('content-type'),
          name: r.headers.get('content-disposition'),
          text: await r.text(),
        };
      };
      const en = await csv('?format=csv&lang=en');
      expect(en.status, en.text).toBe(200);
      expect(en.type).toMatch(/^text\/csv/);
      expect(en.name).toBe(`attachment; filename="zvonok-campaign-${c.id}.csv"`);
      const lines = en.text
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split('\r\n');
      expect(lines[0]).toBe('Section,Item,Value');
      expect(lines).toEqual(
        expect.arrayContaining([
          'Records,To call,3',
          'Totals,Attempts (customer dialled),6',
          'Totals,Connects,2',
          'Totals,"Abandon rate, %",33.3',
          'Totals,"Talk time, s",100',
          'Totals,"Average talk, s",50',
          'Attempt outcomes,No answer,2',
          'Results,sale (closes the record),1',
          'Results,not interested (closes the record),0',
          'Results,old result,1',
          `Operators,operator ${op2.login}: Connects,1`,
          `Operators,"operator ${op2.login}: Talk time, s",40`,
        ]),
      );
      expect(lines).toHaveLength(1 + 5 + 6 + 8 + 4 + 2 * 3);
      // Without `lang`, the user's profile language (seeded users are `ru`).
      const profile = await csv('?format=csv');
      expect(profile.text.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe('Раздел,Показатель,Значение');

      expect((await csv('?format=xlsx')).status).toBe(400);
      expect((await csv('', opApi)).status).toBe(403);
      const missing = await api.get(`/api/campaigns/${randomUUID()}/stats`);
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('CAMPAIGN_NOT_FOUND');
    } finally {
      await ds.query(`DELETE FROM campaigns WHERE id = $1`, [c.id]);
      await ds.query(`DELETE FROM calls WHERE id = ANY($1)`, [callIds]);
    }
  });
});
