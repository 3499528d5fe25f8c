import { type DataSource } from 'typeorm';

import { likeContains } from '@server/common/http/like';
import { type PhoneKeys } from '@server/common/phone/phone-keys';

export interface BlockedNumberRow {
  id: string;
  phone_raw: string;
  e164: string;
  reason: string;
  created_by: string | null;
  created_by_name: string | null;
  created_at: Date;
  updated_at: Date;
}

const SELECT_BLOCKED = `
  SELECT b.id, b.phone_raw, b.e164, b.reason, b.created_by, u.name AS created_by_name, b.created_at, b.updated_at
  FROM blocked_numbers b LEFT JOIN users u ON u.id = b.created_by`;

/** A number as keys: E.164 always, the last ten digits for +7 numbers. */
export type NumberKeys = PhoneKeys & { e164: string };

/** The dial-policy module's tables: `blocked_numbers` and `dial_overrides`. */
export class DialPolicyRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(search: {
    text?: string;
    keys?: PhoneKeys;
    limit: number;
    offset: number;
  }): Promise<[BlockedNumberRow[], number]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (search.text) {
      params.push(likeContains(search.text));
      const or = [`b.reason ILIKE $${params.length}`, `b.phone_raw ILIKE $${params.length}`];
      const digits = search.text.replace(/\D/g, '');
      if (digits.length >= 3) {
        params.push(likeContains(digits));
        or.push(`b.e164 LIKE $${params.length}`);
      }
      if (search.keys?.e164) {
        params.push(search.keys.e164);
        or.push(`b.e164 = $${params.length}`);
      }
      if (search.keys?.last10) {
        params.push(search.keys.last10);
        or.push(`b.last10 = $${params.length}`);
      }
      where.push(`(${or.join(' OR ')})`);
    }
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [rows, count] = await Promise.all([
      this.dataSource.query(
        `${SELECT_BLOCKED} ${filter} ORDER BY b.created_at DESC, b.id LIMIT ${search.limit} OFFSET ${search.offset}`,
        params,
      ) as Promise<BlockedNumberRow[]>,
      this.dataSource.query(`SELECT count(*)::int AS n FROM blocked_numbers b ${filter}`, params) as Promise<
        { n: number }[]
      >,
    ]);
    return [rows, count[0]?.n ?? 0];
  }

  async get(id: string): Promise<BlockedNumberRow | null> {
    const rows = (await this.dataSource.query(`${SELECT_BLOCKED} WHERE b.id = $1`, [id])) as BlockedNumberRow[];
    return rows[0] ?? null;
  }

  /** Inserts the number; null when it is on the list already (by E.164, or by its last ten digits). */
  async insert(row: { phoneRaw: string; keys: NumberKeys; reason: string; createdBy: string }): Promise<string | null> {
    const rows = (await this.dataSource.query(
      `INSERT INTO blocked_numbers (phone_raw, e164, last10, reason, created_by)
       SELECT $1, $2, $3, $4, $5
       WHERE NOT EXISTS (SELECT 1 FROM blocked_numbers WHERE $3::text IS NOT NULL AND last10 = $3)
       ON CONFLICT (e164) DO NOTHING RETURNING id`,
      [row.phoneRaw, row.keys.e164, row.keys.last10, row.reason, row.createdBy],
    )) as { id: string }[];
    return rows[0]?.id ?? null;
  }

  async updateReason(id: string, reason: string): Promise<boolean> {
    const result = (await this.dataSource.query(
      `UPDATE blocked_numbers SET reason = $2, updated_at = now() WHERE id = $1 RETURNING id`,
      [id, reason],
    )) as QueryResult;
    return rowsOf(result).length > 0;
  }

  async remove(id: string): Promise<boolean> {
    const result = (await this.dataSource.query(`DELETE FROM blocked_numbers WHERE id = $1 RETURNING id`, [
      id,
    ])) as QueryResult;
    return rowsOf(result).length > 0;
  }

  /** Whether the number is on the blocked list (E.164, else the +7 last ten digits). */
  async isBlocked(keys: PhoneKeys): Promise<boolean> {
    if (!keys.e164 && !keys.last10) return false;
    const rows = (await this.dataSource.query(
      `SELECT 1 FROM blocked_numbers WHERE e164 = $1 OR ($2::text IS NOT NULL AND last10 = $2) LIMIT 1`,
      [keys.e164, keys.last10],
    )) as unknown[];
    return rows.length > 0;
  }

  async grantOverride(grant: {
    userId: string;
    extension: string;
    e164: string;
    reason: string;
    ttlSeconds: number;
  }): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO dial_overrides (user_id, extension, e164, reason, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
      [grant.userId, grant.extension, grant.e164, grant.reason, grant.ttlSeconds],
    );
  }

  /** Uses up one live override of this extension for this number; true when there was one. */
  async consumeOverride(extension: string, e164: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `UPDATE dial_overrides SET used_at = now()
       WHERE id = (SELECT id FROM dial_overrides
                   WHERE extension = $1 AND e164 = $2 AND used_at IS NULL AND expires_at > now()
                   ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [extension, e164],
    )) as QueryResult;
    return rowsOf(rows).length > 0;
  }
}

/** typeorm's postgres driver answers `UPDATE`/`DELETE … RETURNING` as `[rows, affected]`, anything else as rows. */
type QueryResult = [unknown[], number] | unknown[];
const rowsOf = (result: QueryResult): unknown[] =>
  Array.isArray(result[0]) ? (result[0] as unknown[]) : (result as unknown[]);
