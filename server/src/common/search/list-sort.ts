import { type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';

import { type SortDirection } from '@contracts/dto/common';

/** A list's sort key: its SQL over the list's alias, and the direction it sorts in when the client names none. */
export interface SortColumn {
  sql: string;
  dir?: 'ASC' | 'DESC';
}

/**
 * Orders a list page by one column (empty values last whichever way), then by `id` so pages never overlap or skip
 * rows that tie.
 */
export function sortList<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  column: SortColumn,
  dir: SortDirection | undefined,
  id: string,
): SelectQueryBuilder<T> {
  const d = dir ? (dir === 'desc' ? 'DESC' : 'ASC') : (column.dir ?? 'ASC');
  return qb.orderBy(column.sql, d, 'NULLS LAST').addOrderBy(id, 'ASC');
}
