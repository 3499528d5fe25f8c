import { type DataSource, type Repository } from 'typeorm';

import { ApiTokenEntity, type ApiTokenRow } from './api-token.entity';

export type ApiTokenInsert = Omit<ApiTokenRow, 'id' | 'createdAt' | 'lastUsedAt' | 'lastUsedIp' | 'revokedAt'>;

/** Use is recorded at most this often per token (a script polling every second would otherwise write as often). */
const USE_RECORD_INTERVAL = '1 minute';

export class ApiTokensRepository {
  private readonly repo: Repository<ApiTokenRow>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(ApiTokenEntity);
  }

  insert(row: ApiTokenInsert): Promise<ApiTokenRow> {
    return this.repo.save(this.repo.create(row));
  }

  findById(id: string): Promise<ApiTokenRow | null> {
    return this.repo.findOneBy({ id });
  }

  findByHash(hash: Buffer): Promise<ApiTokenRow | null> {
    return this.repo.findOneBy({ tokenHash: hash });
  }

  /** The user's personal tokens, plus every integration token when `withIntegrations`; newest first. */
  list(ownerId: string, withIntegrations: boolean): Promise<ApiTokenRow[]> {
    const qb = this.repo.createQueryBuilder('t').where(`(t.kind = 'personal' AND t.owner_id = :ownerId)`, { ownerId });
    if (withIntegrations) qb.orWhere(`t.kind = 'integration'`);
    return qb.orderBy('t.created_at', 'DESC').addOrderBy('t.id', 'ASC').getMany();
  }

  /** Sets revoked_at once; false when it was revoked already. */
  async revoke(id: string): Promise<boolean> {
    const result = await this.repo
      .createQueryBuilder()
      .update(ApiTokenEntity)
      .set({ revokedAt: () => 'now()' })
      .where('id = :id AND revoked_at IS NULL', { id })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Stamps last use unless it was stamped within the interval; true when it did (the caller audits then). */
  async touch(id: string, ip: string | null): Promise<boolean> {
    const result = await this.repo
      .createQueryBuilder()
      .update(ApiTokenEntity)
      .set({ lastUsedAt: () => 'now()', lastUsedIp: ip })
      .where(`id = :id AND (last_used_at IS NULL OR last_used_at < now() - interval '${USE_RECORD_INTERVAL}')`, {
        id,
      })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
