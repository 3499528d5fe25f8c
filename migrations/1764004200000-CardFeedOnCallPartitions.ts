import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Since PartitionCallsByMonth, the row trigger `tr_calls_card` runs on the month's partition, whose name
 * (`TG_TABLE_NAME`) `zv_card_changed()` did not know: every call that ended or changed its caller told every node to
 * forget every cached card and user (`all`), so at a steady rate of calls the card cache hardly ever held. The trigger
 * now calls a function of its own, which says what `zv_card_changed()` said for `calls` whatever the partition.
 */
const callsTrigger = (fn: string) => `
  CREATE TRIGGER tr_calls_card AFTER UPDATE ON calls FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status AND NEW.status = 'ended'
      OR OLD.wrap_up_at IS DISTINCT FROM NEW.wrap_up_at
      OR OLD.contact_id IS DISTINCT FROM NEW.contact_id
      OR OLD.lead_id IS DISTINCT FROM NEW.lead_id)
    EXECUTE FUNCTION ${fn}()`;

export class CardFeedOnCallPartitions1764004200000 implements MigrationInterface {
  name = 'CardFeedOnCallPartitions1764004200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION zv_call_card_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM zv_card_notify('contact', NEW.contact_id);
        PERFORM zv_card_notify('lead', NEW.lead_id);
        RETURN NULL;
      END $$`);
    await q.query(`DROP TRIGGER tr_calls_card ON calls`);
    await q.query(callsTrigger('zv_call_card_changed'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER tr_calls_card ON calls`);
    await q.query(callsTrigger('zv_card_changed'));
    await q.query(`DROP FUNCTION zv_call_card_changed()`);
  }
}
