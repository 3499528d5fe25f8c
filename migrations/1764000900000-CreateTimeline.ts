import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * What the client timeline (issue #12) needs that was not kept:
 * - `deal_stage_history`: every stage a deal entered, who moved it and when (written by the deals module). A stage is
 *   a key of its pipeline (CreatePipelines), so both ends keep their pipeline; a row with `from_stage` NULL is the
 *   deal's creation. Existing deals get one such row at their creation time with their current stage: what happened
 *   in between was never stored. The pipeline ids have no foreign key: the history outlives a stage or pipeline an
 *   admin removes once its deals have moved on (the client then shows the bare key).
 * - `tasks.done_by_id`: who ticked a task off; `tasks.reminded_at`: the due reminder was sent (cleared when the due
 *   time moves, so a rescheduled task reminds again). Tasks already overdue count as reminded.
 * - `leads.converted_at`: when a lead was converted. Set by the database whenever the status becomes `converted`,
 *   whichever module or session writes it, so no conversion path can forget it.
 * - `ix_calls_to_e164`: a client's outbound calls are found by the called number, newest first, like inbound ones.
 * - The pop card shows the newest timeline items, so what feeds them and no card trigger covered yet says so on
 *   `zvonok_cards` (migration CardChangeFeed): stage changes, QA reviews, and a lead's conversion on its contact.
 */
export class CreateTimeline1764000900000 implements MigrationInterface {
  name = 'CreateTimeline1764000900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE deal_stage_history (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        deal_id uuid NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
        from_pipeline_id uuid NULL,
        from_stage text NULL,
        to_pipeline_id uuid NOT NULL,
        to_stage text NOT NULL,
        changed_by uuid NULL REFERENCES users(id) ON DELETE SET NULL,
        changed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_deal_stage_history_deal ON deal_stage_history (deal_id, changed_at DESC, id)`);
    await q.query(`
      INSERT INTO deal_stage_history (deal_id, to_pipeline_id, to_stage, changed_at)
      SELECT id, pipeline_id, stage, created_at FROM deals`);

    await q.query(`ALTER TABLE tasks ADD COLUMN done_by_id uuid NULL REFERENCES users(id) ON DELETE SET NULL`);
    await q.query(`ALTER TABLE tasks ADD COLUMN reminded_at timestamptz NULL`);
    // Tasks overdue before reminders existed are not all announced at once on the first start.
    await q.query(`UPDATE tasks SET reminded_at = now() WHERE done_at IS NULL AND due_at < now()`);
    // The reminder job's scan: open tasks with a due time not reminded yet.
    await q.query(`
      CREATE INDEX ix_tasks_reminder ON tasks (due_at)
        WHERE done_at IS NULL AND reminded_at IS NULL AND due_at IS NOT NULL`);

    await q.query(`ALTER TABLE leads ADD COLUMN converted_at timestamptz NULL`);
    await q.query(`UPDATE leads SET converted_at = updated_at WHERE status = 'converted'`);
    await q.query(`
      CREATE FUNCTION zv_lead_converted_at() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status = 'converted' AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'converted') THEN
          NEW.converted_at := now();
        ELSIF NEW.status <> 'converted' THEN
          NEW.converted_at := NULL;
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_leads_converted_at BEFORE INSERT OR UPDATE OF status ON leads
        FOR EACH ROW EXECUTE FUNCTION zv_lead_converted_at()`);
    // A contact's timeline lists the leads converted into it.
    await q.query(`CREATE INDEX ix_leads_contact ON leads (contact_id) WHERE contact_id IS NOT NULL`);

    await q.query(`CREATE INDEX ix_calls_to_e164 ON calls (to_e164, started_at DESC)`);

    await q.query(`
      CREATE FUNCTION zv_timeline_card_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        CASE TG_TABLE_NAME
          WHEN 'deal_stage_history' THEN
            PERFORM zv_card_notify('contact', (SELECT contact_id FROM deals WHERE id = NEW.deal_id));
          WHEN 'call_reviews' THEN
            IF TG_OP <> 'INSERT' THEN
              PERFORM zv_card_notify('contact', (SELECT contact_id FROM calls WHERE id = OLD.call_id));
              PERFORM zv_card_notify('lead', (SELECT lead_id FROM calls WHERE id = OLD.call_id));
            END IF;
            IF TG_OP <> 'DELETE' THEN
              PERFORM zv_card_notify('contact', (SELECT contact_id FROM calls WHERE id = NEW.call_id));
              PERFORM zv_card_notify('lead', (SELECT lead_id FROM calls WHERE id = NEW.call_id));
            END IF;
          WHEN 'leads' THEN
            IF TG_OP <> 'INSERT' THEN PERFORM zv_card_notify('contact', OLD.contact_id); END IF;
            IF TG_OP <> 'DELETE' THEN PERFORM zv_card_notify('contact', NEW.contact_id); END IF;
        END CASE;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_deal_stage_history_card AFTER INSERT ON deal_stage_history
        FOR EACH ROW EXECUTE FUNCTION zv_timeline_card_changed()`);
    await q.query(`
      CREATE TRIGGER tr_call_reviews_card AFTER INSERT OR UPDATE OF score OR DELETE ON call_reviews
        FOR EACH ROW EXECUTE FUNCTION zv_timeline_card_changed()`);
    await q.query(`
      CREATE TRIGGER tr_leads_contact_card AFTER INSERT OR UPDATE OF contact_id, status OR DELETE ON leads
        FOR EACH ROW EXECUTE FUNCTION zv_timeline_card_changed()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER tr_leads_contact_card ON leads`);
    await q.query(`DROP TRIGGER tr_call_reviews_card ON call_reviews`);
    await q.query(`DROP TRIGGER tr_deal_stage_history_card ON deal_stage_history`);
    await q.query(`DROP FUNCTION zv_timeline_card_changed()`);
    await q.query(`DROP INDEX ix_calls_to_e164`);
    await q.query(`DROP INDEX ix_leads_contact`);
    await q.query(`DROP TRIGGER tr_leads_converted_at ON leads`);
    await q.query(`DROP FUNCTION zv_lead_converted_at()`);
    await q.query(`ALTER TABLE leads DROP COLUMN converted_at`);
    await q.query(`DROP INDEX ix_tasks_reminder`);
    await q.query(`ALTER TABLE tasks DROP COLUMN reminded_at`);
    await q.query(`ALTER TABLE tasks DROP COLUMN done_by_id`);
    await q.query(`DROP TABLE deal_stage_history`);
  }
}
