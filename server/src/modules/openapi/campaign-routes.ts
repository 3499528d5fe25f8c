import { z } from 'zod';

import {
  CAMPAIGN_MODES,
  CAMPAIGN_RECORD_STATES,
  CAMPAIGN_STATUSES,
  buildListRequestSchema,
  campaignActionSchema,
  campaignDispositionRequestSchema,
  campaignRecordsQuerySchema,
  campaignStatsQuerySchema,
  createCampaignRequestSchema,
  updateCampaignRequestSchema,
} from '@contracts/dto/campaign';
import { idParamsSchema } from '@contracts/dto/common';
import { uploadImportQuerySchema } from '@contracts/dto/import';

import { type ApiRouteSpec } from './api-routes';
import { pageOf } from './response-schemas';

const STAFF = ['admin', 'manager', 'supervisor'] as const;
const json = (schema: z.ZodType, description = 'OK') => ({ description, json: schema });
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The answers' main fields; the DTOs in contracts/dto/campaign.ts are the full contract. */
const campaignSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  mode: z.enum(CAMPAIGN_MODES),
  status: z.enum(CAMPAIGN_STATUSES),
  operatorIds: z.array(z.string()),
  callerId: z.string(),
});
const recordSchema = z.looseObject({
  id: z.string(),
  phoneE164: z.string(),
  state: z.enum(CAMPAIGN_RECORD_STATES),
  attempts: z.number().int(),
  nextDueAt: z.string(),
});
const buildListSchema = z.object({ added: z.number(), duplicates: z.number(), excluded: z.number() });
const progressSchema = z.looseObject({
  campaignId: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
  records: z.record(z.string(), z.number()),
  attempts: z.number(),
  answered: z.number(),
});
const statsSchema = z.looseObject({
  campaignId: z.string(),
  records: z.record(z.string(), z.number()),
  attempts: z.number(),
  connects: z.number(),
  abandonRate: z.number().nullable(),
  talkSeconds: z.number(),
  byOutcome: z.record(z.string(), z.number()),
  byDisposition: z.array(z.object({ disposition: z.string(), count: z.number(), closing: z.boolean() })),
});
const offerSchema = z.looseObject({ attemptId: z.string(), record: recordSchema });
const params = idParamsSchema;
const base = { tag: 'Campaigns', scope: null } as const;

/**
 * Outbound campaigns (issue #19). Tokens are refused: dialling customers is run by people on the Campaigns page.
 */
export const CAMPAIGN_ROUTES: readonly ApiRouteSpec[] = [
  {
    ...base,
    method: 'GET',
    path: '/api/campaigns',
    summary: 'Campaigns (operators: the ones they are on)',
    access: 'signed-in',
    responses: { 200: json(z.object({ items: z.array(campaignSchema) })) },
  },
  {
    ...base,
    method: 'POST',
    path: '/api/campaigns',
    summary: 'Create a campaign (audited)',
    access: STAFF,
    body: createCampaignRequestSchema,
    responses: { 201: json(campaignSchema, 'Created') },
  },
  {
    ...base,
    method: 'GET',
    path: '/api/campaigns/:id',
    summary: 'One campaign',
    access: STAFF,
    params,
    responses: { 200: json(campaignSchema) },
  },
  {
    ...base,
    method: 'PATCH',
    path: '/api/campaigns/:id',
    summary: 'Change a campaign that is not running (audited)',
    access: STAFF,
    params,
    body: updateCampaignRequestSchema,
    responses: { 200: json(campaignSchema) },
  },
  {
    ...base,
    method: 'DELETE',
    path: '/api/campaigns/:id',
    summary: 'Delete a campaign that is not running, its list and attempts (audited)',
    access: STAFF,
    params,
    responses: { 204: { description: 'Done, nothing to return' } },
  },
  {
    ...base,
    method: 'POST',
    path: '/api/campaigns/:id/actions',
    summary: 'Start, pause or stop (every node stops dialling at its next dial)',
    access: STAFF,
    params,
    body: campaignActionSchema,
    responses: { 200: json(campaignSchema) },
  },
  {
    ...base,
    method: 'POST',
    path: '/api/campaigns/:id/records/build',
    summary: 'Add the numbers of CRM records by a filter to the call list',
    access: STAFF,
    params,
    body: buildListRequestSchema,
    responses: { 200: json(buildListSchema) },
  },
  {
    ...base,
    method: 'POST',
    path: '/api/campaigns/:id/records/import',
    summary: 'Add a CSV/XLSX file to the call list, with the row report of the contacts import',
    access: STAFF,
    params,
    query: uploadImportQuerySchema,
    upload: ['text/csv', XLSX, 'application/octet-stream'],
    responses: {
      200: json(buildListSchema.extend({ total: z.number(), invalid: z.number(), problems: z.array(z.unknown()) })),
    },
  },
  {
    ...base,
    method: 'GET',
    path: '/api/campaigns/:id/records',
    summary: 'The call list with each record’s state, attempts and next due time',
    access: STAFF,
    params,
    query: campaignRecordsQuerySchema,
    responses: { 200: json(pageOf(recordSchema)) },
  },
  {
    ...base,
    method: 'GET',
    path: '/api/campaigns/:id/progress',
    summary:
      'Live figures: records by state, attempts, answer, contact and abandon rates, per disposition and operator',
    access: STAFF,
    params,
    responses: { 200: json(progressSchema) },
  },
  {
    ...base,
    method: 'GET',
    path: '/api/campaigns/:id/stats',
    summary:
      'Results over the whole campaign: records by state, attempts, connects, abandon rate, talk time, outcomes and ' +
      'dispositions (format=csv for a file)',
    access: STAFF,
    params,
    query: campaignStatsQuerySchema,
    responses: { 200: { description: 'The figures', json: statsSchema, files: ['text/csv'] } },
  },
  {
    ...base,
    method: 'POST',
    path: '/api/campaigns/:id/preview/next',
    summary: 'Preview mode: the operator’s next record, reserved for them',
    access: 'signed-in',
    params,
    responses: { 200: json(offerSchema) },
  },
  {
    ...base,
    method: 'POST',
    path: '/api/campaigns/attempts/:id/dial',
    summary:
      'Preview mode: dial the reserved record (the rules are checked again now; the operator’s phone rings first)',
    access: 'signed-in',
    params,
    responses: { 200: json(z.object({ dialled: z.boolean(), attemptId: z.string() })) },
  },
  {
    ...base,
    method: 'POST',
    path: '/api/campaigns/attempts/:id/skip',
    summary: 'Preview mode: put the reserved record back (due again in 10 minutes)',
    access: 'signed-in',
    params,
    responses: { 204: { description: 'Done, nothing to return' } },
  },
  {
    ...base,
    method: 'POST',
    path: '/api/campaigns/attempts/:id/disposition',
    summary: 'The operator’s campaign result: a closing one closes the record, another retries it',
    access: 'signed-in',
    params,
    body: campaignDispositionRequestSchema,
    responses: { 200: json(recordSchema) },
  },
];
