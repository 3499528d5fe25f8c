import { type UserDto } from '@contracts/dto/user';

/**
 * Row-level visibility for operators. Supervisors, managers and admins see everything; an
 * operator sees what they own plus whatever rang at them (a call where they were the operator,
 * or any leg of the call reached them). A record outside that scope answers 404, not 403, so
 * ids cannot be probed for existence.
 *
 * The fragments are SQL with a single named parameter `:viewerId`; `alias` is our own identifier.
 */
export const seesAll = (user: Pick<UserDto, 'role'>) => user.role !== 'operator';

const rangAt = (column: 'contact_id' | 'lead_id', ref: string) =>
  `EXISTS (SELECT 1 FROM calls vc WHERE vc.${column} = ${ref} AND (vc.operator_id = :viewerId OR EXISTS ` +
  `(SELECT 1 FROM call_legs vl WHERE vl.call_id = vc.id AND vl.user_id = :viewerId)))`;

export const contactVisible = (alias: string) =>
  `(${alias}.owner_id = :viewerId OR ${rangAt('contact_id', `${alias}.id`)})`;

export const leadVisible = (alias: string) => `(${alias}.owner_id = :viewerId OR ${rangAt('lead_id', `${alias}.id`)})`;

export const companyVisible = (alias: string) =>
  `(${alias}.owner_id = :viewerId OR EXISTS (SELECT 1 FROM contacts vct WHERE vct.company_id = ${alias}.id AND ` +
  `${contactVisible('vct')}))`;

export const dealVisible = (alias: string) =>
  `(${alias}.owner_id = :viewerId OR EXISTS (SELECT 1 FROM contacts vdc WHERE vdc.id = ${alias}.contact_id AND ` +
  `${contactVisible('vdc')}))`;

export const taskVisible = (alias: string) =>
  `(${alias}.assignee_id = :viewerId OR ${alias}.created_by_id = :viewerId)`;
