import pg from 'pg';

import { AmiProbe } from '@test/support/live-app';
import { waitFor } from '@test/support/services/ports';

/**
 * A clean start for a spec that places calls on the shared PBX: every PJSIP channel an earlier (failed) spec left up
 * is hung up, and calls the records still show as open are removed, so no leftover call rings a phone, holds a
 * queue member or pops a card in the next spec.
 */
export async function resetLiveState(databaseUrl = process.env.DATABASE_URL): Promise<void> {
  const ami = new AmiProbe();
  await ami.start();
  try {
    // AMI Hangup takes a regular expression between slashes.
    await ami.hangup('/^PJSIP\\//').catch(() => undefined);
    await waitFor(async () => (await ami.channels()).length === 0, { what: 'no channel left up', timeoutMs: 10_000 });
  } finally {
    await ami.stop();
  }
  if (!databaseUrl) return;
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query(`DELETE FROM call_events WHERE call_id IN (SELECT id FROM calls WHERE status <> 'ended')`);
    await db.query(`DELETE FROM calls WHERE status <> 'ended'`);
  } finally {
    await db.end();
  }
}
