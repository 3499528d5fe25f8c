/**
 * Reads `users` (owned by the users module), never writes: whether someone can be given a record.
 */
import { type DataSource } from 'typeorm';

/** `null`: no such user. */
export async function userState(dataSource: DataSource, userId: string): Promise<'active' | 'inactive' | null> {
  const rows = (await dataSource.query('SELECT active FROM users WHERE id = $1', [userId])) as { active: boolean }[];
  return rows[0] ? (rows[0].active ? 'active' : 'inactive') : null;
}
