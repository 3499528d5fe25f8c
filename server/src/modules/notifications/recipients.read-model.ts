import { type DataSource } from 'typeorm';

/**
 * Reads `users` (never writes it): who hears of what nobody in particular owns, e.g. an escalated callback goes to
 * every active supervisor.
 */
export class RecipientsReadModel {
  constructor(private readonly dataSource: DataSource) {}

  async activeWithRole(role: 'supervisor'): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM users WHERE role = $1 AND active ORDER BY id`,
      [role],
    );
    return rows.map((r) => r.id);
  }
}
