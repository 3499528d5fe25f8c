import { type ApiTokenScope } from '@contracts/dto/api-token';
import { type Role } from '@contracts/dto/user';

/**
 * Who may call each REST route. The authorization matrix (test/integration/security-matrix.int.spec.ts) walks the
 * express route table and fails for any route without an entry here, so a new route must state its policy.
 *
 * - `public`: no session needed (must not answer 401).
 * - `token`: machine endpoint with its own shared token; a session alone must not open it (401).
 * - `any`: every signed-in role; row-level visibility (404 for what an operator may not see) is tested per module.
 * - a role list: exactly these roles; every other role gets 403.
 */
export type RouteAccess = 'public' | 'token' | 'any' | readonly Role[];

const STAFF = ['admin', 'manager', 'supervisor'] as const;

export const ROUTE_RULES: Record<string, RouteAccess> = {
  // auth
  'POST /api/auth/login': 'public',
  'POST /api/auth/logout': 'public',
  'GET /api/auth/me': 'any',
  // dialplan owner lookup (ROUTING_TOKEN)
  'GET /api/routing/owner': 'token',
  // dialplan do-not-call / blocked-number lookup (ROUTING_TOKEN)
  'GET /api/routing/dial-policy': 'token',
  // users: directory for staff, creation, role changes, (de)activation and SIP secret rotation for admins
  'GET /api/users': STAFF,
  'GET /api/users/:id': STAFF,
  'POST /api/users': ['admin'],
  'PATCH /api/users/:id': ['admin'],
  'POST /api/users/:id/sip-secret/rotate': ['admin'],
  'POST /api/users/me/password': 'any',
  'GET /api/users/extension-check': ['admin'],
  'POST /api/users/:id/password': ['admin'],
  'GET /api/users/:id/holdings': ['admin'],
  'POST /api/users/:id/reassign': ['admin'],
  // teams: staff list them (a team supervisor their own), admins manage them
  'GET /api/teams': STAFF,
  'POST /api/teams': ['admin'],
  'PATCH /api/teams/:id': ['admin'],
  'DELETE /api/teams/:id': ['admin'],
  // audit log: admins and managers read it; nothing edits or deletes it
  'GET /api/audit': ['admin', 'manager'],
  'GET /api/audit/actions': ['admin', 'manager'],
  'GET /api/audit/export': ['admin', 'manager'],
  // CRM records: everyone, scoped by ownership in the services
  'GET /api/contacts': 'any',
  'GET /api/contacts/:id': 'any',
  'POST /api/contacts': 'any',
  'PATCH /api/contacts/:id': 'any',
  'DELETE /api/contacts/:id': 'any',
  'GET /api/contacts/export': 'any',
  'POST /api/imports': 'any',
  'GET /api/imports/:id': 'any',
  'POST /api/imports/:id/start': 'any',
  'GET /api/companies': 'any',
  'GET /api/companies/:id': 'any',
  'POST /api/companies': 'any',
  'PATCH /api/companies/:id': 'any',
  'DELETE /api/companies/:id': 'any',
  'GET /api/leads': 'any',
  'GET /api/leads/:id': 'any',
  'POST /api/leads': 'any',
  'PATCH /api/leads/:id': 'any',
  'POST /api/leads/:id/convert': 'any',
  'DELETE /api/leads/:id': 'any',
  'GET /api/deals': 'any',
  'GET /api/deals/stage-totals': 'any',
  'GET /api/deals/:id': 'any',
  'POST /api/deals': 'any',
  'PATCH /api/deals/:id': 'any',
  'DELETE /api/deals/:id': 'any',
  'GET /api/tasks': 'any',
  'GET /api/tasks/:id': 'any',
  'POST /api/tasks': 'any',
  'PATCH /api/tasks/:id': 'any',
  'DELETE /api/tasks/:id': 'any',
  'GET /api/notes': 'any',
  'POST /api/notes': 'any',
  'DELETE /api/notes/:id': 'any',
  // calls: operators see the calls they handled (row level); click-to-call and wrap-up are an operator's job
  'GET /api/calls': 'any',
  'GET /api/calls/active': 'any',
  'GET /api/calls/:id': 'any',
  'POST /api/calls/originate': 'any',
  // do-not-call: every dialler asks first; overriding is role-checked in the service (403 for operators)
  'POST /api/calls/dial-check': 'any',
  // notifications (issue #12): everyone, each only their own
  'GET /api/notifications': 'any',
  'POST /api/notifications/read-all': 'any',
  'POST /api/notifications/:id/read': 'any',
  // duplicates (row level: only what the viewer may see is named) and contact merges (staff, audited, undoable)
  'GET /api/contacts/duplicates': 'any',
  'POST /api/contacts/:id/merge': STAFF,
  'POST /api/contacts/merges/:mergeId/undo': STAFF,
  // blocked numbers: staff read the list, admins edit it
  'GET /api/blocked-numbers': STAFF,
  'POST /api/blocked-numbers': ['admin'],
  'PATCH /api/blocked-numbers/:id': ['admin'],
  'DELETE /api/blocked-numbers/:id': ['admin'],
  'PATCH /api/calls/:id/wrap-up': 'any',
  // the caller card and the pick of the caller: whoever the call reached (row level, 404 for the others)
  'GET /api/calls/:id/card': 'any',
  'PUT /api/calls/:id/contact': 'any',
  // recordings: ACL per call in the service (operator of the call, supervisors, managers), audited
  'GET /api/recordings/:id': 'any',
  // recordings review: the roles that may hear any recording (supervisors, managers); admins refused like the audio
  'GET /api/reviews': ['supervisor', 'manager'],
  'GET /api/reviews/export': ['supervisor', 'manager'],
  'PUT /api/calls/:id/review': ['supervisor', 'manager'],
  // supervision and wallboard: operators 403
  'POST /api/calls/:id/spy': STAFF,
  'GET /api/agents': STAFF,
  'GET /api/agents/me': 'any',
  'PUT /api/agents/me/state': 'any',
  'PUT /api/agents/:userId/state': STAFF,
  'GET /api/wallboard': STAFF,
  // softphone settings for the signed-in user
  'GET /api/softphone/config': 'any',
  // analytics: managers (and supervisors, admins)
  'GET /api/analytics/summary': STAFF,
  'GET /api/analytics/operators': STAFF,
  'GET /api/analytics/queues': STAFF,
  'GET /api/analytics/heatmap': STAFF,
  'GET /api/analytics/daily': STAFF,
  'GET /api/analytics/lead-sources': STAFF,
  'GET /api/analytics/campaigns': STAFF,
  'GET /api/analytics/funnel': STAFF,
  // figures for every role (issue #20): anyone their own, staff the rest, supervisors and admins set targets
  'GET /api/analytics/me': 'any',
  'GET /api/analytics/team': STAFF,
  'GET /api/analytics/sales': STAFF,
  'GET /api/analytics/call-directions': STAFF,
  'PUT /api/analytics/targets/:userId': ['admin', 'supervisor'],
  // live SLA alerts: staff read, supervisors and admins set thresholds
  'GET /api/analytics/sla-thresholds': STAFF,
  'PUT /api/analytics/sla-thresholds/:queue': ['admin', 'supervisor'],
  'DELETE /api/analytics/sla-thresholds/:queue': ['admin', 'supervisor'],
  'GET /api/analytics/sla-alerts': STAFF,
  // custom fields: everyone reads the definitions (forms, lists); admins define, remove, restore and purge
  'GET /api/custom-fields': 'any',
  'POST /api/custom-fields': ['admin'],
  'PATCH /api/custom-fields/:id': ['admin'],
  'DELETE /api/custom-fields/:id': ['admin'],
  'POST /api/custom-fields/:id/restore': ['admin'],
  'DELETE /api/custom-fields/:id/values': ['admin'],
  // deal pipelines: everyone reads them (the kanban), admins edit them
  'GET /api/pipelines': 'any',
  'POST /api/pipelines': ['admin'],
  'PATCH /api/pipelines/:id': ['admin'],
  'DELETE /api/pipelines/:id': ['admin'],
  // company settings: everyone reads (zone, country), admins change
  'GET /api/settings': 'any',
  'PUT /api/settings': ['admin'],
  // client timeline (issue #12): row level, like the records it spans; reassignment is for staff only
  'GET /api/timeline': 'any',
  'GET /api/deals/:id/history': 'any',
  'POST /api/contacts/:id/reassign': STAFF,
  'POST /api/companies/:id/reassign': STAFF,
  'POST /api/leads/:id/reassign': STAFF,
  'POST /api/deals/:id/reassign': STAFF,
  'POST /api/tasks/:id/reassign': STAFF,
  // global search: everyone, each group scoped like its list
  'GET /api/search': 'any',
  'GET /api/analytics/queue-settings': STAFF,
  'PUT /api/analytics/queue-settings/:queue': ['admin'],
  // the API's own description and reference page (issue 18)
  'GET /api/openapi.json': 'public',
  'GET /api/docs': 'public',
  'GET /api/docs/init.js': 'public',
  // API tokens: everyone makes personal ones; integration tokens are checked in the service (admins only)
  'GET /api/tokens': 'any',
  'POST /api/tokens': 'any',
  'DELETE /api/tokens/:id': 'any',
  // webhooks send CRM data out of the company: admins only
  'GET /api/webhooks': ['admin'],
  'POST /api/webhooks': ['admin'],
  'GET /api/webhooks/:id': ['admin'],
  'PATCH /api/webhooks/:id': ['admin'],
  'DELETE /api/webhooks/:id': ['admin'],
  'POST /api/webhooks/:id/rotate-secret': ['admin'],
  'GET /api/webhooks/:id/deliveries': ['admin'],
  'POST /api/webhooks/deliveries/:id/redeliver': ['admin'],
  // website forms: admins make them; websites post to the public endpoint (form key, rate limits, CORS)
  'GET /api/forms': ['admin'],
  'POST /api/forms': ['admin'],
  'PATCH /api/forms/:id': ['admin'],
  'DELETE /api/forms/:id': ['admin'],
  'POST /api/public/forms/:formKey': 'public',
  'OPTIONS /api/public/forms/:formKey': 'public',
  'GET /api/public/forms/:formKey/embed.js': 'public',
  // business hours per queue: staff read them (the wallboard, dispatching callbacks), admins set them
  'GET /api/business-hours': STAFF,
  'PUT /api/business-hours/:queue': ['admin'],
  // campaigns: staff set them up and run them; operators list theirs, take preview offers and set results
  'GET /api/campaigns': 'any',
  'POST /api/campaigns': STAFF,
  'GET /api/campaigns/:id': STAFF,
  'PATCH /api/campaigns/:id': STAFF,
  'DELETE /api/campaigns/:id': STAFF,
  'POST /api/campaigns/:id/actions': STAFF,
  'POST /api/campaigns/:id/records/build': STAFF,
  'POST /api/campaigns/:id/records/import': STAFF,
  'GET /api/campaigns/:id/records': STAFF,
  'GET /api/campaigns/:id/progress': STAFF,
  'GET /api/campaigns/:id/stats': STAFF,
  'POST /api/campaigns/:id/preview/next': 'any',
  'POST /api/campaigns/attempts/:id/dial': 'any',
  'POST /api/campaigns/attempts/:id/skip': 'any',
  'POST /api/campaigns/attempts/:id/disposition': 'any',
  // products: everyone reads the catalogue and exports it; admins and managers change and import it
  'GET /api/products': 'any',
  'GET /api/products/:id': 'any',
  'GET /api/products/export': 'any',
  'POST /api/products': ['admin', 'manager'],
  'PATCH /api/products/:id': ['admin', 'manager'],
  'DELETE /api/products/:id': ['admin', 'manager'],
  'POST /api/products/import': ['admin', 'manager'],
  // deal line items: whoever may change the deal (row level, like the deal)
  'GET /api/deals/:id/items': 'any',
  'POST /api/deals/:id/items': 'any',
  'PATCH /api/deals/:id/items/:itemId': 'any',
  'DELETE /api/deals/:id/items/:itemId': 'any',
};

/**
 * What an API token needs for each route, on top of its owner's role (ROUTE_RULES still applies): a scope, `any`
 * (every valid token), or null — tokens refused, the route is for signed-in people only (accounts, tokens, live
 * operator screens, settings). The matrix sends every route with a token lacking the scope (403) and with one
 * holding exactly that scope (allowed), and fails for any route missing here.
 */
export const ROUTE_SCOPES: Record<string, ApiTokenScope | 'any' | null> = {
  'POST /api/auth/login': null,
  'POST /api/auth/logout': null,
  'GET /api/auth/me': 'any',
  'GET /api/routing/owner': null,
  'GET /api/users': null,
  'GET /api/users/:id': null,
  'POST /api/users': null,
  'PATCH /api/users/:id': null,
  'POST /api/users/:id/sip-secret/rotate': null,
  'POST /api/users/me/password': null,
  'GET /api/users/extension-check': null,
  'POST /api/users/:id/password': null,
  'GET /api/users/:id/holdings': null,
  'POST /api/users/:id/reassign': null,
  'GET /api/teams': null,
  'POST /api/teams': null,
  'PATCH /api/teams/:id': null,
  'DELETE /api/teams/:id': null,
  'GET /api/audit': null,
  'GET /api/audit/actions': null,
  'GET /api/audit/export': null,
  'GET /api/contacts': 'contacts:read',
  'GET /api/contacts/:id': 'contacts:read',
  'POST /api/contacts': 'contacts:write',
  'PATCH /api/contacts/:id': 'contacts:write',
  'DELETE /api/contacts/:id': 'contacts:write',
  'GET /api/contacts/export': 'contacts:read',
  'POST /api/imports': 'contacts:write',
  'GET /api/imports/:id': 'contacts:write',
  'POST /api/imports/:id/start': 'contacts:write',
  'GET /api/companies': 'contacts:read',
  'GET /api/companies/:id': 'contacts:read',
  'POST /api/companies': 'contacts:write',
  'PATCH /api/companies/:id': 'contacts:write',
  'DELETE /api/companies/:id': 'contacts:write',
  'GET /api/leads': 'leads:read',
  'GET /api/leads/:id': 'leads:read',
  'POST /api/leads': 'leads:write',
  'PATCH /api/leads/:id': 'leads:write',
  'DELETE /api/leads/:id': 'leads:write',
  'GET /api/deals': 'deals:read',
  'GET /api/deals/stage-totals': 'deals:read',
  'GET /api/deals/:id': 'deals:read',
  'POST /api/deals': 'deals:write',
  'PATCH /api/deals/:id': 'deals:write',
  'DELETE /api/deals/:id': 'deals:write',
  'GET /api/tasks': 'tasks:read',
  'GET /api/tasks/:id': 'tasks:read',
  'POST /api/tasks': 'tasks:write',
  'PATCH /api/tasks/:id': 'tasks:write',
  'DELETE /api/tasks/:id': 'tasks:write',
  'GET /api/notes': 'notes:read',
  'POST /api/notes': 'notes:write',
  'DELETE /api/notes/:id': 'notes:write',
  'GET /api/calls': 'calls:read',
  'GET /api/calls/active': 'calls:read',
  'GET /api/calls/:id': 'calls:read',
  'POST /api/calls/originate': 'calls:write',
  'PATCH /api/calls/:id/wrap-up': 'calls:write',
  'GET /api/calls/:id/card': 'calls:read',
  'PUT /api/calls/:id/contact': 'calls:write',
  'GET /api/recordings/:id': 'recordings:read',
  'GET /api/reviews': 'recordings:read',
  'GET /api/reviews/export': 'recordings:read',
  'PUT /api/calls/:id/review': null,
  'POST /api/calls/:id/spy': null,
  'GET /api/agents': null,
  'GET /api/agents/me': null,
  'PUT /api/agents/me/state': null,
  'PUT /api/agents/:userId/state': null,
  'GET /api/wallboard': null,
  'GET /api/softphone/config': null,
  'GET /api/analytics/summary': 'analytics:read',
  'GET /api/analytics/operators': 'analytics:read',
  'GET /api/analytics/queues': 'analytics:read',
  'GET /api/analytics/heatmap': 'analytics:read',
  'GET /api/analytics/daily': 'analytics:read',
  'GET /api/analytics/lead-sources': 'analytics:read',
  'GET /api/analytics/campaigns': 'analytics:read',
  'GET /api/analytics/funnel': 'analytics:read',
  'GET /api/analytics/me': 'analytics:read',
  'GET /api/analytics/team': 'analytics:read',
  'GET /api/analytics/sales': 'analytics:read',
  'GET /api/analytics/call-directions': 'analytics:read',
  'PUT /api/analytics/targets/:userId': null,
  'GET /api/analytics/sla-thresholds': 'analytics:read',
  'PUT /api/analytics/sla-thresholds/:queue': null,
  'DELETE /api/analytics/sla-thresholds/:queue': null,
  'GET /api/analytics/sla-alerts': 'analytics:read',
  'GET /api/analytics/queue-settings': 'analytics:read',
  'PUT /api/analytics/queue-settings/:queue': null,
  'GET /api/openapi.json': 'any',
  'GET /api/docs': 'any',
  'GET /api/docs/init.js': 'any',
  'GET /api/tokens': null,
  'POST /api/tokens': null,
  'DELETE /api/tokens/:id': null,
  'GET /api/webhooks': 'webhooks:manage',
  'POST /api/webhooks': 'webhooks:manage',
  'GET /api/webhooks/:id': 'webhooks:manage',
  'PATCH /api/webhooks/:id': 'webhooks:manage',
  'DELETE /api/webhooks/:id': 'webhooks:manage',
  'POST /api/webhooks/:id/rotate-secret': 'webhooks:manage',
  'GET /api/webhooks/:id/deliveries': 'webhooks:manage',
  'POST /api/webhooks/deliveries/:id/redeliver': 'webhooks:manage',
  'GET /api/forms': null,
  'POST /api/forms': null,
  'PATCH /api/forms/:id': null,
  'DELETE /api/forms/:id': null,
  // public: decided before any token is read (a token there is ignored, like a cookie)
  'POST /api/public/forms/:formKey': 'any',
  'OPTIONS /api/public/forms/:formKey': 'any',
  'GET /api/public/forms/:formKey/embed.js': 'any',
  'GET /api/business-hours': null,
  'PUT /api/business-hours/:queue': null,
  // custom field definitions and pipelines explain what the record scopes return; settings are for people
  'GET /api/custom-fields': 'any',
  'POST /api/custom-fields': null,
  'PATCH /api/custom-fields/:id': null,
  'DELETE /api/custom-fields/:id': null,
  'POST /api/custom-fields/:id/restore': null,
  'DELETE /api/custom-fields/:id/values': null,
  'GET /api/pipelines': 'deals:read',
  'POST /api/pipelines': null,
  'PATCH /api/pipelines/:id': null,
  'DELETE /api/pipelines/:id': null,
  'GET /api/settings': null,
  'PUT /api/settings': null,
  // client timeline and search (issue #12) mix records of several scopes, so one scope would widen a token
  'GET /api/timeline': null,
  'GET /api/search': null,
  'GET /api/deals/:id/history': 'deals:read',
  // reassignment and conversion change the record: its write scope (staff only for reassignment, as above)
  'POST /api/contacts/:id/reassign': 'contacts:write',
  'POST /api/companies/:id/reassign': 'contacts:write',
  'POST /api/leads/:id/reassign': 'leads:write',
  'POST /api/deals/:id/reassign': 'deals:write',
  'POST /api/tasks/:id/reassign': 'tasks:write',
  'POST /api/leads/:id/convert': 'leads:write',
  // do-not-call: the check before a call is part of calling; the dialplan's lookup and the blocked list are not
  'POST /api/calls/dial-check': 'calls:write',
  'GET /api/routing/dial-policy': null,
  'GET /api/blocked-numbers': null,
  'POST /api/blocked-numbers': null,
  'PATCH /api/blocked-numbers/:id': null,
  'DELETE /api/blocked-numbers/:id': null,
  // notifications are a person's inbox, not an integration's
  'GET /api/notifications': null,
  'POST /api/notifications/read-all': null,
  'POST /api/notifications/:id/read': null,
  'GET /api/contacts/duplicates': 'contacts:read',
  // a merge moves calls, deals, tasks and notes too: for people only
  'POST /api/contacts/:id/merge': null,
  'POST /api/contacts/merges/:mergeId/undo': null,
  // campaigns dial customers: people on the Campaigns page only
  'GET /api/campaigns': null,
  'POST /api/campaigns': null,
  'GET /api/campaigns/:id': null,
  'PATCH /api/campaigns/:id': null,
  'DELETE /api/campaigns/:id': null,
  'POST /api/campaigns/:id/actions': null,
  'POST /api/campaigns/:id/records/build': null,
  'POST /api/campaigns/:id/records/import': null,
  'GET /api/campaigns/:id/records': null,
  'GET /api/campaigns/:id/progress': null,
  'GET /api/campaigns/:id/stats': null,
  'POST /api/campaigns/:id/preview/next': null,
  'POST /api/campaigns/attempts/:id/dial': null,
  'POST /api/campaigns/attempts/:id/skip': null,
  'POST /api/campaigns/attempts/:id/disposition': null,
  // products are sold on deals: the deals scopes
  'GET /api/products': 'deals:read',
  'GET /api/products/:id': 'deals:read',
  'GET /api/products/export': 'deals:read',
  'POST /api/products': 'deals:write',
  'PATCH /api/products/:id': 'deals:write',
  'DELETE /api/products/:id': 'deals:write',
  'POST /api/products/import': 'deals:write',
  'GET /api/deals/:id/items': 'deals:read',
  'POST /api/deals/:id/items': 'deals:write',
  'PATCH /api/deals/:id/items/:itemId': 'deals:write',
  'DELETE /api/deals/:id/items/:itemId': 'deals:write',
};

/** Records a body can name, and the `:id` of the PATCH routes below. */
export type RecordKind = 'contact' | 'company' | 'lead' | 'deal' | 'call' | 'task';

/**
 * How a body field that names another record is checked when an operator sends it (issue #21 item 4: attaching a
 * contact to a stranger's company used to make the company, and its notes, the attacker's).
 * - `{ visible: kind }`: must be a record the sender may see; a hidden one answers like one that does not exist.
 * - `'link'`: the `entityType` + `entityId` pair; the same rule for every linkable kind.
 * - `'self'`: a user id operators may set only to their own (403 otherwise).
 * - `'ignored'`: a user id operators may send but that does not take effect (they stay the owner).
 * - `'not-for-operators'`: a route only roles that may name any user or team reach (user and team administration,
 *   reassignment); an operator is refused with 403 whatever the body names, themselves included.
 * - `'shared'`: a record everyone may name (a deal pipeline); an id that does not exist is refused (400/404).
 */
export type ReferenceRule = { visible: RecordKind } | 'link' | 'self' | 'ignored' | 'not-for-operators' | 'shared';

export interface BodyReferences {
  /** The contracts schema of the body, `<module>.<export>` as in api-schema-properties.ts. */
  schema: string;
  /** For a route with `:id`: the kind of the record it changes (the operator's own in the probe). */
  record?: RecordKind;
  /** Fields the route needs besides the reference. */
  body: Record<string, unknown>;
  fields: Record<string, ReferenceRule>;
}

/**
 * Every body field naming another record, per route. security-matrix.int.spec.ts sends each with a record of
 * another operator (and, as a control, with the sender's own) and fails for any request schema whose `…Id` field
 * is not listed here.
 */
export const BODY_REFERENCES: Record<string, BodyReferences> = {
  'POST /api/contacts': {
    schema: 'contact.createContactRequestSchema',
    body: { name: 'FK probe' },
    fields: { companyId: { visible: 'company' }, ownerId: 'ignored' },
  },
  'PATCH /api/contacts/:id': {
    schema: 'contact.updateContactRequestSchema',
    record: 'contact',
    body: {},
    fields: { companyId: { visible: 'company' }, ownerId: 'ignored' },
  },
  'POST /api/companies': {
    schema: 'company.createCompanyRequestSchema',
    body: { name: 'FK probe' },
    fields: { ownerId: 'ignored' },
  },
  'PATCH /api/companies/:id': {
    schema: 'company.updateCompanyRequestSchema',
    record: 'company',
    body: {},
    fields: { ownerId: 'ignored' },
  },
  'POST /api/leads': {
    schema: 'lead.createLeadRequestSchema',
    body: { name: 'FK probe' },
    fields: { ownerId: 'ignored' },
  },
  'PATCH /api/leads/:id': {
    schema: 'lead.updateLeadRequestSchema',
    record: 'lead',
    body: {},
    fields: { contactId: { visible: 'contact' }, ownerId: 'ignored' },
  },
  // Any contact with the caller's number, whoever owns it: the card of a call that reached the operator lists them all
  // (as it shows the one contact of a number whoever owns it). One without the number is refused (409), and a call
  // with no caller's card answers 404 before the contact is looked at (the probe's seeded call).
  'PUT /api/calls/:id/contact': {
    schema: 'call.chooseCallContactRequestSchema',
    record: 'call',
    body: {},
    fields: { contactId: 'shared' },
  },
  'POST /api/leads/:id/convert': {
    schema: 'lead.convertLeadRequestSchema',
    record: 'lead',
    body: {},
    fields: { contactId: { visible: 'contact' } },
  },
  'POST /api/deals': {
    schema: 'deal.createDealRequestSchema',
    body: { title: 'FK probe' },
    fields: {
      contactId: { visible: 'contact' },
      companyId: { visible: 'company' },
      ownerId: 'ignored',
      pipelineId: 'shared',
    },
  },
  'PATCH /api/deals/:id': {
    schema: 'deal.updateDealRequestSchema',
    record: 'deal',
    body: {},
    fields: {
      contactId: { visible: 'contact' },
      companyId: { visible: 'company' },
      ownerId: 'ignored',
      pipelineId: 'shared',
    },
  },
  'POST /api/deals/:id/items': {
    schema: 'deal.addDealItemRequestSchema',
    record: 'deal',
    body: {},
    fields: { productId: 'shared' },
  },
  'POST /api/tasks': {
    schema: 'task.createTaskRequestSchema',
    body: { title: 'FK probe' },
    fields: { entityId: 'link', assigneeId: 'self' },
  },
  'PATCH /api/tasks/:id': {
    schema: 'task.updateTaskRequestSchema',
    record: 'task',
    body: {},
    fields: { assigneeId: 'self' },
  },
  'POST /api/notes': {
    schema: 'note.createNoteRequestSchema',
    body: { body: 'FK probe' },
    fields: { entityId: 'link' },
  },
  'POST /api/tokens': {
    schema: 'apiToken.createApiTokenRequestSchema',
    body: { name: 'FK probe', scopes: ['leads:read'] },
    fields: { ownerId: 'self' },
  },
  'POST /api/users': {
    schema: 'user.createUserRequestSchema',
    body: { login: 'fk-probe', password: 'Fk-probe-password-1', name: 'FK probe', role: 'operator' },
    fields: { teamId: 'not-for-operators' },
  },
  'PATCH /api/users/:id': {
    schema: 'user.updateUserRequestSchema',
    body: {},
    fields: { teamId: 'not-for-operators' },
  },
  'POST /api/users/:id/reassign': {
    schema: 'user.reassignRequestSchema',
    body: {},
    fields: { toUserId: 'not-for-operators' },
  },
  'POST /api/teams': {
    schema: 'team.createTeamRequestSchema',
    body: { name: 'FK probe team' },
    fields: { supervisorId: 'not-for-operators' },
  },
  'PATCH /api/teams/:id': {
    schema: 'team.updateTeamRequestSchema',
    body: {},
    fields: { supervisorId: 'not-for-operators' },
  },
  'POST /api/contacts/:id/merge': {
    schema: 'contactMerge.mergeContactsRequestSchema',
    record: 'contact',
    body: {},
    fields: { sourceId: 'not-for-operators' },
  },
  'POST /api/contacts/:id/reassign': {
    schema: 'common.reassignRequestSchema',
    record: 'contact',
    body: {},
    fields: { userId: 'not-for-operators' },
  },
  'POST /api/companies/:id/reassign': {
    schema: 'common.reassignRequestSchema',
    record: 'company',
    body: {},
    fields: { userId: 'not-for-operators' },
  },
  'POST /api/leads/:id/reassign': {
    schema: 'common.reassignRequestSchema',
    record: 'lead',
    body: {},
    fields: { userId: 'not-for-operators' },
  },
  'POST /api/deals/:id/reassign': {
    schema: 'common.reassignRequestSchema',
    record: 'deal',
    body: {},
    fields: { userId: 'not-for-operators' },
  },
  'POST /api/tasks/:id/reassign': {
    schema: 'common.reassignRequestSchema',
    record: 'task',
    body: {},
    fields: { userId: 'not-for-operators' },
  },
};
/**
 * What closes a user's open sockets, on every node (issue 21 #5). The matrix performs each and checks which of the
 * user's sockets close: `session` only those opened with the session the request ended, `user` all of them. A new
 * way to end a session or change what a socket may receive belongs here.
 */
export const SOCKET_REVOCATIONS = {
  'POST /api/auth/logout': 'session',
  'POST /api/auth/login over an old session cookie': 'session',
  'PATCH /api/users/:id {role}': 'user',
  'PATCH /api/users/:id {active: false}': 'user',
} as const satisfies Record<string, 'session' | 'user'>;
