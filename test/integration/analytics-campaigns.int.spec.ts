import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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
 * Campaign results in analytics (issue #19, item 6) from hand-built attempts and deals in the real Postgres. The
 * attempts live on 2004-02-10 (UTC) so no other suite's attempts fall into the range. Campaign A (operator op1):
 *   R1 contact K1:        busy 09:00, answered 11:00 and 17:00 → D1 for K1 two days after 11:00: converted
 *   R2 contact K2:        answered 10:30 → D2a for K2 the day before (no), D2 eight days after (only with 10 days)
 *   R3 lead L3 → K3:      no-answer 09:30, answered 12:00 → D3 (the lead's deal_id, no contact) an hour after
 *   R4 deal D4 of K4:     answered 13:00 → D4 itself is older: not converted
 *   R5 imported, no link: answered 14:00 → D5 three days after for K5, who has R5's number: converted
 *   R6 imported:          abandoned 15:00, failed 15:30; agent-no-answer, blocked and cancelled (none counts); a
 *                         deal for nobody
 *   R7 contact K7:        answered 2004-02-09 23:00, outside the range, with a deal the next hour
 * Campaign B (operator op2, in the team): R8 contact K1, answered 16:30 → D1 (two days after A's contact,
 * 40.5 h after B's) converts it for B too.
 */
const DAY = '2004-02-10';
const at = (time: string, day = DAY) => `${day}T${time}Z`;

describe('campaign results in analytics (real Postgres)', () => {
  let t: TestApp;
  const prefix = suitePrefix('an-camp');
  const base = 1_000_000 + Math.floor(Math.random() * 8_000_000);
  const phone = (n: number) => `+7912${String(base + n).padStart(7, '0')}`;
  let op1: SeededUser;
  let op2: SeededUser;
  let manager: SeededUser;
  let teamId: string;
  const campaigns: Record<'A' | 'B', string> = { A: '', B: '' };
  const clients = new Map<string, ApiClient>();
  const as = (u: SeededUser) => clients.get(u.id)!;
  const range = `from=${DAY}&to=2004-02-11&tz=UTC`;

  beforeAll(async () => {
    t = await startTestApp();
    // Seeded attempts are history: this node's dialer has nothing to do with them.
    t.services.campaignDialer.stop();
    const ds = t.dataSource;
    const ext = () => String(100000 + Math.floor(Math.random() * 899999));
    op1 = await createUser(ds, `${prefix}-op1`, 'operator', ext());
    op2 = await createUser(ds, `${prefix}-op2`, 'operator', ext());
    manager = await createUser(ds, `${prefix}-m`, 'manager');
    [{ id: teamId }] = await ds.query(`INSERT INTO teams (name) VALUES ($1) RETURNING id`, [`${prefix} team`]);
    await ds.query(`UPDATE users SET team_id = $1 WHERE id = $2`, [teamId, op2.id]);
    for (const u of [op1, manager]) {
      const client = new ApiClient(t.baseUrl);
      expect((await client.login(u.login, TEST_PASSWORD)).status).toBe(200);
      clients.set(u.id, client);
    }

    const one = async <T>(sql: string, params: unknown[]) => ((await ds.query(sql, params)) as T[])[0]!;
    const contact = async (name: string, n: number) => {
      const { id } = await one<{ id: string }>(`INSERT INTO contacts (name, owner_id) VALUES ($1, $2) RETURNING id`, [
        `${prefix} ${name}`,
        manager.id,
      ]);
      await ds.query(`INSERT INTO contact_phones (contact_id, raw, e164, last10) VALUES ($1, $2, $2, $3)`, [
        id,
        phone(n),
        phone(n).slice(-10),
      ]);
      return id;
    };
    const deal = async (title: string, contactId: string | null, createdAt: string) =>
      (
        await one<{ id: string }>(
          `INSERT INTO deals (title, contact_id, owner_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
          [`${prefix} ${title}`, contactId, manager.id, createdAt],
        )
      ).id;
    const K = {
      1: await contact('K1', 1),
      2: await contact('K2', 2),
      3: await contact('K3', 3),
      4: await contact('K4', 4),
      5: await contact('K5', 5),
      7: await contact('K7', 7),
    };
    const D3 = await deal('D3', null, at('13:00:00'));
    const L3 = (
      await one<{ id: string }>(
        `INSERT INTO leads (source, status, name, phone_e164, owner_id, contact_id, deal_id)
         VALUES ('manual', 'converted', $1, $2, $3, $4, $5) RETURNING id`,
        [`${prefix} L3`, phone(3), manager.id, K[3], D3],
      )
    ).id;
    const D4 = await deal('D4 old', K[4], at('09:00:00', '2004-01-20'));
    await deal('D1', K[1], at('11:00:00', '2004-02-12'));
    await deal('D2a before', K[2], at('10:30:00', '2004-02-09'));
    await deal('D2', K[2], at('10:30:00', '2004-02-18'));
    await deal('D5', K[5], at('14:00:00', '2004-02-13'));
    await deal('D6 nobody', null, at('15:10:00'));
    await deal('D7', K[7], at('00:00:00'));

    for (const name of ['A', 'B'] as const) {
      campaigns[name] = (
        await one<{ id: string }>(
          `INSERT INTO campaigns (name, mode, caller_id, call_window, retry_rules, dispositions, status)
           VALUES ($1, 'preview', '+74950000000', '{"from":"09:00","to":"21:00"}', '{"maxAttempts":3}', '{sale}',
                   'finished') RETURNING id`,
          [`${prefix} ${name}`],
        )
      ).id;
    }
    const record = async (campaign: 'A' | 'B', n: number, entity: ['contact' | 'lead' | 'deal', string] | null) =>
      (
        await one<{ id: string }>(
          `INSERT INTO campaign_records (campaign_id, phone_e164, entity_type, entity_id, state)
           VALUES ($1, $2, $3, $4, 'done') RETURNING id`,
          [campaigns[campaign], phone(n), entity?.[0] ?? null, entity?.[1] ?? null],
        )
      ).id;
    const attempt = async (
      campaign: 'A' | 'B',
      recordId: string,
      n: number,
      user: SeededUser,
      startedAt: string,
      outcome: string,
    ) => {
      // A connected attempt's contact starts 5 s after the dial.
      const connected = outcome === 'answered' || outcome === 'abandoned';
      await ds.query(
        `INSERT INTO campaign_attempts (campaign_id, record_id, phone_e164, user_id, started_at, dialled_at,
           connected_at, ended_at, outcome)
         VALUES ($1, $2, $3, $4, $5::timestamptz, $5::timestamptz,
           CASE WHEN $6 THEN $5::timestamptz + interval '5 seconds' END,
           $5::timestamptz + interval '60 seconds', $7)`,
        [campaigns[campaign], recordId, phone(n), user.id, startedAt, connected, outcome],
      );
    };
    const R1 = await record('A', 1, ['contact', K[1]]);
    await attempt('A', R1, 1, op1, at('09:00:00'), 'busy');
    await attempt('A', R1, 1, op1, at('11:00:00'), 'answered');
    await attempt('A', R1, 1, op1, at('17:00:00'), 'answered');
    const R2 = await record('A', 2, ['contact', K[2]]);
    await attempt('A', R2, 2, op1, at('10:30:00'), 'answered');
    const R3 = await record('A', 3, ['lead', L3]);
    await attempt('A', R3, 3, op1, at('09:30:00'), 'no-answer');
    await attempt('A', R3, 3, op1, at('12:00:00'), 'answered');
    const R4 = await record('A', 4, ['deal', D4]);
    await attempt('A', R4, 4, op1, at('13:00:00'), 'answered');
    const R5 = await record('A', 5, null);
    await attempt('A', R5, 5, op1, at('14:00:00'), 'answered');
    const R6 = await record('A', 6, null);
    await attempt('A', R6, 6, op1, at('15:00:00'), 'abandoned');
    await attempt('A', R6, 6, op1, at('15:30:00'), 'failed');
    for (const [time, outcome] of [
      ['16:00:00', 'agent-no-answer'],
      ['16:10:00', 'blocked'],
      ['16:20:00', 'cancelled'],
    ] as const)
      await attempt('A', R6, 6, op1, at(time), outcome);
    const R7 = await record('A', 7, ['contact', K[7]]);
    await attempt('A', R7, 7, op1, at('23:00:00', '2004-02-09'), 'answered');
    const R8 = await record('B', 1, ['contact', K[1]]);
    await attempt('B', R8, 1, op2, at('16:30:00'), 'answered');
  });

  afterAll(async () => {
    const ds = t.dataSource;
    await ds.query(`DELETE FROM campaigns WHERE id = ANY($1)`, [Object.values(campaigns)]);
    await deleteUsers(ds, [op1.id, op2.id, manager.id]);
    await ds.query(`DELETE FROM teams WHERE id = $1`, [teamId]);
    await t.close();
  });

  const mine = (rows: { campaignId: string }[]) => rows.filter((r) => Object.values(campaigns).includes(r.campaignId));

  it('per campaign: attempts, contacts, contact rate, contacted records, conversions within 7 days', async () => {
    const res = await as(manager).get(`/api/analytics/campaigns?${range}`);
    expect(res.status).toBe(200);
    expect(res.body.conversionDays).toBe(7);
    expect(res.body.range).toMatchObject({ fromUtc: '2004-02-10T00:00:00.000Z', toUtc: '2004-02-11T00:00:00.000Z' });
    expect(mine(res.body.rows)).toEqual([
      {
        campaignId: campaigns.A,
        name: `${prefix} A`,
        attempts: 10, // R1 3, R2 1, R3 2, R4 1, R5 1, R6 2 (abandoned, failed)
        contacts: 6, // R1 twice, R2, R3, R4, R5
        contactRate: 0.6,
        contactedRecords: 5,
        conversions: 3, // R1 (D1), R3 (the lead's deal D3), R5 (D5 by the number)
        conversionRate: 0.6,
      },
      {
        campaignId: campaigns.B,
        name: `${prefix} B`,
        attempts: 1,
        contacts: 1,
        contactRate: 1,
        contactedRecords: 1,
        conversions: 1, // D1 again: each campaign that reached the person within the window counts it
        conversionRate: 1,
      },
    ]);
  });

  it('a longer conversion window takes in the deal eight days later; the day before sees only R7', async () => {
    const wide = await as(manager).get(`/api/analytics/campaigns?${range}&conversionDays=10`);
    expect(mine(wide.body.rows)[0]).toMatchObject({ conversions: 4, conversionRate: 0.8 });
    const before = await as(manager).get(`/api/analytics/campaigns?from=2004-02-09&to=${DAY}&tz=UTC`);
    expect(mine(before.body.rows)).toEqual([
      expect.objectContaining({
        campaignId: campaigns.A,
        attempts: 1,
        contacts: 1,
        contactedRecords: 1,
        conversions: 1,
      }),
    ]);
    // In Moscow (UTC+3) the range starts at 21:00 UTC the day before: R7's 23:00 attempt is in, 21:00–24:00 of
    // the 10th (none there) out.
    const msk = await as(manager).get(`/api/analytics/campaigns?from=${DAY}&to=2004-02-11&tz=Europe/Moscow`);
    expect(mine(msk.body.rows)[0]).toMatchObject({ attempts: 11, contacts: 7, contactedRecords: 6, conversions: 4 });
  });

  it("a team's figures: only the attempts its members took", async () => {
    const res = await as(manager).get(`/api/analytics/campaigns?${range}&teamId=${teamId}`);
    expect(res.status).toBe(200);
    expect(mine(res.body.rows)).toEqual([expect.objectContaining({ campaignId: campaigns.B, attempts: 1 })]);
  });

  it('bad input is a 400, an operator a 403', async () => {
    for (const bad of ['conversionDays=0', 'conversionDays=91', 'conversionDays=two', 'campaignId=x']) {
      const res = await as(manager).get(`/api/analytics/campaigns?${range}&${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await as(manager).get(`/api/analytics/campaigns?from=2004-02-11&to=${DAY}`)).status).toBe(400);
    expect((await as(op1).get(`/api/analytics/campaigns?${range}`)).status).toBe(403);
  });

  it('exports CSV and XLSX in the asked language, the window named in the header', async () => {
    const en = await as(manager).get(`/api/analytics/campaigns?${range}&format=csv&lang=en`);
    expect(en.status).toBe(200);
    expect(en.headers.get('content-disposition')).toBe(
      'attachment; filename="zvonok-campaigns-2004-02-10_2004-02-11.csv"',
    );
    const lines = (en.body as string).replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe(
      'campaign,attempts,contacts,contact rate,records contacted,conversions to deals (within 7 d),conversion rate',
    );
    expect(lines).toContain(`${prefix} A,10,6,0.6,5,3,0.6`);
    const ru = await as(manager).get(`/api/analytics/campaigns?${range}&format=csv`);
    const header = (ru.body as string).replace(/^\uFEFF/, '').split('\r\n')[0]!;
    expect(header).toBe(
      'Кампания,Попытки,Контакты,Доля контактов,Записей с контактом,Конверсии в сделку (за 7 дн.),Доля конверсий',
    );
    expect(header).not.toMatch(/[A-Za-z]/);

    const res = await fetch(`${t.baseUrl}/api/analytics/campaigns?${range}&format=xlsx&lang=en`, {
      headers: { cookie: as(manager).cookie! },
    });
    expect(res.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await res.arrayBuffer());
    const sheet = workbook.getWorksheet('campaigns')!;
    const row = [...Array(sheet.rowCount).keys()]
      .map((i) => sheet.getRow(i + 1))
      .find((r) => r.getCell(1).value === `${prefix} B`)!;
    expect([2, 3, 4, 5, 6, 7].map((c) => row.getCell(c).value)).toEqual([1, 1, 1, 1, 1, 1]);
  });
});
