import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Who subscribes to which webhook event is read on every call event; the nodes cache it and forget it when the
 * database says an endpoint changed (scope `webhook_endpoints` on the change channel the card caches listen to).
 */
export class WebhookEndpointsChangeFeed1764004210000 implements MigrationInterface {
  name = 'WebhookEndpointsChangeFeed1764004210000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION zv_webhook_endpoints_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('zvonok_cards', 'webhook_endpoints');
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_webhook_endpoints_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON webhook_endpoints
        FOR EACH STATEMENT EXECUTE FUNCTION zv_webhook_endpoints_changed()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER tr_webhook_endpoints_changed ON webhook_endpoints`);
    await q.query(`DROP FUNCTION zv_webhook_endpoints_changed()`);
  }
}
