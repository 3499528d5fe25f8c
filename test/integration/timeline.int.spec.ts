import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type TimelineItem, type TimelinePage } from '@contracts/dto/timeline';
import { type ErrorBody } from '@contracts/error-codes';
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

/**
 * The client timeline (issue #12) on the real Postgres: one stream of calls, notes, tasks, deal stages, lead events
 * and owner changes, newest first, paged by cursor, filtered by kind, and cut to what each role may see — an operator
 * never sees another operator's client's items.
 *
 * A company "Ромашка" (owner A) has two contacts: Анна (A's) and Борис (B's). A and B each handled calls of their own
 * client; C, a third operator, has nothing to do with them.
 */
describe('timeline: one paginated history per contact, company and lead', () => {
  let t: TestApp;
  let opA: SeededUser;
  let opB: SeededUser;
  let opC: SeededUser;
  let sup: SeededUser;
  let admin: SeededUser;
  let gone: SeededUser;
  const api: Record<string, ApiClient> = {};
  const as = (u: SeededUser) => api[u.id]!;
  const suffix = String(Math.floor(Math.random() * 1e7)).padStart(7, '0');
  const phoneAnna = `+7916${suffix}`;
  const phoneBoris = `+7917${suffix}`;
  const seeded = { company: '', anna: '', boris: '', lead: '', deal: '', task: '', calls: [] as string[] };

  const timeline = (u: SeededUser, query: Record<string, string | number>) =>
    as(u).get<TimelinePage & ErrorBody>(
      `/api/timeline?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, `${v}`]))}`,
    );

  /** Every item of a stream, paging `limit` at a time; fails on a repeated key. */
  const all = async (u: SeededUser, query: Record<string, string>, limit: number): Promise<TimelineItem[]> => {
    const items: TimelineItem[] = [];
    let before: string | null = null;
    for (let page = 0; page < 200; page++) {
      const res = await timeline(u, { ...query, limit, ...(before ? { before } : {}) });
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(limit);
      items.push(...res.body.items);
      before = res.body.nextCursor;
      if (!before) break;
    }
    expect(new Set(items.map((i) => i.key)).size).toBe(items.length);
    return items;
  };

  const insertCall = async (c: {
    at: Date;
    from: string;
    contactId?: string | null;
    leadId?: string | null;
    operator?: SeededUser | null;
    answered?: boolean;
  }): Promise<string> => {
    const id = randomUUID();
    seeded.calls.push(id);
    const answered = c.answered ?? Boolean(c.operator);
    await t.dataSource.query(
      `INSERT INTO calls (id, source, direction, from_raw, from_e164, to_raw, queue, status, started_at, answered_at,
         ended_at, wait_seconds, talk_seconds, disposition, operator_id, contact_id, lead_id)
       VALUES ($1, 'ami', 'inbound', $2, $2, '7000', 'support', 'ended', $3, $4, $3::timestamptz + interval '2 min',
         5, $5, $6, $7, $8, $9)`,
      [
        id,
        c.from,
        c.at,
        answered ? new Date(c.at.getTime() + 5000) : null,
        answered ? 115 : 0,
        answered ? 'answered' : 'missed',
        c.operator?.id ?? null,
        c.contactId ?? null,
        c.leadId ?? null,
      ],
    );
    return id;
  };

  beforeAll(async () => {
    t = await startTestApp();
    const p = suitePrefix('timeline');
    opA = await createUser(t.dataSource, `${p}-a`, 'operator');
    opB = await createUser(t.dataSource, `${p}-b`, 'operator');
    opC = await createUser(t.dataSource, `${p}-c`, 'operator');
    sup = await createUser(t.dataSource, `${p}-sup`, 'supervisor');
    admin = await createUser(t.dataSource, `${p}-admin`, 'admin');
    gone = await createUser(t.dataSource, `${p}-gone`, 'operator');
    await t.dataSource.query('UPDATE users SET active = false WHERE id = $1', [gone.id]);
    for (const u of [opA, opB, opC, sup, admin]) {
      api[u.id] = new ApiClient(t.baseUrl);
      await api[u.id]!.login(u.login, TEST_PASSWORD);
    }
    const made = async (u: SeededUser, path: string, body: unknown) => {
      const res = await as(u).post(path, body);
      if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.id as string;
    };
    seeded.company = await made(opA, '/api/companies', { name: `Ромашка ${suffix}` });
    seeded.anna = await made(opA, '/api/contacts', {
      name: `Анна ${suffix}`,
      companyId: seeded.company,
      phones: [{ raw: phoneAnna, label: null }],
    });
    // Борис is B's client, at A's company (a supervisor put him there).
    seeded.boris = await made(sup, '/api/contacts', {
      name: `Борис ${suffix}`,
      companyId: seeded.company,
      ownerId: opB.id,
      phones: [{ raw: phoneBoris, label: null }],
    });

    // Anna first called as an unknown number: a lead, later converted into her contact.
    const leadCall = await insertCall({ at: new Date(Date.now() - 10 * 86_400_000), from: phoneAnna, operator: opA });
    seeded.lead = (
      (await t.dataSource.query(
        `INSERT INTO leads (source, status, name, phone_raw, phone_e164, owner_id, source_call_id, created_at)
         VALUES ('call', 'new', $1, $2, $2, $3, $4, now() - interval '10 days') RETURNING id`,
        [`Анна (лид) ${suffix}`, phoneAnna, opA.id, leadCall],
      )) as { id: string }[]
    )[0]!.id;
    await t.dataSource.query('UPDATE calls SET lead_id = $2 WHERE id = $1', [leadCall, seeded.lead]);
    expect(
      (await as(opA).patch(`/api/leads/${seeded.lead}`, { status: 'converted', contactId: seeded.anna })).status,
    ).toBe(200);

    // 12 calls of Anna's handled by A (three at the very same microsecond), one missed, and Boris's calls for B.
    const base = Date.now() - 5 * 86_400_000;
    for (let i = 0; i < 12; i++) {
      await insertCall({
        at: new Date(base + (i < 3 ? 0 : i) * 3_600_000),
        from: phoneAnna,
        contactId: seeded.anna,
        operator: opA,
      });
    }
    await insertCall({ at: new Date(base + 20 * 3_600_000), from: phoneAnna, contactId: seeded.anna, operator: null });
    for (let i = 0; i < 3; i++) {
      await insertCall({
        at: new Date(base + i * 3_600_000),
        from: phoneBoris,
        contactId: seeded.boris,
        operator: opB,
      });
    }
    const wrapped = seeded.calls.at(-5)!; // one of Anna's calls
    await t.dataSource.query(
      `UPDATE calls SET wrap_up_outcome = 'callback', wrap_up_note = 'Перезвонить в пятницу', wrap_up_by = $2,
         wrap_up_at = now() WHERE id = $1`,
      [wrapped, opA.id],
    );

    await made(opA, '/api/notes', { body: `Любит утро ${suffix}`, entityType: 'contact', entityId: seeded.anna });
    await made(opB, '/api/notes', { body: `Заметка Бориса ${suffix}`, entityType: 'contact', entityId: seeded.boris });
    seeded.deal = await made(opA, '/api/deals', {
      title: `Поставка ${suffix}`,
      contactId: seeded.anna,
      amount: '1000',
    });
    await as(opA).patch(`/api/deals/${seeded.deal}`, { stage: 'proposal' });
    await as(opA).patch(`/api/deals/${seeded.deal}`, { stage: 'won' });
    seeded.task = await made(opA, '/api/tasks', {
      title: `Отправить КП ${suffix}`,
      entityType: 'contact',
      entityId: seeded.anna,
    });
    await as(opA).patch(`/api/tasks/${seeded.task}`, { done: true });
    await made(opB, '/api/tasks', { title: `Задача Бориса ${suffix}`, entityType: 'contact', entityId: seeded.boris });
  });

  afterAll(async () => {
    await t.dataSource.query('DELETE FROM calls WHERE id = ANY($1)', [seeded.calls]);
    await t.dataSource.query('DELETE FROM leads WHERE id = $1', [seeded.lead || null]);
    await t.dataSource.query('DELETE FROM contacts WHERE id = ANY($1)', [[seeded.anna, seeded.boris].filter(Boolean)]);
    await deleteUsers(t.dataSource, [opA.id, opB.id, opC.id, sup.id, admin.id, gone.id]);
    await t.close();
  });

  it('lists every kind, newest first, with the wrap-up, the deal stages, the lead and the task', async () => {
    const res = await timeline(sup, { entityType: 'contact', entityId: seeded.anna, limit: 100 });
    expect(res.status).toBe(200);
    const items = res.body.items;
    const times = items.map((i) => Date.parse(i.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(res.body.nextCursor).toBeNull();
    const kinds = new Set(items.map((i) => i.kind));
    expect(kinds).toEqual(new Set(['call', 'note', 'task', 'deal', 'lead']));
    // 12 handled + 1 missed + the lead's first call (found by the number, before the contact existed).
    expect(items.filter((i) => i.kind === 'call')).toHaveLength(14);

    const wrapUp = items.flatMap((i) => (i.kind === 'call' && i.call.wrapUp ? [i.call.wrapUp] : []));
    expect(wrapUp).toEqual([
      {
        outcome: 'callback',
        note: 'Перезвонить в пятницу',
        by: { id: opA.id, name: expect.any(String) },
        at: expect.any(String),
      },
    ]);
    const stages = items.flatMap((i) => (i.kind === 'deal' ? [[i.event, i.fromStage, i.toStage, i.by?.id]] : []));
    expect(stages).toEqual([
      ['stage', 'proposal', 'won', opA.id],
      ['stage', 'new', 'proposal', opA.id],
      ['created', null, 'new', opA.id],
    ]);
    const tasks = items.flatMap((i) => (i.kind === 'task' ? [[i.event, i.task.id, i.by?.id]] : []));
    expect(tasks).toEqual([
      ['done', seeded.task, opA.id],
      ['created', seeded.task, opA.id],
    ]);
    const leads = items.flatMap((i) => (i.kind === 'lead' ? [[i.event, i.lead.source, i.contact?.id ?? null]] : []));
    expect(leads).toEqual([
      ['converted', 'call', seeded.anna],
      ['created', 'call', seeded.anna],
    ]);
    // Boris's note and task are not Anna's.
    expect(JSON.stringify(items)).not.toContain(`Бориса ${suffix}`);
  });

  it('pages by cursor: every item exactly once, in the same order as one long page, ties included', async () => {
    const query = { entityType: 'company', entityId: seeded.company };
    const whole = (await timeline(sup, { ...query, limit: 100 })).body.items.map((i) => i.key);
    for (const limit of [1, 2, 3, 7]) {
      expect((await all(sup, query, limit)).map((i) => i.key)).toEqual(whole);
    }
    // Three calls share one start time; a page boundary between them neither drops nor repeats one.
    expect(whole.length).toBeGreaterThan(25);
  });

  it('filters by kind; a bad kind, entity type or cursor is refused with the error shape', async () => {
    const calls = await timeline(sup, { entityType: 'contact', entityId: seeded.anna, kinds: 'call', limit: 100 });
    expect(calls.body.items.every((i) => i.kind === 'call')).toBe(true);
    expect(calls.body.items).toHaveLength(14);
    const two = await timeline(sup, { entityType: 'contact', entityId: seeded.anna, kinds: 'note,deal', limit: 100 });
    expect(new Set(two.body.items.map((i) => i.kind))).toEqual(new Set(['note', 'deal']));
    const paged = await all(sup, { entityType: 'contact', entityId: seeded.anna, kinds: 'call' }, 5);
    expect(paged.map((i) => i.key)).toEqual(calls.body.items.map((i) => i.key));

    const bad = await timeline(sup, { entityType: 'contact', entityId: seeded.anna, kinds: 'call,sms' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'kinds' }] });
    const type = await timeline(sup, { entityType: 'deal', entityId: seeded.deal });
    expect(type.status).toBe(400);
    expect(type.body.error.code).toBe('VALIDATION_FAILED');
    const notUuid = await timeline(sup, { entityType: 'contact', entityId: 'nope' });
    expect(notUuid.status).toBe(400);

    const first = await timeline(sup, { entityType: 'contact', entityId: seeded.anna, limit: 2 });
    const cursor = first.body.nextCursor!;
    const elsewhere = await timeline(sup, { entityType: 'contact', entityId: seeded.boris, before: cursor });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error).toMatchObject({
      code: 'TIMELINE_CURSOR_INVALID',
      message: expect.any(String),
      details: { field: 'before', reason: 'other-record' },
    });
    const otherType = await timeline(sup, { entityType: 'company', entityId: seeded.anna, before: cursor });
    expect(otherType.status).toBe(400);
    const damaged = await timeline(sup, { entityType: 'contact', entityId: seeded.anna, before: `${cursor}x` });
    expect(damaged.status).toBe(400);
    expect(damaged.body.error).toMatchObject({ code: 'TIMELINE_CURSOR_INVALID', details: { reason: 'malformed' } });
  });

  it('an unknown record is 404 with its code, for every entity type', async () => {
    const id = randomUUID();
    const codes = { contact: 'CONTACT_NOT_FOUND', company: 'COMPANY_NOT_FOUND', lead: 'LEAD_NOT_FOUND' };
    for (const [entityType, code] of Object.entries(codes)) {
      const res = await timeline(sup, { entityType, entityId: id });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: { code, message: expect.any(String) } });
    }
  });

  describe('permissions per role', () => {
    it('an operator with no tie to the client gets 404, exactly like an unknown id', async () => {
      for (const [entityType, entityId] of [
        ['contact', seeded.anna],
        ['company', seeded.company],
        ['lead', seeded.lead],
      ] as const) {
        const hidden = await timeline(opC, { entityType, entityId });
        const missing = await timeline(opC, { entityType, entityId: randomUUID() });
        expect(hidden.status).toBe(404);
        expect(hidden.body).toEqual(missing.body);
      }
    });

    it('on the shared company, each operator sees only their own client’s items', async () => {
      const forA = await all(opA, { entityType: 'company', entityId: seeded.company }, 100);
      const forB = await all(opB, { entityType: 'company', entityId: seeded.company }, 100);
      const text = (items: TimelineItem[]) => JSON.stringify(items);
      expect(text(forA)).toContain(`Любит утро ${suffix}`);
      expect(text(forA)).not.toContain(`Бориса ${suffix}`);
      expect(text(forB)).toContain(`Заметка Бориса ${suffix}`);
      expect(text(forB)).not.toContain(`Любит утро ${suffix}`);
      expect(text(forB)).not.toContain(`Поставка ${suffix}`);
      expect(text(forB)).not.toContain(`Отправить КП ${suffix}`);
      const callsOf = (items: TimelineItem[]) => items.flatMap((i) => (i.kind === 'call' ? [i.call] : []));
      expect(callsOf(forB).every((c) => c.operator?.id === opB.id)).toBe(true);
      expect(callsOf(forB)).toHaveLength(3);
      // A's calls of Anna, never the missed one that rang nobody.
      expect(callsOf(forA).every((c) => c.operator?.id === opA.id)).toBe(true);
      expect(callsOf(forA)).toHaveLength(13);
      // The supervisor sees both clients.
      const forSup = await all(sup, { entityType: 'company', entityId: seeded.company }, 100);
      expect(text(forSup)).toContain(`Заметка Бориса ${suffix}`);
      expect(text(forSup)).toContain(`Любит утро ${suffix}`);
      expect(callsOf(forSup)).toHaveLength(17);
    });

    it('recordings: the handling operator and supervisors get the player, admins never', async () => {
      const call = seeded.calls.at(-6)!;
      const [rec] = (await t.dataSource.query(
        `INSERT INTO recordings (call_id, storage_key, duration_seconds, size_bytes, sha256, mime)
         VALUES ($1, $2, 115, 100, $3, 'audio/ogg') RETURNING id`,
        [call, `2026/01/01/${call}-0000abcd.ogg`, '0'.repeat(64)],
      )) as { id: string }[];
      const urlFor = async (u: SeededUser) => {
        const items = (await timeline(u, { entityType: 'contact', entityId: seeded.anna, kinds: 'call', limit: 100 }))
          .body.items;
        const item = items.find((i) => i.kind === 'call' && i.call.id === call);
        return item?.kind === 'call' ? item.call.recordingUrl : undefined;
      };
      expect(await urlFor(opA)).toBe(`/api/recordings/${rec!.id}`);
      expect(await urlFor(sup)).toBe(`/api/recordings/${rec!.id}`);
      expect(await urlFor(admin)).toBeNull();
    });

    it('QA scores: the mean of the reviews and their count', async () => {
      const call = seeded.calls.at(-7)!;
      const [rec] = (await t.dataSource.query(
        `INSERT INTO recordings (call_id, storage_key, size_bytes, sha256, mime) VALUES ($1, $2, 1, $3, 'audio/ogg')
         RETURNING id`,
        [call, `2026/01/02/${call}-0000abcd.ogg`, '0'.repeat(64)],
      )) as { id: string }[];
      expect(rec).toBeDefined();
      expect(
        (await as(sup).request('PUT', `/api/calls/${call}/review`, { score: 4, scriptFollowed: true })).status,
      ).toBe(200);
      await t.dataSource.query(
        `INSERT INTO call_reviews (call_id, reviewer_id, score, script_followed) VALUES ($1, $2, 5, true)`,
        [call, opC.id],
      );
      const items = (await timeline(opA, { entityType: 'contact', entityId: seeded.anna, kinds: 'call', limit: 100 }))
        .body.items;
      const item = items.find((i) => i.kind === 'call' && i.call.id === call);
      expect(item?.kind === 'call' && item.call.qa).toEqual({ score: 4.5, reviews: 2 });
    });
  });

  describe('reassignment', () => {
    it('supervisors reassign a task, lead, contact and deal: audited, shown in the timeline', async () => {
      const reassign = (path: string, userId: string, who = sup) => as(who).post(`${path}/reassign`, { userId });
      const task = await reassign(`/api/tasks/${seeded.task}`, opB.id);
      expect(task.status).toBe(200);
      expect(task.body.assigneeId).toBe(opB.id);
      expect((await reassign(`/api/leads/${seeded.lead}`, opB.id)).body.ownerId).toBe(opB.id);
      expect((await reassign(`/api/deals/${seeded.deal}`, opB.id)).body.ownerId).toBe(opB.id);
      const contact = await reassign(`/api/contacts/${seeded.anna}`, opB.id);
      expect(contact.body.ownerId).toBe(opB.id);

      const audit = (await t.dataSource.query(
        `SELECT action, entity_id, actor_id, details FROM audit_log WHERE actor_id = $1 AND action LIKE '%.reassign'
         ORDER BY id`,
        [sup.id],
      )) as { action: string; entity_id: string; details: { from: string; to: string } }[];
      expect(audit.map((a) => [a.action, a.entity_id, a.details])).toEqual([
        ['task.reassign', seeded.task, { from: opA.id, to: opB.id }],
        ['lead.reassign', seeded.lead, { from: opA.id, to: opB.id }],
        ['deal.reassign', seeded.deal, { from: opA.id, to: opB.id }],
        ['contact.reassign', seeded.anna, { from: opA.id, to: opB.id }],
      ]);
      const owners = (await timeline(sup, { entityType: 'contact', entityId: seeded.anna, kinds: 'owner' })).body.items;
      expect(owners.map((i) => i.kind === 'owner' && [i.record.entityType, i.from?.id, i.to?.id, i.by?.id])).toEqual([
        ['contact', opA.id, opB.id, sup.id],
        ['deal', opA.id, opB.id, sup.id],
        ['lead', opA.id, opB.id, sup.id],
        ['task', opA.id, opB.id, sup.id],
      ]);
      // The same owner again changes nothing and audits nothing.
      expect((await reassign(`/api/tasks/${seeded.task}`, opB.id)).status).toBe(200);
      const count = (await t.dataSource.query(
        `SELECT count(*)::int AS n FROM audit_log WHERE actor_id = $1 AND action LIKE '%.reassign'`,
        [sup.id],
      )) as {
        n: number;
      }[];
      expect(count[0]!.n).toBe(4);
      // Back to A for the tests after this one.
      await reassign(`/api/contacts/${seeded.anna}`, opA.id);
    });

    it('operators may not (403); an inactive user is 409, an unknown one 400; nothing changes', async () => {
      const byOp = await as(opA).post(`/api/tasks/${seeded.task}/reassign`, { userId: opA.id });
      expect(byOp.status).toBe(403);
      expect(byOp.body.error.code).toBe('FORBIDDEN');
      for (const path of [`/api/tasks/${seeded.task}`, `/api/leads/${seeded.lead}`, `/api/deals/${seeded.deal}`]) {
        const inactive = await as(sup).post(`${path}/reassign`, { userId: gone.id });
        expect(inactive.status).toBe(409);
        expect(inactive.body.error).toMatchObject({ code: 'USER_INACTIVE', details: { field: 'userId' } });
        const unknown = await as(sup).post(`${path}/reassign`, { userId: randomUUID() });
        expect(unknown.status).toBe(400);
        expect(unknown.body.error).toMatchObject({ code: 'USER_NOT_FOUND', details: { field: 'userId' } });
      }
      // A PATCH naming a new owner is a reassignment too.
      const patch = await as(sup).patch(`/api/deals/${seeded.deal}`, { ownerId: gone.id });
      expect(patch.status).toBe(409);
      const missing = await as(sup).post(`/api/contacts/${randomUUID()}/reassign`, { userId: opB.id });
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('CONTACT_NOT_FOUND');
      expect((await as(sup).get(`/api/deals/${seeded.deal}`)).body.ownerId).toBe(opB.id);
      expect((await t.dataSource.query('SELECT 1 FROM deals WHERE owner_id = $1', [gone.id])).length).toBe(0);
    });
  });

  it('a deal page reads its stage history, newest first, with who moved it', async () => {
    const res = await as(sup).get(`/api/deals/${seeded.deal}/history`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((h: { fromStage: string | null; toStage: string }) => [h.fromStage, h.toStage])).toEqual([
      ['proposal', 'won'],
      ['new', 'proposal'],
      [null, 'new'],
    ]);
    expect(res.body.items[0].by).toEqual({ id: opA.id, name: expect.any(String) });
    expect((await as(opC).get(`/api/deals/${seeded.deal}/history`)).status).toBe(404);
  });

  it('a deal moved to another pipeline keeps both pipelines in its history (a stage is a key of its pipeline)', async () => {
    const pipeline = await as(admin).post('/api/pipelines', {
      nameRu: `Сервис ${suffix}`,
      nameEn: `Service ${suffix}`,
      stages: [
        { key: 'intake', nameRu: 'Приём', nameEn: 'Intake' },
        { key: 'done', nameRu: 'Готово', nameEn: 'Done', kind: 'won' },
      ],
    });
    expect(pipeline.status).toBe(201);
    const created = await as(opA).post('/api/deals', { title: `Сервис ${suffix}`, contactId: seeded.anna });
    expect(created.status).toBe(201);
    const deal = created.body as { id: string; pipelineId: string };
    try {
      const moved = await as(opA).patch(`/api/deals/${deal.id}`, { pipelineId: pipeline.body.id });
      expect(moved.body).toMatchObject({ pipelineId: pipeline.body.id, stage: 'intake' });
      const history = (await as(opA).get(`/api/deals/${deal.id}/history`)).body.items;
      expect(
        history.map((h: Record<string, unknown>) => [h.fromPipelineId, h.fromStage, h.toPipelineId, h.toStage]),
      ).toEqual([
        [deal.pipelineId, 'new', pipeline.body.id, 'intake'],
        [null, null, deal.pipelineId, 'new'],
      ]);
      const timeline = await as(opA).get(`/api/timeline?entityType=contact&entityId=${seeded.anna}&kinds=deal`);
      expect(timeline.body.items.find((i: { deal: { id: string } }) => i.deal.id === deal.id)).toMatchObject({
        event: 'stage',
        fromPipelineId: deal.pipelineId,
        toPipelineId: pipeline.body.id,
        toStage: 'intake',
      });
    } finally {
      await t.dataSource.query('DELETE FROM deals WHERE id = $1', [deal.id]);
      await t.dataSource.query('DELETE FROM pipelines WHERE id = $1', [pipeline.body.id]);
    }
  });
});
