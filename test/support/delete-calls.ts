import { type DataSource } from 'typeorm';

/**
 * Removes what calls from or to the spec's own numbers left behind: their events (no foreign key, so they would
 * outlive the call), the calls themselves (legs, pops, the call's tasks, reviews and recordings go with them by
 * cascade) and the leads made for those numbers. `since` keeps a spec that shares a sipp caller number with others
 * to the rows of its own run.
 */
export async function deleteCallsOf(dataSource: DataSource, numbers: string[], since = new Date(0)): Promise<void> {
  const calls = `SELECT id FROM calls WHERE (from_e164 = ANY($1) OR to_e164 = ANY($1)) AND started_at >= $2`;
  await dataSource.transaction(async (em) => {
    await em.query(`DELETE FROM call_events WHERE call_id IN (${calls})`, [numbers, since]);
    await em.query(`DELETE FROM calls WHERE id IN (${calls})`, [numbers, since]);
    await em.query(`DELETE FROM leads WHERE phone_e164 = ANY($1) AND created_at >= $2`, [numbers, since]);
  });
}
