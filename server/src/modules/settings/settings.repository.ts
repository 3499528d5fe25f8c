import { type DataSource, type EntityManager } from 'typeorm';

export interface SettingRow {
  key: string;
  value: unknown;
}

/** The `settings` table: one jsonb value per key; a missing key means "the environment's value". */
export class SettingsRepository {
  constructor(private readonly dataSource: DataSource) {}

  all(): Promise<SettingRow[]> {
    return this.dataSource.query(`SELECT key, value FROM settings`);
  }

  /** Locks the rows of `keys` (existing ones) so two admins' changes are audited against what they replaced. */
  async lockedValues(em: EntityManager, keys: string[]): Promise<Map<string, unknown>> {
    const rows: SettingRow[] = await em.query(`SELECT key, value FROM settings WHERE key = ANY($1) FOR UPDATE`, [keys]);
    return new Map(rows.map((r) => [r.key, r.value]));
  }

  async upsert(em: EntityManager, key: string, value: unknown, actorId: string): Promise<void> {
    await em.query(
      `INSERT INTO settings (key, value, updated_by) VALUES ($1, $2, $3)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [key, JSON.stringify(value), actorId],
    );
  }
}
