import { type DataSource, type EntityManager } from 'typeorm';

import { type EntityLink } from '@contracts/dto/common';
import { type UserDto } from '@contracts/dto/user';
import {
  companyVisible,
  contactVisible,
  dealVisible,
  leadVisible,
  scopeParams,
  seesAll,
} from '@server/common/access/visibility';

const TABLES: Record<EntityLink['entityType'], { table: string; visible: ((a: string) => string) | null }> = {
  contact: { table: 'contacts', visible: contactVisible },
  company: { table: 'companies', visible: companyVisible },
  lead: { table: 'leads', visible: leadVisible },
  deal: { table: 'deals', visible: dealVisible },
  call: {
    table: 'calls',
    visible: (a) =>
      `(${a}.operator_id = ANY(:scopeIds) OR EXISTS (SELECT 1 FROM call_legs x WHERE x.call_id = ${a}.id ` +
      `AND x.user_id = ANY(:scopeIds)))`,
  },
};

/** True when the linked record exists and the viewer may see it (polymorphic links have no FK). */
export async function canSeeLinked(
  dataSource: DataSource | EntityManager,
  viewer: UserDto,
  link: EntityLink,
): Promise<boolean> {
  const { table, visible } = TABLES[link.entityType];
  const qb = dataSource.createQueryBuilder().select('1').from(table, 't').where('t.id = :id', { id: link.entityId });
  if (!seesAll(viewer) && visible) qb.andWhere(visible('t'), scopeParams(viewer));
  return (await qb.getRawOne()) !== undefined;
}

/** A body's foreign key as a link to check; null when the body leaves it empty (or unchanged, for an update). */
export const reference = (
  entityType: EntityLink['entityType'],
  id: string | null | undefined,
  current?: string | null,
): EntityLink | null => (id && id !== current ? { entityType, entityId: id } : null);

/**
 * The first field of `refs` naming a record the viewer may not see (or that does not exist), else null. Checked
 * before every write that stores a foreign key: visibility follows links (a company is visible through its
 * contacts, a deal through its contact), so attaching something to a hidden record would hand that record over.
 * Hidden and missing answer alike, so ids cannot be probed.
 */
export async function firstHiddenReference(
  dataSource: DataSource | EntityManager,
  viewer: UserDto,
  refs: Record<string, EntityLink | null>,
): Promise<string | null> {
  for (const [field, link] of Object.entries(refs)) {
    if (link && !(await canSeeLinked(dataSource, viewer, link))) return field;
  }
  return null;
}
