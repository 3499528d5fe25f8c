import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Since PartitionCallsByMonth, the row trigger `tr_calls_card` runs on the month's partition, whose name
 * (`TG_TABLE_NAME`) `zv_card_changed()` did not know: every call that ended or changed its caller told every node to
 * forget every cached card and user (`all`), so at a steady rate of calls the card cache hardly ever held. The trigger
 * now names its table in an argument, which partitions made later inherit; the function reads it first.
 */
const cardChanged = (table: string) => `
  CREATE OR REPLACE FUNCTION zv_card_changed() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    CASE ${table}
      WHEN 'contacts' THEN
        IF TG_OP = 'DELETE' THEN PERFORM zv_card_notify('contact', OLD.id);
        ELSE PERFORM zv_card_notify('contact', NEW.id); END IF;
      WHEN 'contact_phones' THEN
        PERFORM pg_notify('zvonok_cards', 'phones');
        IF TG_OP <> 'INSERT' THEN PERFORM zv_card_notify('contact', OLD.contact_id); END IF;
        IF TG_OP <> 'DELETE' THEN PERFORM zv_card_notify('contact', NEW.contact_id); END IF;
      WHEN 'leads' THEN
        PERFORM pg_notify('zvonok_cards', 'phones');
        IF TG_OP = 'DELETE' THEN PERFORM zv_card_notify('lead', OLD.id);
        ELSE PERFORM zv_card_notify('lead', NEW.id); END IF;
      WHEN 'deals' THEN
        IF TG_OP <> 'INSERT' THEN PERFORM zv_card_notify('contact', OLD.contact_id); END IF;
        IF TG_OP <> 'DELETE' THEN PERFORM zv_card_notify('contact', NEW.contact_id); END IF;
      WHEN 'tasks', 'notes' THEN
        IF TG_OP <> 'INSERT' THEN PERFORM zv_card_notify_entity(OLD.entity_type, OLD.entity_id); END IF;
        IF TG_OP <> 'DELETE' THEN PERFORM zv_card_notify_entity(NEW.entity_type, NEW.entity_id); END IF;
      WHEN 'calls' THEN
        PERFORM zv_card_notify('contact', NEW.contact_id);
        PERFORM zv_card_notify('lead', NEW.lead_id);
      WHEN 'recordings' THEN
        PERFORM zv_card_notify('contact', (SELECT contact_id FROM calls WHERE id = NEW.call_id));
        PERFORM zv_card_notify('lead', (SELECT lead_id FROM calls WHERE id = NEW.call_id));
      ELSE
        PERFORM pg_notify('zvonok_cards', 'all');
    END CASE;
    RETURN NULL;
  END $$`;

const callsTrigger = (args: string) => `
  CREATE TRIGGER tr_calls_card AFTER UPDATE ON calls FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status AND NEW.status = 'ended'
      OR OLD.wrap_up_at IS DISTINCT FROM NEW.wrap_up_at
      OR OLD.contact_id IS DISTINCT FROM NEW.contact_id
      OR OLD.lead_id IS DISTINCT FROM NEW.lead_id)
    EXECUTE FUNCTION zv_card_changed(${args})`;

export class CardFeedOnCallPartitions1764004200000 implements MigrationInterface {
  name = 'CardFeedOnCallPartitions1764004200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(cardChanged('coalesce(TG_ARGV[0], TG_TABLE_NAME)'));
    await q.query(`DROP TRIGGER tr_calls_card ON calls`);
    await q.query(callsTrigger(`'calls'`));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER tr_calls_card ON calls`);
    await q.query(callsTrigger(''));
    await q.query(cardChanged('TG_TABLE_NAME'));
  }
}
