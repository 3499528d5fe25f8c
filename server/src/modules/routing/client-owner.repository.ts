import { type DataSource } from 'typeorm';

export interface ClientOwner {
  userId: string;
  extension: string | null;
}

/**
 * Who owns the client behind a phone number: the owner of the contact with that number (exact E.164, then the
 * RU/KZ last-ten-digits key), else the owner of the open lead for it. Only active users count, so a departed
 * owner's clients fall back to the queue instead of ringing a dead extension.
 */
export class ClientOwnerRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(keys: { e164: string | null; last10: string | null }): Promise<ClientOwner | null> {
    if (!keys.e164 && !keys.last10) return null;
    const rows: { id: string; extension: string | null }[] = await this.dataSource.query(
      `SELECT u.id, u.extension FROM (
         SELECT c.owner_id, 1 AS rank, c.updated_at FROM contact_phones p JOIN contacts c ON c.id = p.contact_id
           WHERE p.e164 = $1
         UNION ALL
         SELECT c.owner_id, 2, c.updated_at FROM contact_phones p JOIN contacts c ON c.id = p.contact_id
           WHERE p.last10 = $2
         UNION ALL
         SELECT l.owner_id, 3, l.updated_at FROM leads l
           WHERE l.phone_e164 = $1 AND l.status NOT IN ('converted', 'junk')
       ) o JOIN users u ON u.id = o.owner_id AND u.active
       ORDER BY o.rank, o.updated_at DESC LIMIT 1`,
      [keys.e164, keys.last10],
    );
    const row = rows[0];
    return row ? { userId: row.id, extension: row.extension } : null;
  }
}
