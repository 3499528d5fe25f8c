import { type DataSource } from 'typeorm';

/**
 * Reads `users` and `contact_phones` (never writes): whose phones the demo calls ring, and which client numbers
 * they come from. Asked before every demo call, so operators and contacts added meanwhile take part.
 */
export class DemoTelephonyReadModel {
  constructor(private readonly dataSource: DataSource) {}

  async operatorExtensions(): Promise<string[]> {
    const rows: { extension: string }[] = await this.dataSource.query(
      `SELECT extension FROM users WHERE active AND role = 'operator' AND extension IS NOT NULL`,
    );
    return rows.map((r) => r.extension);
  }

  async clientNumbers(): Promise<string[]> {
    const rows: { e164: string }[] = await this.dataSource.query(
      `SELECT DISTINCT e164 FROM contact_phones WHERE e164 IS NOT NULL`,
    );
    return rows.map((r) => r.e164);
  }
}
