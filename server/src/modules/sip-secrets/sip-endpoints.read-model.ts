import { type DataSource } from 'typeorm';

/**
 * Reads `users` and `sip_secrets`; writes nothing. The PBX endpoints Zvonok provisions: each active user with an
 * extension, with their sealed secret (null when none was generated yet).
 */
export interface SipEndpointOwner {
  userId: string;
  extension: string;
  sealed: Buffer | null;
}

export async function activeSipEndpointOwners(dataSource: DataSource): Promise<SipEndpointOwner[]> {
  const rows: { user_id: string; extension: string; secret: Buffer | null }[] = await dataSource.query(
    `SELECT u.id AS user_id, u.extension, s.secret
     FROM users u LEFT JOIN sip_secrets s ON s.user_id = u.id
     WHERE u.active AND u.extension IS NOT NULL
     ORDER BY u.extension`,
  );
  return rows.map((r) => ({ userId: r.user_id, extension: r.extension, sealed: r.secret }));
}
