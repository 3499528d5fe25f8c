import { type DataSource } from 'typeorm';

export interface SipSecretRow {
  userId: string;
  secret: Buffer;
  rotatedAt: Date;
}

interface RawRow {
  user_id: string;
  secret: Buffer;
  rotated_at: Date;
}

const toRow = (r: RawRow): SipSecretRow => ({ userId: r.user_id, secret: r.secret, rotatedAt: r.rotated_at });

/** sip_secrets: one sealed secret per user (see common/crypto/sip-secret-cipher.ts). */
export class SipSecretsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(userId: string): Promise<SipSecretRow | null> {
    const rows: RawRow[] = await this.dataSource.query(
      `SELECT user_id, secret, rotated_at FROM sip_secrets WHERE user_id = $1`,
      [userId],
    );
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** The first secret of a user; when two nodes race, the one stored first stays and both read it back. */
  async insertIfAbsent(userId: string, sealed: Buffer): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO sip_secrets (user_id, secret) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING`,
      [userId, sealed],
    );
  }

  async replace(userId: string, sealed: Buffer): Promise<SipSecretRow> {
    const rows: RawRow[] = await this.dataSource.query(
      `INSERT INTO sip_secrets (user_id, secret) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET secret = EXCLUDED.secret, rotated_at = now()
       RETURNING user_id, secret, rotated_at`,
      [userId, sealed],
    );
    return toRow(rows[0]!);
  }
}
