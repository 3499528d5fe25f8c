import { type ObjectLiteral, type QueryDeepPartialEntity } from 'typeorm';

/**
 * A partial row as TypeORM's `update` takes it. Its deep-partial type cannot express a jsonb column typed as
 * `Record<string, unknown>` (custom field values), though the value is written as it is.
 */
export const asUpdate = <T extends ObjectLiteral>(patch: Partial<T>) => patch as QueryDeepPartialEntity<T>;
