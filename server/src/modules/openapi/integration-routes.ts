import { z } from 'zod';

import { apiTokenSchema, createApiTokenRequestSchema, createdApiTokenSchema } from '@contracts/dto/api-token';
import {
  businessHoursParamsSchema,
  businessHoursSchema,
  putBusinessHoursRequestSchema,
} from '@contracts/dto/business-hours';
import { idParamsSchema } from '@contracts/dto/common';
import {
  createWebFormRequestSchema,
  formKeyParamsSchema,
  formSubmissionRequestSchema,
  formSubmissionResponseSchema,
  updateWebFormRequestSchema,
  webFormSchema,
} from '@contracts/dto/web-form';
import {
  WEBHOOK_EVENTS,
  createWebhookRequestSchema,
  createdWebhookEndpointSchema,
  updateWebhookRequestSchema,
  webhookDeliveryListQuerySchema,
  webhookDeliverySchema,
  webhookEndpointSchema,
  webhookPayloadSchema,
  webhookSecretSchema,
} from '@contracts/dto/webhook';

import { type ApiRouteSpec } from './api-routes';
import { itemsOf, pageOf } from './response-schemas';

const ADMIN = ['admin'] as const;
const WEBHOOK_ROUTE = { tag: 'Webhooks', access: ADMIN, scope: 'webhooks:manage' } as const;

/** The routes of issue 18's integrations (tokens, webhooks, website forms, business hours). */
export const INTEGRATION_ROUTES: readonly ApiRouteSpec[] = [
  {
    method: 'GET',
    path: '/api/tokens',
    tag: 'Tokens',
    summary: 'My personal API tokens (admins: and every integration token)',
    access: 'signed-in',
    scope: null,
    responses: { 200: { description: 'OK', json: itemsOf(apiTokenSchema) } },
  },
  {
    method: 'POST',
    path: '/api/tokens',
    tag: 'Tokens',
    summary: 'Make an API token; the answer is the only time the token is shown (audited)',
    access: 'signed-in',
    scope: null,
    body: createApiTokenRequestSchema,
    responses: { 201: { description: 'Created', json: createdApiTokenSchema } },
  },
  {
    method: 'DELETE',
    path: '/api/tokens/:id',
    tag: 'Tokens',
    summary: 'Revoke an API token at once (audited)',
    access: 'signed-in',
    scope: null,
    params: idParamsSchema,
    responses: { 204: { description: 'Revoked' } },
  },
  {
    ...WEBHOOK_ROUTE,
    method: 'GET',
    path: '/api/webhooks',
    summary: 'Webhook endpoints',
    responses: { 200: { description: 'OK', json: itemsOf(webhookEndpointSchema) } },
  },
  {
    ...WEBHOOK_ROUTE,
    method: 'POST',
    path: '/api/webhooks',
    summary:
      'Subscribe an endpoint to events; its URL must not lead to a private, loopback or link-local address. ' +
      'The answer is the only time the signing secret is shown (audited)',
    body: createWebhookRequestSchema,
    responses: { 201: { description: 'Created', json: createdWebhookEndpointSchema } },
  },
  {
    ...WEBHOOK_ROUTE,
    method: 'GET',
    path: '/api/webhooks/:id',
    summary: 'One webhook endpoint',
    params: idParamsSchema,
    responses: { 200: { description: 'OK', json: webhookEndpointSchema } },
  },
  {
    ...WEBHOOK_ROUTE,
    method: 'PATCH',
    path: '/api/webhooks/:id',
    summary: 'Change the URL, events, description, or pause it (audited)',
    params: idParamsSchema,
    body: updateWebhookRequestSchema,
    responses: { 200: { description: 'OK', json: webhookEndpointSchema } },
  },
  {
    ...WEBHOOK_ROUTE,
    method: 'DELETE',
    path: '/api/webhooks/:id',
    summary: 'Delete an endpoint and its delivery log (audited)',
    params: idParamsSchema,
    responses: { 204: { description: 'Deleted' } },
  },
  {
    ...WEBHOOK_ROUTE,
    method: 'POST',
    path: '/api/webhooks/:id/rotate-secret',
    summary: 'A new signing secret, shown once; the old one stops at once (audited)',
    params: idParamsSchema,
    responses: { 200: { description: 'OK', json: webhookSecretSchema } },
  },
  {
    ...WEBHOOK_ROUTE,
    method: 'GET',
    path: '/api/webhooks/:id/deliveries',
    summary: 'The delivery log of an endpoint: each event, its status and every attempt (status code, time)',
    params: idParamsSchema,
    query: webhookDeliveryListQuerySchema,
    responses: { 200: { description: 'OK', json: pageOf(webhookDeliverySchema) } },
  },
  {
    ...WEBHOOK_ROUTE,
    method: 'POST',
    path: '/api/webhooks/deliveries/:id/redeliver',
    summary: 'Send a delivery again, whatever its status (same webhook-id; audited)',
    params: idParamsSchema,
    responses: { 202: { description: 'Queued', json: webhookDeliverySchema } },
  },
  // ------------------------------------------------------------------ website forms
  {
    method: 'GET',
    path: '/api/forms',
    tag: 'Website forms',
    summary: 'Website forms and their public keys',
    access: ADMIN,
    scope: null,
    responses: { 200: { description: 'OK', json: itemsOf(webFormSchema) } },
  },
  {
    method: 'POST',
    path: '/api/forms',
    tag: 'Website forms',
    summary: 'Make a form for a site (audited); its key goes into the snippet',
    access: ADMIN,
    scope: null,
    body: createWebFormRequestSchema,
    responses: { 201: { description: 'Created', json: webFormSchema } },
  },
  {
    method: 'PATCH',
    path: '/api/forms/:id',
    tag: 'Website forms',
    summary: 'Rename, change the allowed origins or the callback queue, or switch a form off (audited)',
    access: ADMIN,
    scope: null,
    params: idParamsSchema,
    body: updateWebFormRequestSchema,
    responses: { 200: { description: 'OK', json: webFormSchema } },
  },
  {
    method: 'DELETE',
    path: '/api/forms/:id',
    tag: 'Website forms',
    summary: 'Delete a form (audited); its leads stay',
    access: ADMIN,
    scope: null,
    params: idParamsSchema,
    responses: { 204: { description: 'Deleted' } },
  },
  {
    method: 'POST',
    path: '/api/public/forms/:formKey',
    tag: 'Website forms',
    summary:
      'A website visitor’s submission (JSON or an HTML form’s urlencoded body; CORS for the form’s origins). ' +
      'The phone is normalised; a contact or the open lead with that number takes it, else it is a new lead ' +
      '(source web, with the UTM tags). `callback: true` rings the form’s queue, or sets a task for when it opens. ' +
      'Rate-limited per address and per form (429); `website` is a honeypot',
    access: 'public',
    scope: 'any',
    params: formKeyParamsSchema,
    body: formSubmissionRequestSchema,
    responses: { 202: { description: 'Accepted', json: formSubmissionResponseSchema } },
  },
  {
    method: 'OPTIONS',
    path: '/api/public/forms/:formKey',
    tag: 'Website forms',
    summary: 'CORS preflight of a submission',
    access: 'public',
    scope: 'any',
    params: formKeyParamsSchema,
    responses: { 204: { description: 'Allowed for this origin' } },
  },
  {
    method: 'GET',
    path: '/api/public/forms/:formKey/embed.js',
    tag: 'Website forms',
    summary: 'The embeddable form: `<script src="…/embed.js" async></script>` (data-lang="en", data-target)',
    access: 'public',
    scope: 'any',
    params: formKeyParamsSchema,
    responses: { 200: { description: 'JavaScript', files: ['application/javascript'] } },
  },
  // ------------------------------------------------------------------ business hours
  {
    method: 'GET',
    path: '/api/business-hours',
    tag: 'Business hours',
    summary: 'Opening hours, holidays and callback wait per queue (a queue without them is always open)',
    access: ['admin', 'manager', 'supervisor'],
    scope: null,
    responses: { 200: { description: 'OK', json: itemsOf(businessHoursSchema) } },
  },
  {
    method: 'PUT',
    path: '/api/business-hours/:queue',
    tag: 'Business hours',
    summary: "Set a queue's opening hours in its time zone, holidays and callback wait (audited)",
    access: ADMIN,
    scope: null,
    params: businessHoursParamsSchema,
    body: putBusinessHoursRequestSchema,
    responses: { 200: { description: 'OK', json: businessHoursSchema } },
  },
];

/** OpenAPI 3.1 `webhooks`: what Zvonok POSTs to a subscribed endpoint, one entry per event type. */
export const OUTGOING_WEBHOOKS = Object.fromEntries(
  WEBHOOK_EVENTS.map((type) => [
    type,
    {
      post: {
        summary: `${type} (signed per Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature)`,
        requestBody: {
          content: {
            'application/json': { schema: webhookPayloadSchema.extend({ type: z.literal(type) }) },
          },
        },
        responses: { '200': { description: 'Any 2xx acknowledges; anything else is retried with backoff' } },
      },
    },
  ]),
);

export const integrationSchemas: Record<string, z.ZodType> = {
  ApiToken: apiTokenSchema,
  WebhookEndpoint: webhookEndpointSchema,
  WebhookDelivery: webhookDeliverySchema,
};
