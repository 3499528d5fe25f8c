import { z } from 'zod';
import {
  createDocument,
  type oas31,
  type ZodOpenApiContentObject,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi';

import { CSRF_HEADER, CSRF_HEADER_VALUE } from '@contracts/error-codes';

import { type ApiRouteSpec, type ResponseSpec } from './api-routes';
import { errorBodySchema } from './response-schemas';

export interface OpenApiExtras {
  version: string;
  /** Outgoing webhooks (OpenAPI 3.1 `webhooks`): what Zvonok posts to subscribed endpoints. */
  webhooks?: ZodOpenApiPathsObject;
  /** Schemas worth a name of their own in `components` (they render as `$ref`). */
  schemas?: Record<string, z.ZodType>;
}

const FILE = z.string().meta({ description: 'The file (binary)' });
const TEXT = z.string();

/** `/api/calls/:id/spy` → `/api/calls/{id}/spy`. */
export const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z_]+)/g, '{$1}');

/**
 * The OpenAPI 3.1 document of the REST API, built from the route catalogue and the very zod schemas the routes
 * parse their input with (requests rendered as zod's input side, responses as its output side). Error answers are
 * the `default` response: `{error: {code, message, details?}}` with the code list of contracts/error-codes.ts.
 */
export function buildOpenApiDocument(routes: readonly ApiRouteSpec[], extras: OpenApiExtras): oas31.OpenAPIObject {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const item = (paths[toOpenApiPath(route.path)] ??= {});
    item[route.method.toLowerCase() as 'get'] = operation(route);
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Zvonok API',
      version: extras.version,
      description:
        'The REST API of Zvonok, a call-center CRM. Authenticate with the browser session (cookie `zv_session`; ' +
        `state-changing requests must then carry \`${CSRF_HEADER}: ${CSRF_HEADER_VALUE}\`) or with an API token ` +
        '(`Authorization: Bearer zv_…`, made under Integrations in the app). A token acts as its owner — the same ' +
        'role and the same records — narrowed by its scopes; routes without a scope refuse tokens. Every error is ' +
        '`{"error": {"code", "message", "details"?}}`.',
    },
    servers: [{ url: '/' }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    ...(extras.webhooks ? { webhooks: extras.webhooks } : {}),
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'zv_session', description: 'The browser session' },
        apiToken: { type: 'http', scheme: 'bearer', bearerFormat: 'zv_…', description: 'An API token' },
        routingToken: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Routing-Token',
          description: 'ROUTING_TOKEN, for the dialplan (also as ?token= or a bearer token)',
        },
      },
      schemas: { Error: errorBodySchema, ...extras.schemas },
    },
  }) as oas31.OpenAPIObject;
}

function operation(route: ApiRouteSpec): ZodOpenApiOperationObject {
  const roles = typeof route.access === 'string' ? null : route.access.join(', ');
  const notes = [
    roles ? `Roles: ${roles}.` : route.access === 'public' ? 'No sign-in needed.' : null,
    route.scope === null
      ? route.access === 'public' || route.access === 'routing-token'
        ? null
        : 'Not available to API tokens.'
      : route.scope === 'any'
        ? 'Any API token.'
        : `API token scope: \`${route.scope}\`.`,
  ].filter(Boolean);
  const responses: ZodOpenApiResponsesObject = {
    default: { description: 'Error', content: { 'application/json': { schema: errorBodySchema } } },
  };
  for (const [status, spec] of Object.entries(route.responses) as [string, ResponseSpec][]) {
    responses[status as '200'] = { description: spec.description, ...content(spec) };
  }
  return {
    operationId: operationId(route),
    tags: [route.tag],
    summary: route.summary,
    ...(notes.length ? { description: notes.join(' ') } : {}),
    security: security(route),
    ...(route.params || route.query
      ? {
          requestParams: {
            ...(route.params ? { path: route.params } : {}),
            ...(route.query ? { query: route.query } : {}),
          },
        }
      : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: route.body } } } } : {}),
    ...(route.upload
      ? { requestBody: { required: true, content: Object.fromEntries(route.upload.map((m) => [m, { schema: FILE }])) } }
      : {}),
    responses,
  };
}

function content(spec: ResponseSpec): { content?: ZodOpenApiContentObject } {
  const out: ZodOpenApiContentObject = {};
  if (spec.json) out['application/json'] = { schema: spec.json };
  if (spec.text) out['text/plain'] = { schema: TEXT };
  for (const media of spec.files ?? []) out[media] = { schema: FILE };
  return Object.keys(out).length ? { content: out } : {};
}

function security(route: ApiRouteSpec): oas31.SecurityRequirementObject[] {
  if (route.access === 'public') return [];
  if (route.access === 'routing-token') return [{ routingToken: [] }];
  const session = { session: [] };
  if (route.scope === null) return [session];
  return [session, { apiToken: route.scope === 'any' ? [] : [route.scope] }];
}

/** `PATCH /api/calls/:id/wrap-up` → `patchCallsIdWrapUp`: stable, unique, readable in generated clients. */
function operationId(route: ApiRouteSpec): string {
  const words = route.path
    .replace(/^\/api\//, '')
    .split(/[/.-]/)
    .filter(Boolean)
    .map((w) => w.replace(/^:/, ''));
  return [route.method.toLowerCase(), ...words.map((w) => w.charAt(0).toUpperCase() + w.slice(1))].join('');
}
