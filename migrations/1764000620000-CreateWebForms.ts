import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateWebForms1764000620000 implements MigrationInterface {
  name = 'CreateWebForms1764000620000';

  async up(q: QueryRunner): Promise<void> {
    // Website forms (issue 18): a public key per site form, the origins allowed to post it, and the queue that
    // rings for "call me back".
    await q.query(`
      CREATE TABLE web_forms (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        key text NOT NULL UNIQUE,
        name text NOT NULL,
        allowed_origins text[] NOT NULL DEFAULT '{}',
        callback_queue text,
        active boolean NOT NULL DEFAULT true,
        created_by_id uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Every accepted submission, whichever record it ended on: a new lead, an open lead, or a contact.
    await q.query(`
      CREATE TABLE form_submissions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        form_id uuid NOT NULL REFERENCES web_forms(id) ON DELETE CASCADE,
        lead_id uuid REFERENCES leads(id) ON DELETE SET NULL,
        contact_id uuid REFERENCES contacts(id) ON DELETE SET NULL,
        created_lead boolean NOT NULL,
        name text,
        phone_raw text NOT NULL,
        phone_e164 text NOT NULL,
        email text,
        message text,
        utm jsonb,
        page text,
        referrer text,
        ip text,
        user_agent text,
        callback_requested boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_form_submissions_form ON form_submissions (form_id, created_at DESC)`);
    // The lead keeps where it came from: the form and its UTM tags (analytics counts lead sources by them).
    await q.query(`ALTER TABLE leads ADD COLUMN form_id uuid REFERENCES web_forms(id) ON DELETE SET NULL`);
    await q.query(`ALTER TABLE leads ADD COLUMN utm jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE leads DROP COLUMN utm`);
    await q.query(`ALTER TABLE leads DROP COLUMN form_id`);
    await q.query(`DROP TABLE form_submissions`);
    await q.query(`DROP TABLE web_forms`);
  }
}
