import { type DataSource, type Repository, type SelectQueryBuilder } from 'typeorm';

import { type UserDto } from '@contracts/dto/user';
import { asUpdate } from '@server/db/as-update';
import { type CustomFilter } from '@server/modules/custom-fields/custom-fields.service';
import { leadVisible, scopeParams, seesAll } from '@server/common/access/visibility';
import { likeContains } from '@server/common/http/like';
import { LeadEntity, type LeadRow } from '@server/modules/leads/lead.entity';

export const OPEN_LEAD_INDEX = 'uq_leads_open_phone';
const OPEN = `status NOT IN ('converted', 'junk')`;

export type LeadInsert = Omit<LeadRow, 'id' | 'createdAt' | 'updatedAt' | 'custom'> & Partial<Pick<LeadRow, 'custom'>>;

export class LeadsRepository {
  private readonly repo: Repository<LeadRow>;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(LeadEntity);
  }

  private scoped(viewer: UserDto): SelectQueryBuilder<LeadRow> {
    const qb = this.repo.createQueryBuilder('l');
    if (!seesAll(viewer)) qb.where(leadVisible('l'), scopeParams(viewer));
    return qb;
  }

  findById(id: string): Promise<LeadRow | null> {
    return this.repo.findOneBy({ id });
  }

  findVisible(viewer: UserDto, id: string): Promise<LeadRow | null> {
    return this.scoped(viewer).andWhere('l.id = :id', { id }).getOne();
  }

  search(
    viewer: UserDto,
    s: {
      text?: string;
      e164?: string | null;
      phones?: string[];
      status?: string;
      custom?: CustomFilter;
      limit: number;
      offset: number;
    },
  ): Promise<[LeadRow[], number]> {
    const qb = this.scoped(viewer);
    if (s.custom) qb.andWhere(s.custom.sql, s.custom.params);
    if (s.phones) qb.andWhere('l.phone_e164 IN (:...phones)', { phones: s.phones });
    if (s.status) qb.andWhere('l.status = :status', { status: s.status });
    if (s.text) {
      qb.andWhere(s.e164 ? '(l.name ILIKE :like OR l.phone_e164 = :e164)' : 'l.name ILIKE :like', {
        like: likeContains(s.text),
        e164: s.e164,
      });
    }
    return qb.orderBy('l.created_at', 'DESC').addOrderBy('l.id', 'ASC').skip(s.offset).take(s.limit).getManyAndCount();
  }

  /** `em` runs the query inside the caller's transaction, so a lock-holding transaction never waits for the pool. */
  findOpenByPhone(e164: string): Promise<LeadRow | null> {
    return this.repo.createQueryBuilder('l').where(`l.phone_e164 = :e164 AND l.${OPEN}`, { e164 }).getOne();
  }

  insert(row: LeadInsert): Promise<LeadRow> {
    return this.repo.save(this.repo.create(row));
  }

  /** INSERT … ON CONFLICT DO NOTHING against the partial unique index; null when an open lead already exists. */
  async insertIfNoOpen(row: LeadInsert & { phoneE164: string }): Promise<LeadRow | null> {
    const repo = this.repo;
    const result = await repo
      .createQueryBuilder()
      .insert()
      .into(LeadEntity)
      .values(asUpdate<LeadRow>(row))
      .orIgnore()
      .returning('id')
      .execute();
    const id = (result.raw as { id: string }[])[0]?.id;
    return id ? repo.findOneBy({ id }) : null;
  }

  async setOwnerIfNone(id: string, ownerId: string): Promise<boolean> {
    const result = await this.repo
      .createQueryBuilder()
      .update(LeadEntity)
      .set({ ownerId, updatedAt: () => 'now()' })
      .where('id = :id AND owner_id IS NULL', { id })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async update(id: string, patch: Partial<LeadRow>): Promise<void> {
    await this.repo.update({ id }, asUpdate({ ...patch, updatedAt: new Date() }));
  }

  async remove(id: string): Promise<void> {
    await this.dataSource.getRepository(LeadEntity).delete({ id });
  }

  /** Hands everything open of `fromUserId` here to `toUserId` (a departing employee's work); returns how many. */
  async reassignOpen(fromUserId: string, toUserId: string): Promise<number> {
    const [, affected]: [unknown, number] = await this.repo.manager.query(
      `UPDATE leads SET owner_id = $2, updated_at = now() WHERE owner_id = $1 AND status NOT IN ('converted', 'junk')`,
      [fromUserId, toUserId],
    );
    return affected;
  }

  /** Purge of a removed custom field (custom-fields module): its values leave every record; returns how many. */
  async dropCustomKey(key: string): Promise<number> {
    const [, affected]: [unknown, number] = await this.repo.manager.query(
      `UPDATE leads SET custom = custom - $1 WHERE custom ? $1`,
      [key],
    );
    return affected;
  }
}
