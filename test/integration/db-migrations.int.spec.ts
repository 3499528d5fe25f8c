import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { type DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type UserDto } from '@contracts/dto/user';
import { createServices } from '@server/services';
import { sealedSecretBox } from '@server/modules/webhooks/webhooks.service';
import { type Database, createDatabase } from '@server/db/data-source';
import { seedDemo } from '@server/db/seed-demo';
import { ContactEntity, ContactPhoneEntity } from '@server/modules/contacts/contact.entity';
import { ImportsService } from '@server/modules/imports/imports.service';
import { LeadEntity } from '@server/modules/leads/lead.entity';
import { UserEntity } from '@server/modules/users/user.entity';
import { requireDatabaseUrl, testConfig, testLogger, TEST_SIP_SECRETS_KEY } from '@test/support/api-server';
import { SipSecretCipher } from '@server/common/crypto/sip-secret-cipher';
import { SipSecretsService } from '@server/modules/sip-secrets/sip-secrets.service';

import { migrations } from '@migrations';

const TABLES = [
  'agent_state_history',
  'agent_states',
  'analytics_call_bins',
  'analytics_callback_days',
  'analytics_crm_dirty',
  'analytics_lead_days',
  'analytics_operator_bins',
  'analytics_operator_days',
  'analytics_operator_months',
  'analytics_queue_settings',
  'analytics_targets',
  'api_tokens',
  'audit_log',
  'blocked_numbers',
  'callback_requests',
  'call_events',
  'call_handlers',
  'call_legs',
  'call_pops',
  'call_reviews',
  'callback_calls',
  'calls',
  'campaign_attempts',
  'campaign_operators',
  'campaign_records',
  'campaigns',
  'companies',
  'contact_phones',
  'contacts',
  'custom_fields',
  'deal_items',
  'deal_stage_history',
  'deals',
  'dial_overrides',
  'form_submissions',
  'import_jobs',
  'leads',
  'notes',
  'notifications',
  'pipeline_stages',
  'pipelines',
  'products',
  'queue_business_hours',
  'recording_ingests',
  'recordings',
  'sessions',
  'settings',
  'sip_secrets',
  'sla_alerts',
  'sla_thresholds',
  'tasks',
  'teams',
  'users',
  'web_forms',
  'webhook_attempts',
  'webhook_deliveries',
  'webhook_endpoints',
].sort();

async function tables(ds: DataSource): Promise<string[]> {
  const rows: { table_name: string }[] = await ds.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'
       AND table_name NOT IN (SELECT relname FROM pg_class WHERE relispartition)
     ORDER BY table_name`,
  );
  // Sorted here: the database's collation may order `callback_requests` and `call_events` either way.
  return rows.map((r) => r.table_name).sort();
}

/** The same checks on both engines: migrations up, CRUD round trip, constraints, then all the way down and up. */
function engineSuite(name: string, open: () => Promise<{ db: Database; cleanup: () => Promise<void> }>) {
  describe(name, () => {
    let db: Database;
    let cleanup: () => Promise<void>;
    let ds: DataSource;

    beforeAll(async () => {
      ({ db, cleanup } = await open());
      ds = db.dataSource;
      await ds.initialize();
    });
    afterAll(async () => {
      await db.close();
      await cleanup();
    });

    it('applies every migration on an empty database', async () => {
      const applied = await ds.runMigrations({ transaction: 'each' });
      expect(applied.map((m) => m.name)).toEqual(migrations.map((m) => m.name));
      expect(await tables(ds)).toEqual(TABLES);
      expect(await ds.showMigrations()).toBe(false);
    });

    it('round-trips a user, a contact with phones, and a lead through the entities', async () => {
      const users = ds.getRepository(UserEntity);
      const user = await users.save(
        users.create({ login: 'roundtrip', passwordHash: 'x', name: 'Юзер 😀', role: 'operator', extension: '1234' }),
      );
      expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(user.locale).toBe('ru');
      const contacts = ds.getRepository(ContactEntity);
      const contact = await contacts.save(
        contacts.create({ name: 'Контакт', email: null, companyId: null, ownerId: user.id, tags: ['a', 'b c'] }),
      );
      await ds.getRepository(ContactPhoneEntity).insert({
        contactId: contact.id,
        raw: '8 916 000-00-01',
        e164: '+79160000001',
        last10: '9160000001',
        label: null,
        position: 0,
      });
      const loaded = await contacts.findOneByOrFail({ id: contact.id });
      expect(loaded).toMatchObject({ name: 'Контакт', tags: ['a', 'b c'], doNotCall: false, ownerId: user.id });
      expect(loaded.createdAt).toBeInstanceOf(Date);
      await contacts.update({ id: contact.id }, { name: 'Изменён' });
      expect((await contacts.findOneByOrFail({ id: contact.id })).name).toBe('Изменён');

      const leads = ds.getRepository(LeadEntity);
      await leads.insert({ source: 'call', phoneE164: '+79160000002', ownerId: user.id });
      await expect(leads.insert({ source: 'call', phoneE164: '+79160000002' })).rejects.toMatchObject({
        driverError: { code: '23505' },
      });
      await leads.update({ phoneE164: '+79160000002' }, { status: 'converted' });
      await leads.insert({ source: 'call', phoneE164: '+79160000002' });
      expect(await leads.countBy({ phoneE164: '+79160000002' })).toBe(2);

      await expect(
        users.insert({ login: 'ROUNDTRIP2', passwordHash: 'x', name: 'n', role: 'operator' }),
      ).rejects.toThrow();
      await expect(
        users.insert({ login: 'other', passwordHash: 'x', name: 'n', role: 'operator', extension: '1234' }),
      ).rejects.toMatchObject({
        driverError: { code: '23505' },
      });

      await contacts.delete({ id: contact.id });
      expect(await ds.getRepository(ContactPhoneEntity).countBy({ contactId: contact.id })).toBe(0);
    });

    it('keeps concurrent parameterized queries and transactions apart (extended protocol)', async () => {
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          i % 5 === 0
            ? ds.transaction(async (em) => {
                const [row] = await em.query(`SELECT $1::int * 2 AS v`, [i]);
                return Number(row.v) / 2;
              })
            : ds.query(`SELECT $1::int AS v, $2::text AS t`, [i, `t${i}`]).then(([row]) => Number(row.v)),
        ),
      );
      expect(results).toEqual(Array.from({ length: 30 }, (_, i) => i));
    });

    it('seeds the demo data idempotently', async () => {
      const first = await seedDemo(ds);
      expect(first).toContain('operator1');
      expect(await seedDemo(ds)).toEqual([]);
      const ext = await ds.getRepository(UserEntity).findOneByOrFail({ login: 'supervisor' });
      expect(ext.extension).toBe('1901');
    });

    it('imports contacts end to end, one import after the other (the embedded engine has one connection)', async () => {
      const logger = testLogger();
      const cipher = new SipSecretCipher(TEST_SIP_SECRETS_KEY);
      const sipSecrets = new SipSecretsService(ds, cipher, logger);
      const secretBox = sealedSecretBox(cipher);
      const { services } = createServices({ config: testConfig(), dataSource: ds, logger, sipSecrets, secretBox });
      const imports = new ImportsService(ds, services.contacts, () => 'RU');
      const row = await ds.getRepository(UserEntity).findOneByOrFail({ login: 'operator1' });
      const viewer: UserDto = {
        id: row.id,
        login: row.login,
        name: row.name,
        role: row.role,
        extension: null,
        locale: 'ru',
        teamId: null,
      };
      const file = Buffer.from('name,phone\nИмпорт Один,8 916 700-00-01\nИмпорт Два,8 916 700-00-02\n');
      const run = async () => {
        const preview = await imports.upload(viewer, 'a.csv', file);
        await imports.start(viewer, preview.id, { name: 0, phone: 1, email: null, tags: null });
        const deadline = Date.now() + 10_000;
        for (;;) {
          const job = await imports.get(viewer, preview.id);
          if (job.status !== 'running') return job;
          if (Date.now() > deadline) throw new Error(`import stuck: ${JSON.stringify(job)}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      const [first, second] = await Promise.all([run(), run()]);
      expect([first.imported, second.imported].sort()).toEqual([0, 2]);
      expect([first.duplicates, second.duplicates].sort()).toEqual([0, 2]);
      expect(await ds.getRepository(ContactPhoneEntity).countBy({ e164: '+79167000001' })).toBe(1);
    });

    it('1764000400000 merges the open callback duplicates the old one-task-per-call rule left', async () => {
      // Back to just before it (later migrations of other branches first), with the old rule's data.
      const at = migrations.findIndex((m) => m.name === 'OneOpenCallbackPerNumber1764000400000');
      for (let i = migrations.length - 1; i >= at; i--) await ds.undoLastMigration({ transaction: 'each' });
      const call = async (minute: number, queue: string | null) => {
        const [row] = await ds.query(
          `INSERT INTO calls (id, source, direction, from_raw, from_e164, to_raw, queue, status, started_at, ended_at,
             disposition) VALUES (gen_random_uuid(), 'ami', 'inbound', '89160000077', '+79160000077', '7000', $1,
             'ended', $2, $2, 'missed') RETURNING id`,
          [queue, new Date(Date.UTC(2031, 0, 1, 10, minute))],
        );
        return row.id as string;
      };
      const task = async (callId: string, minute: number, done = false) => {
        const [row] = await ds.query(
          `INSERT INTO tasks (title, kind, call_id, queue, created_at, done_at)
           VALUES ('Callback +79160000077', 'callback', $1, 'support', $2, $3) RETURNING id`,
          [callId, new Date(Date.UTC(2031, 0, 1, 10, minute)), done ? new Date() : null],
        );
        return row.id as string;
      };
      const old = await task(await call(0, 'support'), 1, true);
      const first = await task(await call(5, 'support'), 6);
      const latest = await call(7, 'support');
      await task(latest, 8);
      const sales = await task(await call(9, 'sales'), 10);

      await ds.runMigrations({ transaction: 'each' });
      const rows = (await ds.query(
        `SELECT id, title, callback_queue, callback_attempts, call_id, done_at IS NOT NULL AS done FROM tasks
         WHERE callback_phone = '+79160000077' ORDER BY created_at`,
      )) as { id: string; callback_queue: string; callback_attempts: number; call_id: string; done: boolean }[];
      const title = '+79160000077'; // the English "Callback …" is gone; screens render it in their language
      expect(rows).toEqual([
        { id: old, title, callback_queue: 'support', callback_attempts: 1, call_id: expect.any(String), done: true },
        { id: first, title, callback_queue: 'support', callback_attempts: 2, call_id: latest, done: false },
        { id: sales, title, callback_queue: 'sales', callback_attempts: 1, call_id: expect.any(String), done: false },
      ]);
      await ds.query(`DELETE FROM calls WHERE from_e164 = '+79160000077'`);
      expect(await ds.query(`SELECT 1 FROM tasks WHERE callback_phone = '+79160000077'`)).toEqual([]);
    });

    it('reverts every migration (reviewed downs) and re-applies them', async () => {
      for (let i = 0; i < migrations.length; i++) await ds.undoLastMigration({ transaction: 'each' });
      expect(await tables(ds)).toEqual([]);
      const again = await ds.runMigrations({ transaction: 'each' });
      expect(again).toHaveLength(migrations.length);
      expect(await tables(ds)).toEqual(TABLES);
    });
  });
}

engineSuite('migrations on embedded PGlite (via pglite-socket)', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zvonok-pglite-'));
  const db = await createDatabase({ databaseUrl: undefined, dataDir: dir });
  expect(db.embedded).toBe(true);
  return { db, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
});

engineSuite('migrations on real Postgres (fresh database)', async () => {
  // A throwaway database next to the shared one, so reverting migrations never touches other suites.
  const adminUrl = requireDatabaseUrl();
  const name = `zvonok_mig_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = await createDatabase({ databaseUrl: adminUrl, dataDir: os.tmpdir() });
  await admin.dataSource.initialize();
  await admin.dataSource.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await createDatabase({ databaseUrl: url.toString(), dataDir: os.tmpdir() });
  expect(db.embedded).toBe(false);
  return {
    db,
    cleanup: async () => {
      await admin.dataSource.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.close();
    },
  };
});
