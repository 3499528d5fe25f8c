import { type DataSource } from 'typeorm';

/**
 * An operator the SIP front's queue may offer a call by their stored agent state: no state yet (Asterisk's
 * default, a member never paused), available, or a wrap-up that has run out (the sweep has not yet flipped it).
 * The SIP front keeps no queue state of its own that outlives it, so this is read at every round: pauses sent
 * while it was down, or to another node's adapter, still count. Calls in progress are the adapter's to know.
 */
const READY = `(s.user_id IS NULL OR s.state = 'available' OR (s.state = 'wrap-up' AND s.wrap_up_until <= now()))`;

/** Extensions of the active operators whose agent state lets the queue ring them, in extension order. */
export async function readyQueueMembers(dataSource: DataSource): Promise<string[]> {
  const rows: { extension: string }[] = await dataSource.query(
    `SELECT u.extension FROM users u LEFT JOIN agent_states s ON s.user_id = u.id
     WHERE u.active AND u.role = 'operator' AND u.extension IS NOT NULL AND ${READY}
     ORDER BY u.extension`,
  );
  return rows.map((r) => r.extension);
}

/** The extension of the caller's owner (a contact with this number), if that operator is ready for a call. */
export async function readyOwnerOf(dataSource: DataSource, e164: string): Promise<string | null> {
  const rows: { extension: string }[] = await dataSource.query(
    `SELECT u.extension FROM users u
     JOIN contacts c ON c.owner_id = u.id
     JOIN contact_phones p ON p.contact_id = c.id AND p.e164 = $1
     LEFT JOIN agent_states s ON s.user_id = u.id
     WHERE u.active AND u.role = 'operator' AND u.extension IS NOT NULL AND ${READY}
     ORDER BY u.extension LIMIT 1`,
    [e164],
  );
  return rows[0]?.extension ?? null;
}
