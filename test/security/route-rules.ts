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
  // users: directory for staff, creation, role changes, (de)activation and SIP secret rotation for admins
  'GET /api/users': STAFF,
  'GET /api/users/:id': STAFF,
  'POST /api/users': ['admin'],
  'PATCH /api/users/:id': ['admin'],
  'POST /api/users/:id/sip-secret/rotate': ['admin'],
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
  'PATCH /api/calls/:id/wrap-up': 'any',
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
  'GET /api/analytics/queue-settings': STAFF,
  'PUT /api/analytics/queue-settings/:queue': ['admin'],
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
 */
export type ReferenceRule = { visible: RecordKind } | 'link' | 'self' | 'ignored';

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
  'POST /api/deals': {
    schema: 'deal.createDealRequestSchema',
    body: { title: 'FK probe' },
    fields: { contactId: { visible: 'contact' }, companyId: { visible: 'company' }, ownerId: 'ignored' },
  },
  'PATCH /api/deals/:id': {
    schema: 'deal.updateDealRequestSchema',
    record: 'deal',
    body: {},
    fields: { contactId: { visible: 'contact' }, companyId: { visible: 'company' }, ownerId: 'ignored' },
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
