import { type z } from 'zod';

import { idParamsSchema, reassignRequestSchema } from '@contracts/dto/common';
import { companySchema } from '@contracts/dto/company';
import { contactSchema } from '@contracts/dto/contact';
import {
  contactDuplicatesQuerySchema,
  contactDuplicatesSchema,
  contactMergeSchema,
  contactUnmergeSchema,
  mergeContactsRequestSchema,
  mergeIdParamsSchema,
} from '@contracts/dto/contact-merge';
import { dealSchema, dealStageChangeSchema } from '@contracts/dto/deal';
import {
  blockedNumberListQuerySchema,
  blockedNumberSchema,
  createBlockedNumberRequestSchema,
  dialCheckRequestSchema,
  dialPolicyQuerySchema,
  updateBlockedNumberRequestSchema,
} from '@contracts/dto/dial-policy';
import { convertLeadRequestSchema, leadSchema } from '@contracts/dto/lead';
import { searchQuerySchema } from '@contracts/dto/search';
import { taskSchema } from '@contracts/dto/task';
import {
  notificationListQuerySchema,
  notificationPageSchema,
  readAllResponseSchema,
} from '@contracts/dto/notification';
import { timelinePageSchema, timelineQuerySchema } from '@contracts/dto/timeline';

import { type ApiRouteSpec } from './api-routes';
import {
  convertLeadResponseSchema,
  dialCheckResponseSchema,
  itemsOf,
  pageOf,
  searchResultSchema,
} from './response-schemas';

const ADMIN = ['admin'] as const;
const STAFF = ['admin', 'manager', 'supervisor'] as const;
const done = { 204: { description: 'Done, nothing to return' } } as const;
const json = (schema: z.ZodType, description = 'OK') => ({ description, json: schema });

/** Handing a record to another user: staff only (row rules as for the record), needs the record's write scope. */
const reassign = (
  tag: string,
  base: string,
  one: string,
  scope: 'contacts:write' | 'leads:write' | 'deals:write' | 'tasks:write',
  item: z.ZodType,
): ApiRouteSpec => ({
  method: 'POST',
  path: `${base}/:id/reassign`,
  tag,
  summary: `Give a ${one} to another user (audited; the new owner is told)`,
  access: STAFF,
  scope,
  params: idParamsSchema,
  body: reassignRequestSchema,
  responses: { 200: json(item) },
});

/**
 * The routes of the client timeline, search and do-not-call (issue 12). The timeline and the search span records of
 * several scopes (calls, notes, tasks, deals beside contacts and leads), so no one scope may open them without
 * widening a token: they are for people only, like the other screens that mix record types.
 */
export const CRM_ROUTES: readonly ApiRouteSpec[] = [
  {
    method: 'GET',
    path: '/api/timeline',
    tag: 'Timeline',
    summary: "A contact's, company's or lead's history, newest first: calls, notes, tasks, deal stages, owner changes",
    access: 'signed-in',
    scope: null,
    query: timelineQuerySchema,
    responses: { 200: json(timelinePageSchema) },
  },
  {
    method: 'GET',
    path: '/api/search',
    tag: 'Search',
    summary: 'Contacts, companies, leads and deals the user may see, by number (any format), name, e-mail or title',
    access: 'signed-in',
    scope: null,
    query: searchQuerySchema,
    responses: { 200: json(searchResultSchema) },
  },
  {
    method: 'GET',
    path: '/api/deals/:id/history',
    tag: 'Deals',
    summary: 'Every stage the deal entered, who moved it and when, newest first',
    access: 'signed-in',
    scope: 'deals:read',
    params: idParamsSchema,
    responses: { 200: json(itemsOf(dealStageChangeSchema)) },
  },
  reassign('Contacts', '/api/contacts', 'contact', 'contacts:write', contactSchema),
  reassign('Companies', '/api/companies', 'company', 'contacts:write', companySchema),
  reassign('Leads', '/api/leads', 'lead', 'leads:write', leadSchema),
  reassign('Deals', '/api/deals', 'deal', 'deals:write', dealSchema),
  reassign('Tasks', '/api/tasks', 'task', 'tasks:write', taskSchema),
  {
    method: 'POST',
    path: '/api/leads/:id/convert',
    tag: 'Leads',
    summary: 'Convert a lead into a contact (an existing one or a new one) and optionally a first deal, in one step',
    access: 'signed-in',
    scope: 'leads:write',
    params: idParamsSchema,
    body: convertLeadRequestSchema,
    responses: { 200: json(convertLeadResponseSchema) },
  },
  {
    method: 'POST',
    path: '/api/calls/dial-check',
    tag: 'Calls',
    summary:
      'May this number be dialled now (do-not-call, blocked list); supervisors and managers may override with a ' +
      'reason (audited). 409 DO_NOT_CALL otherwise',
    access: 'signed-in',
    scope: 'calls:write',
    body: dialCheckRequestSchema,
    responses: { 200: json(dialCheckResponseSchema) },
  },
  {
    method: 'GET',
    path: '/api/routing/dial-policy',
    tag: 'Routing',
    summary: "`allow` or `block` as text/plain for the dialplan's do-not-call check (ROUTING_TOKEN)",
    access: 'routing-token',
    scope: null,
    query: dialPolicyQuerySchema,
    responses: { 200: { description: '`allow` or `block`', text: true } },
  },
  {
    method: 'GET',
    path: '/api/blocked-numbers',
    tag: 'Blocked numbers',
    summary: 'Numbers the PBX refuses both ways',
    access: STAFF,
    scope: null,
    query: blockedNumberListQuerySchema,
    responses: { 200: json(pageOf(blockedNumberSchema)) },
  },
  {
    method: 'POST',
    path: '/api/blocked-numbers',
    tag: 'Blocked numbers',
    summary: 'Block a number, with a reason (audited)',
    access: ADMIN,
    scope: null,
    body: createBlockedNumberRequestSchema,
    responses: { 201: json(blockedNumberSchema, 'Created') },
  },
  {
    method: 'PATCH',
    path: '/api/blocked-numbers/:id',
    tag: 'Blocked numbers',
    summary: "Change a blocked number's reason (audited)",
    access: ADMIN,
    scope: null,
    params: idParamsSchema,
    body: updateBlockedNumberRequestSchema,
    responses: { 200: json(blockedNumberSchema) },
  },
  {
    method: 'DELETE',
    path: '/api/blocked-numbers/:id',
    tag: 'Blocked numbers',
    summary: 'Unblock a number (audited)',
    access: ADMIN,
    scope: null,
    params: idParamsSchema,
    responses: done,
  },
  {
    method: 'GET',
    path: '/api/notifications',
    tag: 'Notifications',
    summary: "The signed-in user's notifications, newest first, with their unread count",
    access: 'signed-in',
    scope: null,
    query: notificationListQuerySchema,
    responses: { 200: json(notificationPageSchema) },
  },
  {
    method: 'POST',
    path: '/api/notifications/read-all',
    tag: 'Notifications',
    summary: "Mark all of the signed-in user's notifications read",
    access: 'signed-in',
    scope: null,
    responses: { 200: json(readAllResponseSchema) },
  },
  {
    method: 'POST',
    path: '/api/notifications/:id/read',
    tag: 'Notifications',
    summary: 'Mark one of your notifications read (404 for anyone else’s)',
    access: 'signed-in',
    scope: null,
    params: idParamsSchema,
    responses: done,
  },
  {
    method: 'GET',
    path: '/api/contacts/duplicates',
    tag: 'Contacts',
    summary: 'Other contacts with this number: the ones you may open by name, the rest counted',
    access: 'signed-in',
    scope: 'contacts:read',
    query: contactDuplicatesQuerySchema,
    responses: { 200: json(contactDuplicatesSchema) },
  },
  {
    method: 'POST',
    path: '/api/contacts/:id/merge',
    tag: 'Contacts',
    summary:
      'Merge `sourceId` into this contact: its calls, deals, tasks, notes, leads, form submissions and numbers move ' +
      'here in one transaction; audited as `contact.merge`, whose id undoes it',
    access: STAFF,
    scope: null,
    params: idParamsSchema,
    body: mergeContactsRequestSchema,
    responses: { 200: json(contactMergeSchema) },
  },
  {
    method: 'POST',
    path: '/api/contacts/merges/:mergeId/undo',
    tag: 'Contacts',
    summary: 'Undo a merge from its audit record: the merged contact comes back with exactly the rows that moved',
    access: STAFF,
    scope: null,
    params: mergeIdParamsSchema,
    responses: { 200: json(contactUnmergeSchema) },
  },
];
