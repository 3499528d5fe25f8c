import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateCrm1763900001000 implements MigrationInterface {
  name = 'CreateCrm1763900001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE companies (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        inn text NULL,
        website text NULL,
        phone_e164 text NULL,
        owner_id uuid NULL REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_companies_owner ON companies (owner_id)`);
    await q.query(`CREATE INDEX ix_companies_name ON companies (lower(name))`);

    await q.query(`
      CREATE TABLE contacts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        email text NULL,
        company_id uuid NULL REFERENCES companies(id) ON DELETE SET NULL,
        owner_id uuid NULL REFERENCES users(id) ON DELETE SET NULL,
        do_not_call boolean NOT NULL DEFAULT false,
        tags text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_contacts_owner ON contacts (owner_id)`);
    await q.query(`CREATE INDEX ix_contacts_company ON contacts (company_id)`);
    await q.query(`CREATE INDEX ix_contacts_name ON contacts (lower(name))`);

    // One contact has many numbers; e164 is the exact key, last10 the RU fallback for odd stored forms.
    await q.query(`
      CREATE TABLE contact_phones (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        raw text NOT NULL,
        e164 text NULL,
        last10 text NULL CHECK (last10 ~ '^[0-9]{10}$'),
        label text NULL,
        position smallint NOT NULL DEFAULT 0,
        CONSTRAINT uq_contact_phones_contact_raw UNIQUE (contact_id, raw)
      )`);
    await q.query(`CREATE INDEX ix_contact_phones_contact ON contact_phones (contact_id)`);
    await q.query(`CREATE INDEX ix_contact_phones_e164 ON contact_phones (e164)`);
    await q.query(`CREATE INDEX ix_contact_phones_last10 ON contact_phones (last10)`);

    await q.query(`
      CREATE TABLE leads (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        source text NOT NULL CHECK (source IN ('call', 'web', 'manual', 'import')),
        status text NOT NULL DEFAULT 'new'
          CHECK (status IN ('new', 'in_progress', 'qualified', 'converted', 'junk')),
        name text NULL,
        phone_raw text NULL,
        phone_e164 text NULL,
        owner_id uuid NULL REFERENCES users(id) ON DELETE SET NULL,
        contact_id uuid NULL REFERENCES contacts(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // "One open lead per number" is a database guarantee, not an application check: concurrent
    // calls from the same unknown number race, and only this index settles the race.
    await q.query(`
      CREATE UNIQUE INDEX uq_leads_open_phone ON leads (phone_e164)
        WHERE status NOT IN ('converted', 'junk') AND phone_e164 IS NOT NULL`);
    await q.query(`CREATE INDEX ix_leads_owner ON leads (owner_id)`);
    await q.query(`CREATE INDEX ix_leads_phone ON leads (phone_e164)`);
    await q.query(`CREATE INDEX ix_leads_status_created ON leads (status, created_at DESC)`);

    await q.query(`
      CREATE TABLE deals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        title text NOT NULL,
        stage text NOT NULL DEFAULT 'new'
          CHECK (stage IN ('new', 'qualification', 'proposal', 'negotiation', 'won', 'lost')),
        amount numeric(14, 2) NOT NULL DEFAULT 0 CHECK (amount >= 0),
        currency char(3) NOT NULL DEFAULT 'RUB' CHECK (currency ~ '^[A-Z]{3}$'),
        owner_id uuid NULL REFERENCES users(id) ON DELETE SET NULL,
        contact_id uuid NULL REFERENCES contacts(id) ON DELETE SET NULL,
        company_id uuid NULL REFERENCES companies(id) ON DELETE SET NULL,
        closed_at timestamptz NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_deals_owner ON deals (owner_id)`);
    await q.query(`CREATE INDEX ix_deals_contact ON deals (contact_id)`);
    await q.query(`CREATE INDEX ix_deals_company ON deals (company_id)`);
    await q.query(`CREATE INDEX ix_deals_stage ON deals (stage)`);

    // Tasks and notes attach to any CRM entity by (type, id): a polymorphic link has no FK,
    // so the service validates the target and deletes of targets leave orphans to be swept.
    await q.query(`
      CREATE TABLE tasks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        title text NOT NULL,
        kind text NOT NULL DEFAULT 'todo' CHECK (kind IN ('todo', 'callback', 'meeting', 'email')),
        due_at timestamptz NULL,
        done_at timestamptz NULL,
        assignee_id uuid NULL REFERENCES users(id) ON DELETE SET NULL,
        created_by_id uuid NULL REFERENCES users(id) ON DELETE SET NULL,
        entity_type text NULL CHECK (entity_type IN ('contact', 'company', 'lead', 'deal', 'call')),
        entity_id uuid NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((entity_type IS NULL) = (entity_id IS NULL))
      )`);
    await q.query(`CREATE INDEX ix_tasks_assignee_open ON tasks (assignee_id, due_at) WHERE done_at IS NULL`);
    await q.query(`CREATE INDEX ix_tasks_entity ON tasks (entity_type, entity_id)`);

    await q.query(`
      CREATE TABLE notes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        body text NOT NULL CHECK (length(body) > 0),
        author_id uuid NULL REFERENCES users(id) ON DELETE SET NULL,
        entity_type text NOT NULL CHECK (entity_type IN ('contact', 'company', 'lead', 'deal', 'call')),
        entity_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_notes_entity ON notes (entity_type, entity_id, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notes`);
    await q.query(`DROP TABLE tasks`);
    await q.query(`DROP TABLE deals`);
    await q.query(`DROP TABLE leads`);
    await q.query(`DROP TABLE contact_phones`);
    await q.query(`DROP TABLE contacts`);
    await q.query(`DROP TABLE companies`);
  }
}
