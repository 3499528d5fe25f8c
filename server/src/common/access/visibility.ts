import { type UserDto } from '@contracts/dto/user';

/**
 * Who sees which rows: the one place the access rules live.
 *
 * - Managers and admins see everything; so do supervisors who lead no team (a center without teams).
 * - A supervisor who leads teams sees what the people in scope own or handled: themselves and their teams' members.
 * - An operator's scope is themselves: what they own plus whatever rang at them (a call where they were the
 *   operator, or any leg of the call reached them).
 *
 * A record outside the scope answers 404, not 403, so ids cannot be probed for existence. The fragments are SQL
 * with the named parameter `:scopeIds` (uuid[]; see `scopeParams`); `alias` is our own identifier.
 */
export interface Viewer extends UserDto {
  /** Set by the session for a supervisor who leads teams: themselves and their teams' members. */
  teamScope?: readonly string[];
}

/** True when no row filter applies to the viewer. */
export const seesAll = (viewer: Pick<Viewer, 'role' | 'teamScope'>) => viewer.role !== 'operator' && !viewer.teamScope;

/** The users whose records the viewer sees (only meaningful when `seesAll` is false). */
export const scopeIds = (viewer: Pick<Viewer, 'id' | 'teamScope'>): string[] =>
  viewer.teamScope ? [...viewer.teamScope] : [viewer.id];

/** Query-builder parameters of the fragments below. */
export const scopeParams = (viewer: Pick<Viewer, 'id' | 'teamScope'>) => ({ scopeIds: scopeIds(viewer) });

/**
 * May choose owners and assignees other than themselves (supervisors, managers, admins). Operators create and own
 * records for themselves only.
 */
export const assignsOthers = (viewer: Pick<UserDto, 'role'>) => viewer.role !== 'operator';

const rangAt = (column: 'contact_id' | 'lead_id', ref: string) =>
  `EXISTS (SELECT 1 FROM calls vc WHERE vc.${column} = ${ref} AND (vc.operator_id = ANY(:scopeIds) OR EXISTS ` +
  `(SELECT 1 FROM call_legs vl WHERE vl.call_id = vc.id AND vl.user_id = ANY(:scopeIds))))`;

export const contactVisible = (alias: string) =>
  `(${alias}.owner_id = ANY(:scopeIds) OR ${rangAt('contact_id', `${alias}.id`)})`;

export const leadVisible = (alias: string) =>
  `(${alias}.owner_id = ANY(:scopeIds) OR ${rangAt('lead_id', `${alias}.id`)})`;

export const companyVisible = (alias: string) =>
  `(${alias}.owner_id = ANY(:scopeIds) OR EXISTS (SELECT 1 FROM contacts vct WHERE vct.company_id = ${alias}.id ` +
  `AND ${contactVisible('vct')}))`;

export const dealVisible = (alias: string) =>
  `(${alias}.owner_id = ANY(:scopeIds) OR EXISTS (SELECT 1 FROM contacts vdc WHERE vdc.id = ${alias}.contact_id AND ` +
  `${contactVisible('vdc')}))`;

export const taskVisible = (alias: string) =>
  `(${alias}.assignee_id = ANY(:scopeIds) OR ${alias}.created_by_id = ANY(:scopeIds))`;
