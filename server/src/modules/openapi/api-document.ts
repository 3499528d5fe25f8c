import { type oas31 } from 'zod-openapi';

import { callSchema } from '@contracts/dto/call';
import { companySchema } from '@contracts/dto/company';
import { contactSchema } from '@contracts/dto/contact';
import { dealSchema } from '@contracts/dto/deal';
import { leadSchema } from '@contracts/dto/lead';
import { noteSchema } from '@contracts/dto/note';
import { taskSchema } from '@contracts/dto/task';
import { userSchema } from '@contracts/dto/user';

import { ADMIN_ROUTES } from './admin-routes';
import { type ApiRouteSpec, CORE_ROUTES } from './api-routes';
import { CAMPAIGN_ROUTES } from './campaign-routes';
import { CRM_ROUTES } from './crm-routes';
import { PRODUCT_ROUTES } from './product-routes';
import { INTEGRATION_ROUTES, integrationSchemas, OUTGOING_WEBHOOKS } from './integration-routes';
import { buildOpenApiDocument } from './openapi.document';

/** Every /api route the app mounts (a test walks express's router and compares). */
export const API_ROUTES: readonly ApiRouteSpec[] = [
  ...CORE_ROUTES,
  ...ADMIN_ROUTES,
  ...INTEGRATION_ROUTES,
  ...CRM_ROUTES,
  ...CAMPAIGN_ROUTES,
  ...PRODUCT_ROUTES,
];

/** The contract's version: bumped on a breaking change of any route or webhook payload. */
export const API_VERSION = '1.0.0';

let built: oas31.OpenAPIObject | undefined;

/** The OpenAPI document (built once per process: it depends on code only). */
export function openApiDocument(): oas31.OpenAPIObject {
  built ??= buildOpenApiDocument(API_ROUTES, {
    version: API_VERSION,
    webhooks: OUTGOING_WEBHOOKS,
    schemas: {
      Call: callSchema,
      Company: companySchema,
      Contact: contactSchema,
      Deal: dealSchema,
      Lead: leadSchema,
      Note: noteSchema,
      Task: taskSchema,
      User: userSchema,
      ...integrationSchemas,
    },
  });
  return built;
}
