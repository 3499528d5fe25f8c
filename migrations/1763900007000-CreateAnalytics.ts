import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateAnalytics1763900007000 implements MigrationInterface {
  name = 'CreateAnalytics1763900007000';

  async up(q: QueryRunner): Promise<void> {
    // Who handled a call, one row per answering or transfer event. The calls row keeps only the last handler,
    // and per-operator analytics must credit everyone a transfer passed the call through.
    await q.query(`
      CREATE TABLE call_handlers (
        call_id uuid NOT NULL,
        seq integer NOT NULL,
        kind text NOT NULL CHECK (kind IN ('answered', 'transferred')),
        extension text NOT NULL,
        user_id uuid NULL REFERENCES users(id) ON DELETE SET NULL,
        at timestamptz NOT NULL,
        PRIMARY KEY (call_id, seq)
      )`);
    // Dashboards read the handlers of a time range; covering, so that is an index-only scan.
    await q.query(`CREATE INDEX ix_call_handlers_at ON call_handlers (at) INCLUDE (call_id, seq, kind, user_id)`);

    // Maintained by the database from the event log, so every writer of call_events (recorder, replays, imports)
    // feeds it and a redelivered event (dropped by the call_events key) adds nothing.
    await q.query(`
      CREATE FUNCTION zv_call_handler_from_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.type IN ('call.answered', 'call.transferred') AND NEW.payload->>'agentId' IS NOT NULL THEN
          INSERT INTO call_handlers (call_id, seq, kind, extension, user_id, at)
          VALUES (NEW.call_id, NEW.seq, CASE NEW.type WHEN 'call.answered' THEN 'answered' ELSE 'transferred' END,
            NEW.payload->>'agentId', (SELECT id FROM users WHERE extension = NEW.payload->>'agentId'), NEW.occurred_at)
          ON CONFLICT DO NOTHING;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_call_events_handlers AFTER INSERT ON call_events
        FOR EACH ROW EXECUTE FUNCTION zv_call_handler_from_event()`);
    await q.query(`
      INSERT INTO call_handlers (call_id, seq, kind, extension, user_id, at)
      SELECT e.call_id, e.seq, CASE e.type WHEN 'call.answered' THEN 'answered' ELSE 'transferred' END,
        e.payload->>'agentId', u.id, e.occurred_at
      FROM call_events e LEFT JOIN users u ON u.extension = e.payload->>'agentId'
      WHERE e.type IN ('call.answered', 'call.transferred') AND e.payload->>'agentId' IS NOT NULL`);

    // After-call work per queue, like Asterisk's queues.conf `wrapuptime`: AHT adds it to every answered call.
    await q.query(`
      CREATE TABLE analytics_queue_settings (
        queue text PRIMARY KEY,
        wrap_up_seconds integer NOT NULL DEFAULT 0 CHECK (wrap_up_seconds BETWEEN 0 AND 3600),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    // Every dashboard query reads inbound calls by start time; the INCLUDE list is every column they read, so
    // a year of calls is an index-only scan of this narrow index instead of the wide heap.
    await q.query(`
      CREATE INDEX ix_calls_analytics ON calls (started_at)
        INCLUDE (id, disposition, queue, wait_seconds, talk_seconds, hold_seconds, operator_id, ended_at, wrap_up_at)
        WHERE direction = 'inbound'`);
    await q.query(`CREATE INDEX ix_tasks_kind_due ON tasks (kind, due_at)`);
    await q.query(`CREATE INDEX ix_leads_created ON leads (created_at) INCLUDE (source, status)`);
    await q.query(`CREATE INDEX ix_deals_closed ON deals (closed_at) INCLUDE (stage, amount, currency)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_deals_closed`);
    await q.query(`DROP INDEX ix_leads_created`);
    await q.query(`DROP INDEX ix_tasks_kind_due`);
    await q.query(`DROP INDEX ix_calls_analytics`);
    await q.query(`DROP TABLE analytics_queue_settings`);
    await q.query(`DROP TRIGGER tr_call_events_handlers ON call_events`);
    await q.query(`DROP FUNCTION zv_call_handler_from_event()`);
    await q.query(`DROP TABLE call_handlers`);
  }
}
