/**
 * Reads `users` (owned by the users module), never writes: whether a user may be given a task.
 */
import { type DataSource } from 'typeorm';

/** True for an existing, active user: a deactivated one would never see the task. */
export async function isAssignable(dataSource: DataSource, userId: string): Promise<boolean> {
  const rows = (await dataSource.query('SELECT 1 FROM users WHERE id = $1 AND active', [userId])) as unknown[];
  return rows.length > 0;
}
