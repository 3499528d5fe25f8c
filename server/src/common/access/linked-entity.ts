import { type DataSource } from 'typeorm';

import { type EntityLink } from '@contracts/dto/common';
import { type UserDto } from '@contracts/dto/user';
import { companyVisible, contactVisible, dealVisible, leadVisible, seesAll } from '@server/common/access/visibility';

const TABLES: Record<EntityLink['entityType'], { table: string; visible: ((a: string) => string) | null }> = {
  contact: { table: 'contacts', visible: contactVisible },
  company: { table: 'companies', visible: companyVisible },
  lead: { table: 'leads', visible: leadVisible },
  deal: { table: 'deals', visible: dealVisible },
  call: {
    table: 'calls',
    visible: (a) =>
      `(${a}.operator_id = :viewerId OR EXISTS (SELECT 1 FROM call_legs x WHERE x.call_id = ${a}.id AND x.user_id = :viewerId))`,
  },
};

/** True when the linked record exists and the viewer may see it (polymorphic links have no FK). */
export async function canSeeLinked(dataSource: DataSource, viewer: UserDto, link: EntityLink): Promise<boolean> {
  const { table, visible } = TABLES[link.entityType];
  const qb = dataSource.createQueryBuilder().select('1').from(table, 't').where('t.id = :id', { id: link.entityId });
  if (!seesAll(viewer) && visible) qb.andWhere(visible('t'), { viewerId: viewer.id });
  return (await qb.getRawOne()) !== undefined;
}
