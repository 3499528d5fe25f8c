import { z } from 'zod';

import { agentUserParamsSchema, setAgentStateRequestSchema } from '@contracts/dto/agent';
import {
  analyticsQuerySchema,
  queueSettingParamsSchema,
  updateQueueSettingRequestSchema,
} from '@contracts/dto/analytics';
import { type ApiTokenScope } from '@contracts/dto/api-token';
import {
  callListQuerySchema,
  callSchema,
  chooseCallContactRequestSchema,
  originateRequestSchema,
  originateResponseSchema,
  wrapUpRequestSchema,
} from '@contracts/dto/call';
import { callCardSchema } from '@contracts/dto/call-card';
import { idParamsSchema } from '@contracts/dto/common';
import {
  companyListQuerySchema,
  companySchema,
  createCompanyRequestSchema,
  updateCompanyRequestSchema,
} from '@contracts/dto/company';
import {
  contactListQuerySchema,
  contactSchema,
  createContactRequestSchema,
  updateContactRequestSchema,
} from '@contracts/dto/contact';
import {
  createDealRequestSchema,
  dealListQuerySchema,
  dealSchema,
  dealStageTotalsQuerySchema,
  updateDealRequestSchema,
} from '@contracts/dto/deal';
import { exportContactsQuerySchema, startImportRequestSchema, uploadImportQuerySchema } from '@contracts/dto/import';
import { createLeadRequestSchema, leadListQuerySchema, leadSchema, updateLeadRequestSchema } from '@contracts/dto/lead';
import { createNoteRequestSchema, noteListQuerySchema, noteSchema } from '@contracts/dto/note';
import {
  reviewExportQuerySchema,
  reviewItemSchema,
  reviewListQuerySchema,
  reviewRequestSchema,
  reviewSchema,
} from '@contracts/dto/quality';
import { softphoneConfigSchema } from '@contracts/dto/softphone';
import { spyRequestSchema } from '@contracts/dto/supervision';
import { createTaskRequestSchema, taskListQuerySchema, taskSchema, updateTaskRequestSchema } from '@contracts/dto/task';
import {
  authResponseSchema,
  createUserRequestSchema,
  loginRequestSchema,
  type Role,
  updateUserRequestSchema,
  userAdminSchema,
} from '@contracts/dto/user';
import { ownerQuerySchema } from '@server/modules/routing/routing.types';

import {
  agentSchema,
  analyticsSummarySchema,
  dailyReportSchema,
  dealStageTotalSchema,
  heatmapReportSchema,
  leadSourcesReportSchema,
  campaignResultsReportSchema,
  importJobSchema,
  importPreviewSchema,
  itemsOf,
  liveCallSchema,
  operatorsReportSchema,
  pageOf,
  queueSettingSchema,
  queuesReportSchema,
  setAgentStateResponseSchema,
  sipSecretRotationSchema,
  spyResponseSchema,
  userChangeSchema,
  wallboardSchema,
} from './response-schemas';

/**
 * Who may call a route: nobody in particular (`public`), any signed-in user, the listed roles, or a machine with a
 * shared secret of its own (`routing-token`). Row visibility (an operator's own records) applies on top.
 */
export type RouteAccess = 'public' | 'signed-in' | 'routing-token' | readonly Role[];

/** What a successful answer carries: JSON of a schema, a file in one of some media types, or nothing (204). */
export interface ResponseSpec {
  description: string;
  json?: z.ZodType;
  files?: readonly string[];
  text?: boolean;
}

export interface ApiRouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
  /** As express mounts it: `/api/calls/:id`. */
  path: string;
  tag: string;
  summary: string;
  access: RouteAccess;
  /**
   * The scope an API token needs for this route; `any`: every valid token (who am I, the documentation); null:
   * tokens are refused (accounts, tokens themselves, live operator screens, settings).
   */
  scope: ApiTokenScope | 'any' | null;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** A raw upload instead of JSON (contacts import). */
  upload?: readonly string[];
  responses: Partial<Record<200 | 201 | 202 | 204 | 206, ResponseSpec>>;
}

const STAFF = ['admin', 'manager', 'supervisor'] as const satisfies readonly Role[];
const ADMIN = ['admin'] as const satisfies readonly Role[];
const REVIEWERS = ['supervisor', 'manager'] as const satisfies readonly Role[];

const json = (schema: z.ZodType, description = 'OK'): ResponseSpec => ({ description, json: schema });
const noContent = { 204: { description: 'Done, nothing to return' } } as const;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const userParams = agentUserParamsSchema;

/** Every /api route of the core, described once: the OpenAPI document and the API token scope guard read this. */
export const CORE_ROUTES: readonly ApiRouteSpec[] = [
  // ------------------------------------------------------------------ this document
  {
    method: 'GET',
    path: '/api/openapi.json',
    tag: 'Docs',
    summary: 'This OpenAPI 3.1 document',
    access: 'public',
    scope: 'any',
    responses: { 200: { description: 'The document', json: z.record(z.string(), z.unknown()) } },
  },
  {
    method: 'GET',
    path: '/api/docs',
    tag: 'Docs',
    summary: 'The API reference page (Swagger UI)',
    access: 'public',
    scope: 'any',
    responses: { 200: { description: 'HTML', files: ['text/html'] } },
  },
  {
    method: 'GET',
    path: '/api/docs/init.js',
    tag: 'Docs',
    summary: "The reference page's script",
    access: 'public',
    scope: 'any',
    responses: { 200: { description: 'JavaScript', files: ['application/javascript'] } },
  },
  // ------------------------------------------------------------------ auth
  {
    method: 'POST',
    path: '/api/auth/login',
    tag: 'Auth',
    summary: 'Sign in: sets the zv_session cookie (a new session every time)',
    access: 'public',
    scope: null,
    body: loginRequestSchema,
    responses: { 200: json(authResponseSchema) },
  },
  {
    method: 'POST',
    path: '/api/auth/logout',
    tag: 'Auth',
    summary: 'Sign out: ends the session of the cookie and closes its sockets',
    access: 'public',
    scope: null,
    responses: noContent,
  },
  {
    method: 'GET',
    path: '/api/auth/me',
    tag: 'Auth',
    summary: 'The signed-in user (or the owner of the API token)',
    access: 'signed-in',
    scope: 'any',
    responses: { 200: json(authResponseSchema) },
  },
  {
    method: 'GET',
    path: '/api/routing/owner',
    tag: 'Routing',
    summary: "The extension of the caller's owner as text/plain, for the dialplan (ROUTING_TOKEN)",
    access: 'routing-token',
    scope: null,
    query: ownerQuerySchema,
    responses: { 200: { description: 'The extension, or an empty body', text: true } },
  },
  // ------------------------------------------------------------------ users
  {
    method: 'GET',
    path: '/api/users',
    tag: 'Users',
    summary: 'The user directory',
    access: STAFF,
    scope: null,
    responses: { 200: json(itemsOf(userAdminSchema)) },
  },
  {
    method: 'GET',
    path: '/api/users/:id',
    tag: 'Users',
    summary: 'One user',
    access: STAFF,
    scope: null,
    params: idParamsSchema,
    responses: { 200: json(userAdminSchema) },
  },
  {
    method: 'POST',
    path: '/api/users',
    tag: 'Users',
    summary: 'Create a user',
    access: ADMIN,
    scope: null,
    body: createUserRequestSchema,
    responses: { 201: json(userChangeSchema, 'Created') },
  },
  {
    method: 'PATCH',
    path: '/api/users/:id',
    tag: 'Users',
    summary: 'Change the role or (de)activate a user (audited; closes their sockets)',
    access: ADMIN,
    scope: null,
    params: idParamsSchema,
    body: updateUserRequestSchema,
    responses: { 200: json(userChangeSchema) },
  },
  {
    method: 'POST',
    path: '/api/users/:id/sip-secret/rotate',
    tag: 'Users',
    summary: "Rotate the user's SIP secret (audited; never returns it)",
    access: ADMIN,
    scope: null,
    params: idParamsSchema,
    responses: { 200: json(sipSecretRotationSchema) },
  },
  // ------------------------------------------------------------------ contacts, companies, imports
  ...crud('Contacts', '/api/contacts', 'contacts', {
    item: contactSchema,
    list: contactListQuerySchema,
    create: createContactRequestSchema,
    update: updateContactRequestSchema,
  }),
  {
    method: 'GET',
    path: '/api/contacts/export',
    tag: 'Contacts',
    summary: 'The contacts the user may see as CSV or XLSX (same filters as the list)',
    access: 'signed-in',
    scope: 'contacts:read',
    query: exportContactsQuerySchema,
    responses: { 200: { description: 'The file', files: ['text/csv', XLSX] } },
  },
  {
    method: 'POST',
    path: '/api/imports',
    tag: 'Contacts',
    summary: 'Upload a CSV or XLSX of contacts; answers a preview to map columns',
    access: 'signed-in',
    scope: 'contacts:write',
    query: uploadImportQuerySchema,
    upload: ['text/csv', XLSX, 'application/octet-stream'],
    responses: { 201: json(importPreviewSchema, 'Uploaded') },
  },
  {
    method: 'GET',
    path: '/api/imports/:id',
    tag: 'Contacts',
    summary: 'Progress and report of an import',
    access: 'signed-in',
    scope: 'contacts:write',
    params: idParamsSchema,
    responses: { 200: json(importJobSchema) },
  },
  {
    method: 'POST',
    path: '/api/imports/:id/start',
    tag: 'Contacts',
    summary: 'Start an uploaded import with a column mapping',
    access: 'signed-in',
    scope: 'contacts:write',
    params: idParamsSchema,
    body: startImportRequestSchema,
    responses: { 202: json(importJobSchema, 'Started') },
  },
  ...crud('Companies', '/api/companies', 'contacts', {
    item: companySchema,
    list: companyListQuerySchema,
    create: createCompanyRequestSchema,
    update: updateCompanyRequestSchema,
  }),
  // ------------------------------------------------------------------ leads, deals, tasks, notes
  ...crud('Leads', '/api/leads', 'leads', {
    item: leadSchema,
    list: leadListQuerySchema,
    create: createLeadRequestSchema,
    update: updateLeadRequestSchema,
  }),
  ...crud('Deals', '/api/deals', 'deals', {
    item: dealSchema,
    list: dealListQuerySchema,
    create: createDealRequestSchema,
    update: updateDealRequestSchema,
  }),
  {
    method: 'GET',
    path: '/api/deals/stage-totals',
    tag: 'Deals',
    summary: 'Count and amount of the visible deals per stage and currency',
    access: 'signed-in',
    scope: 'deals:read',
    query: dealStageTotalsQuerySchema,
    responses: { 200: json(itemsOf(dealStageTotalSchema)) },
  },
  ...crud('Tasks', '/api/tasks', 'tasks', {
    item: taskSchema,
    list: taskListQuerySchema,
    create: createTaskRequestSchema,
    update: updateTaskRequestSchema,
  }),
  {
    method: 'GET',
    path: '/api/notes',
    tag: 'Notes',
    summary: 'Notes of a record',
    access: 'signed-in',
    scope: 'notes:read',
    query: noteListQuerySchema,
    responses: { 200: json(pageOf(noteSchema)) },
  },
  {
    method: 'POST',
    path: '/api/notes',
    tag: 'Notes',
    summary: 'Add a note to a record',
    access: 'signed-in',
    scope: 'notes:write',
    body: createNoteRequestSchema,
    responses: { 201: json(noteSchema, 'Created') },
  },
  {
    method: 'DELETE',
    path: '/api/notes/:id',
    tag: 'Notes',
    summary: 'Delete a note',
    access: 'signed-in',
    scope: 'notes:write',
    params: idParamsSchema,
    responses: noContent,
  },
  // ------------------------------------------------------------------ calls and recordings
  {
    method: 'GET',
    path: '/api/calls',
    tag: 'Calls',
    summary: 'Call history, newest first (operators: the calls they handled)',
    access: 'signed-in',
    scope: 'calls:read',
    query: callListQuerySchema,
    responses: { 200: json(pageOf(callSchema)) },
  },
  {
    method: 'GET',
    path: '/api/calls/active',
    tag: 'Calls',
    summary: 'Calls not ended yet (the REST resync of the live screens)',
    access: 'signed-in',
    scope: 'calls:read',
    responses: { 200: json(z.array(liveCallSchema)) },
  },
  {
    method: 'GET',
    path: '/api/calls/:id',
    tag: 'Calls',
    summary: 'One call',
    access: 'signed-in',
    scope: 'calls:read',
    params: idParamsSchema,
    responses: { 200: json(callSchema) },
  },
  {
    method: 'POST',
    path: '/api/calls/originate',
    tag: 'Calls',
    summary: "Click-to-call: the PBX rings the user's phone, then dials the destination",
    access: 'signed-in',
    scope: 'calls:write',
    body: originateRequestSchema,
    responses: { 200: json(originateResponseSchema) },
  },
  {
    method: 'PATCH',
    path: '/api/calls/:id/wrap-up',
    tag: 'Calls',
    summary: "The operator's disposition of a call",
    access: 'signed-in',
    scope: 'calls:write',
    params: idParamsSchema,
    body: wrapUpRequestSchema,
    responses: { 200: json(callSchema) },
  },
  {
    method: 'GET',
    path: '/api/calls/:id/card',
    tag: 'Calls',
    summary: "The call's caller card as the viewer's pop shows it (the operator's choice of contact included)",
    access: 'signed-in',
    scope: 'calls:read',
    params: idParamsSchema,
    responses: { 200: json(callCardSchema) },
  },
  {
    method: 'PUT',
    path: '/api/calls/:id/contact',
    tag: 'Calls',
    summary: 'Pick the caller among the contacts that share the number, for this call (audited); answers the card',
    access: 'signed-in',
    scope: 'calls:write',
    params: idParamsSchema,
    body: chooseCallContactRequestSchema,
    responses: { 200: json(callCardSchema) },
  },
  {
    method: 'GET',
    path: '/api/recordings/:id',
    tag: 'Recordings',
    summary: 'The audio of a recording (Range supported; every playback audited)',
    access: 'signed-in',
    scope: 'recordings:read',
    params: idParamsSchema,
    responses: {
      200: { description: 'The whole file', files: ['audio/ogg'] },
      206: { description: 'The requested range', files: ['audio/ogg'] },
    },
  },
  {
    method: 'GET',
    path: '/api/reviews',
    tag: 'Recordings',
    summary: 'Recorded calls to review, with their reviews',
    access: REVIEWERS,
    scope: 'recordings:read',
    query: reviewListQuerySchema,
    responses: { 200: json(pageOf(reviewItemSchema)) },
  },
  {
    method: 'GET',
    path: '/api/reviews/export',
    tag: 'Recordings',
    summary: 'The review list as CSV or XLSX',
    access: REVIEWERS,
    scope: 'recordings:read',
    query: reviewExportQuerySchema,
    responses: { 200: { description: 'The file', files: ['text/csv', XLSX] } },
  },
  {
    method: 'PUT',
    path: '/api/calls/:id/review',
    tag: 'Recordings',
    summary: "The reviewer's score of a recorded call",
    access: REVIEWERS,
    scope: null,
    params: idParamsSchema,
    body: reviewRequestSchema,
    responses: { 200: json(reviewSchema) },
  },
  // ------------------------------------------------------------------ live operations
  {
    method: 'POST',
    path: '/api/calls/:id/spy',
    tag: 'Supervision',
    summary: "Listen, whisper or barge: rings the supervisor's phone into the call",
    access: STAFF,
    scope: null,
    params: idParamsSchema,
    body: spyRequestSchema,
    responses: { 200: json(spyResponseSchema) },
  },
  {
    method: 'GET',
    path: '/api/agents',
    tag: 'Agents',
    summary: 'Operators and their states',
    access: STAFF,
    scope: null,
    responses: { 200: json(itemsOf(agentSchema)) },
  },
  {
    method: 'GET',
    path: '/api/agents/me',
    tag: 'Agents',
    summary: "The signed-in operator's state",
    access: 'signed-in',
    scope: null,
    responses: { 200: json(z.object({ agent: agentSchema })) },
  },
  {
    method: 'PUT',
    path: '/api/agents/me/state',
    tag: 'Agents',
    summary: 'Choose my state (available, break with a reason, offline)',
    access: 'signed-in',
    scope: null,
    body: setAgentStateRequestSchema,
    responses: { 200: json(setAgentStateResponseSchema) },
  },
  {
    method: 'PUT',
    path: '/api/agents/:userId/state',
    tag: 'Agents',
    summary: "Set an operator's state (audited)",
    access: STAFF,
    scope: null,
    params: userParams,
    body: setAgentStateRequestSchema,
    responses: { 200: json(setAgentStateResponseSchema) },
  },
  {
    method: 'GET',
    path: '/api/wallboard',
    tag: 'Agents',
    summary: 'The live wallboard snapshot',
    access: STAFF,
    scope: null,
    responses: { 200: json(wallboardSchema) },
  },
  {
    method: 'GET',
    path: '/api/softphone/config',
    tag: 'Agents',
    summary: "The signed-in user's softphone registration (their own SIP secret)",
    access: 'signed-in',
    scope: null,
    responses: { 200: json(softphoneConfigSchema) },
  },
  // ------------------------------------------------------------------ analytics
  ...(
    [
      ['summary', 'Call, occupancy and CRM figures of a range', analyticsSummarySchema],
      ['operators', 'Figures per operator', operatorsReportSchema],
      ['queues', 'Figures per queue', queuesReportSchema],
      ['heatmap', 'Calls per weekday and hour', heatmapReportSchema],
      ['daily', 'Calls per day', dailyReportSchema],
      ['lead-sources', 'Leads per source and UTM tags, with how many are converted', leadSourcesReportSchema],
      ['campaigns', 'Outbound campaigns: attempts, contacts and conversions to deals', campaignResultsReportSchema],
    ] as const
  ).map(([name, summary, schema]): ApiRouteSpec => ({
    method: 'GET',
    path: `/api/analytics/${name}`,
    tag: 'Analytics',
    summary: `${summary} (format=csv|xlsx for a file)`,
    access: STAFF,
    scope: 'analytics:read',
    query: analyticsQuerySchema,
    responses: { 200: { description: 'The report', json: schema, files: ['text/csv', XLSX] } },
  })),
  {
    method: 'GET',
    path: '/api/analytics/queue-settings',
    tag: 'Analytics',
    summary: 'Wrap-up seconds per queue',
    access: STAFF,
    scope: 'analytics:read',
    responses: { 200: json(z.array(queueSettingSchema)) },
  },
  {
    method: 'PUT',
    path: '/api/analytics/queue-settings/:queue',
    tag: 'Analytics',
    summary: "Set a queue's wrap-up seconds (audited)",
    access: ADMIN,
    scope: null,
    params: queueSettingParamsSchema,
    body: updateQueueSettingRequestSchema,
    responses: { 200: json(queueSettingSchema) },
  },
];

/** The five routes of a CRM record type, all scoped `<resource>:read` / `<resource>:write`. */
/** The five routes of `crudRoutes` (common/http/crud-routes.ts); `writeAccess` guards POST, PATCH and DELETE. */
export function crud(
  tag: string,
  base: string,
  resource: 'contacts' | 'leads' | 'deals' | 'tasks',
  s: { item: z.ZodType; list: z.ZodObject; create: z.ZodType; update: z.ZodType },
  writeAccess: RouteAccess = 'signed-in',
): ApiRouteSpec[] {
  const read = `${resource}:read` as const;
  const write = `${resource}:write` as const;
  const one = tag.replace(/ies$/, 'y').replace(/s$/, '').toLowerCase();
  return [
    {
      method: 'GET',
      path: base,
      tag,
      summary: `List ${tag.toLowerCase()} the user may see`,
      access: 'signed-in',
      scope: read,
      query: s.list,
      responses: { 200: json(pageOf(s.item)) },
    },
    {
      method: 'GET',
      path: `${base}/:id`,
      tag,
      summary: `One ${one}`,
      access: 'signed-in',
      scope: read,
      params: idParamsSchema,
      responses: { 200: json(s.item) },
    },
    {
      method: 'POST',
      path: base,
      tag,
      summary: `Create a ${one}`,
      access: writeAccess,
      scope: write,
      body: s.create,
      responses: { 201: json(s.item, 'Created') },
    },
    {
      method: 'PATCH',
      path: `${base}/:id`,
      tag,
      summary: `Change a ${one}`,
      access: writeAccess,
      scope: write,
      params: idParamsSchema,
      body: s.update,
      responses: { 200: json(s.item) },
    },
    {
      method: 'DELETE',
      path: `${base}/:id`,
      tag,
      summary: `Delete a ${one}`,
      access: writeAccess,
      scope: write,
      params: idParamsSchema,
      responses: noContent,
    },
  ];
}
