/**
 * Which calls an operator may see and hear, owned by calls: raw SQL predicates over `calls`, `call_handlers` and
 * `call_legs` that every module filtering calls by operator (the call log, the card, recordings, quality, the
 * timeline) joins, so the rule exists once. `idsParam` is a uuid[] placeholder in the caller's style (`$2`,
 * `:scopeIds::uuid[]`).
 */

/**
 * Raw SQL: a user of `idsParam` (a uuid[] placeholder such as `$2`) handled call `alias` — its current operator, or
 * anyone who answered it or received it by transfer (`call_handlers`, written from the event log with the user who
 * had the extension then, so reassigning an extension later does not hand the old calls over).
 */
export const handledByAnySql = (alias: string, idsParam: string) =>
  `(${alias}.operator_id = ANY(${idsParam}) OR EXISTS (SELECT 1 FROM call_handlers hh ` +
  `WHERE hh.call_id = ${alias}.id AND hh.user_id = ANY(${idsParam})))`;

/**
 * The call reached one of the users: they handled it (answered, or received it by transfer) or their phone rang for it
 * (`call_legs`, written with the screen pop) — a missed call included. What an operator may see of calls: the call
 * log, `GET /api/calls/:id` and the pop card's past calls all use this one rule, so whatever a card lists the log
 * shows too. Listening stays narrower (`handledByAnySql`: only calls they handled).
 */
export const reachedByAnySql = (alias: string, idsParam: string) =>
  `(${handledByAnySql(alias, idsParam)} OR EXISTS (SELECT 1 FROM call_legs rl ` +
  `WHERE rl.call_id = ${alias}.id AND rl.user_id = ANY(${idsParam})))`;
