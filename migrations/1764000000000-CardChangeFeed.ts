import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Two things the call pipeline v2 needs from the database:
 * 1. `leads.source_call_id`: which call created the lead. "This call created the lead" is then a fact the database
 *    keeps, so a node that takes a call over mid-way still knows it (only that call may give the lead an owner).
 *    No foreign key: the lead is created before the call's row is written (the row is written in batches).
 * 2. `zvonok_cards` notifications: every write that changes what a screen-pop card shows says so, on commit, so the
 *    nodes that cache cards evict them at once, whoever wrote (any module, an import, a psql session). Payloads:
 *    `contact:<id>`, `lead:<id>`, `phones` (who a number belongs to may have changed), `all` (names shown on every
 *    card: users, companies). Identical notifications within one transaction are delivered once.
 */
export class CardChangeFeed1764000000000 implements MigrationInterface {
  name = 'CardChangeFeed1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE leads ADD COLUMN source_call_id uuid NULL`);
    await q.query(`UPDATE leads l SET source_call_id = c.id FROM calls c WHERE c.lead_id = l.id AND c.lead_created`);
    await q.query(`CREATE INDEX ix_leads_source_call ON leads (source_call_id) WHERE source_call_id IS NOT NULL`);

    await q.query(`
      CREATE FUNCTION zv_card_notify(target text, id uuid) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        IF id IS NOT NULL THEN PERFORM pg_notify('zvonok_cards', target || ':' || id); END IF;
      END $$`);
    // A task or a note may hang off a deal; the card that shows it is the deal's contact's.
    await q.query(`
      CREATE FUNCTION zv_card_notify_entity(entity_type text, entity_id uuid) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        IF entity_type = 'contact' THEN PERFORM zv_card_notify('contact', entity_id);
        ELSIF entity_type = 'lead' THEN PERFORM zv_card_notify('lead', entity_id);
        ELSIF entity_type = 'deal' THEN PERFORM zv_card_notify('contact', (SELECT contact_id FROM deals WHERE id = entity_id));
        END IF;
      END $$`);
    await q.query(`
      CREATE FUNCTION zv_card_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        CASE TG_TABLE_NAME
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
      END $$`);
    for (const table of ['contacts', 'contact_phones', 'leads', 'deals', 'tasks', 'notes', 'companies']) {
      await q.query(`
        CREATE TRIGGER tr_${table}_card AFTER INSERT OR UPDATE OR DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION zv_card_changed()`);
    }
    // Users: only what a card shows (names) or what routes a pop (extension, active); not every login.
    await q.query(`
      CREATE TRIGGER tr_users_card AFTER INSERT OR DELETE OR UPDATE OF name, extension, active ON users
        FOR EACH ROW EXECUTE FUNCTION zv_card_changed()`);
    // A card lists the caller's recent calls: a call that ends, gets its wrap-up or its caller changes that list.
    // The pipeline rewrites a live call's row often; only these changes matter to a card.
    await q.query(`
      CREATE TRIGGER tr_calls_card AFTER UPDATE ON calls FOR EACH ROW
        WHEN (OLD.status IS DISTINCT FROM NEW.status AND NEW.status = 'ended'
          OR OLD.wrap_up_at IS DISTINCT FROM NEW.wrap_up_at
          OR OLD.contact_id IS DISTINCT FROM NEW.contact_id
          OR OLD.lead_id IS DISTINCT FROM NEW.lead_id)
        EXECUTE FUNCTION zv_card_changed()`);
    await q.query(`
      CREATE TRIGGER tr_recordings_card AFTER INSERT ON recordings FOR EACH ROW EXECUTE FUNCTION zv_card_changed()`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['contacts', 'contact_phones', 'leads', 'deals', 'tasks', 'notes', 'companies', 'users']) {
      await q.query(`DROP TRIGGER tr_${table}_card ON ${table}`);
    }
    await q.query(`DROP TRIGGER tr_calls_card ON calls`);
    await q.query(`DROP TRIGGER tr_recordings_card ON recordings`);
    await q.query(`DROP FUNCTION zv_card_changed()`);
    await q.query(`DROP FUNCTION zv_card_notify_entity(text, uuid)`);
    await q.query(`DROP FUNCTION zv_card_notify(text, uuid)`);
    await q.query(`DROP INDEX ix_leads_source_call`);
    await q.query(`ALTER TABLE leads DROP COLUMN source_call_id`);
  }
}
