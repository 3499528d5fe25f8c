import fs from 'node:fs';
import path from 'node:path';

import express, { type Express } from 'express';
import { type Redis } from 'ioredis';

import { type Config } from '@server/config/env';
import { errorMiddleware, notFoundRoute } from '@server/common/errors/error-middleware';
import { rejectNulCharacters } from '@server/common/http/reject-nul';
import { securityHeaders } from '@server/common/http/security-headers';
import { hostGuard, trustedHosts } from '@server/common/http/trusted-hosts';
import { type Logger } from '@server/common/logger/logger';
import { agentsRouter } from '@server/modules/agents/agents.router';
import { analyticsRouter } from '@server/modules/analytics/analytics.router';
import { analyticsRolesRouter } from '@server/modules/analytics/analytics-roles.router';
import { slaAlertsRouter } from '@server/modules/analytics/sla-alerts.router';
import { bearerTokenAuth, tokenScopeGuard, unlessTokenRequest } from '@server/modules/api-tokens/api-token.middleware';
import { apiTokensRouter } from '@server/modules/api-tokens/api-tokens.router';
import { webhooksRouter } from '@server/modules/webhooks/webhooks.router';
import { businessHoursRouter } from '@server/modules/call-me-back/business-hours.router';
import { publicFormsRouter, webFormsRouter } from '@server/modules/web-forms/web-forms.router';
import { callsRouter } from '@server/modules/calls/calls.router';
import { liveCallsRouter } from '@server/modules/calls/live-calls.router';
import { csrfGuard, requireAuth } from '@server/common/auth/auth-guards';
import { sessionMiddleware } from '@server/modules/auth/auth.middleware';
import { authRouter } from '@server/modules/auth/auth.router';
import { auditRouter } from '@server/modules/audit/audit.router';
import { companiesRouter } from '@server/modules/companies/companies.router';
import { productsRouter } from '@server/modules/products/products.router';
import { contactsRouter } from '@server/modules/contacts/contacts.router';
import { contactMergeRouter } from '@server/modules/contacts/contact-merge.router';
import { contactsExportRouter, importsRouter } from '@server/modules/imports/imports.router';
import { customFieldsRouter } from '@server/modules/custom-fields/custom-fields.router';
import { dealsRouter } from '@server/modules/deals/deals.router';
import { pipelinesRouter } from '@server/modules/pipelines/pipelines.router';
import {
  blockedNumbersRouter,
  dialCheckRouter,
  dialPolicyPbxRouter,
} from '@server/modules/dial-policy/dial-policy.router';
import { healthRouter } from '@server/modules/health/health.router';
import { leadsRouter } from '@server/modules/leads/leads.router';
import { notesRouter } from '@server/modules/notes/notes.router';
import { notificationsRouter } from '@server/modules/notifications/notifications.router';
import { API_ROUTES, openApiDocument } from '@server/modules/openapi/api-document';
import { openApiRouter } from '@server/modules/openapi/openapi.router';
import { routingRouter } from '@server/modules/routing/routing.router';
import { searchRouter } from '@server/modules/search/search.router';
import { recordingsRouter } from '@server/modules/recordings/recordings.router';
import { callReviewRouter, reviewsRouter } from '@server/modules/quality/quality.router';
import { DEFAULT_SOFTPHONE_SETTINGS, SoftphoneService } from '@server/modules/softphone/softphone.service';
import { settingsRouter } from '@server/modules/settings/settings.router';
import { softphoneRouter } from '@server/modules/softphone/softphone.router';
import { tasksRouter } from '@server/modules/tasks/tasks.router';
import { teamsRouter } from '@server/modules/teams/teams.router';
import { campaignsRouter } from '@server/modules/campaigns/campaigns.router';
import { timelineRouter } from '@server/modules/timeline/timeline.router';
import { usersRouter } from '@server/modules/users/users.router';
import { supervisionRouter } from '@server/modules/supervision/supervision.router';
import { wallboardRouter } from '@server/modules/wallboard/wallboard.router';
import { type AppServices, type ServicesConfig } from '@server/services';

export type { AppServices } from '@server/services';

export type AppConfig = ServicesConfig &
  Pick<Config, 'loginRateLimit'> &
  /** Absent in most tests: no public host besides loopback, no proxy trusted, no /metrics on the app port. */
  Partial<Pick<Config, 'publicUrl' | 'trustProxy' | 'metricsToken'>> &
  /** `demo` telephony: the session and the softphone say the calls are demo calls. */
  Partial<Pick<Config, 'telephony'>>;

export interface AppDeps {
  config: AppConfig;
  services: AppServices;
  logger: Logger;
  /** Built client (vite output); served with SPA fallback when the directory exists. */
  clientDir?: string;
  /** Shared secret of `GET /api/routing/owner` (ROUTING_TOKEN); absent → that lookup answers 401. */
  routingToken?: string;
  /** With Redis the login throttle counts across web nodes. */
  redis?: Redis | null;
}

export const JSON_BODY_LIMIT = '100kb';

/** Express app factory over the node's services; it never listens (composeNode owns the http.Server). */
export function createApp(deps: AppDeps): Express {
  const { config, services, logger } = deps;

  const app = express();
  app.disable('x-powered-by');
  // X-Forwarded-For decides req.ip (login throttle, audit) only from the proxies TRUST_PROXY names.
  app.set('trust proxy', config.trustProxy ?? false);
  app.set('query parser', 'simple');
  const demoCalls = config.telephony?.provider === 'demo';
  const softphone = { ...(config.softphone ?? DEFAULT_SOFTPHONE_SETTINGS), demo: demoCalls };
  app.use(securityHeaders({ nodeEnv: config.nodeEnv, publicUrl: config.publicUrl, softphoneWsUrl: softphone.wsUrl }));
  app.use(healthRouter(services.health, config.metricsToken));
  const hosts = hostGuard(trustedHosts(config));

  const api = express.Router();
  api.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  api.use(express.json({ limit: JSON_BODY_LIMIT, strict: true }));
  api.use(rejectNulCharacters);
  // Before the session and CSRF guards: the dialplan authenticates with a token, and the lookup is a GET.
  api.use('/routing', routingRouter(services.routing, deps.routingToken));
  api.use('/routing', dialPolicyPbxRouter(services.dialPolicy, deps.routingToken));
  // After the routing lookup: the PBX calls it by an internal address, with a token instead of a cookie.
  api.use(hosts);
  api.use(openApiRouter(openApiDocument()));
  // Websites post here cross-origin and without a session: before the token, CSRF and session guards.
  api.use('/public/forms', publicFormsRouter(services.webForms, config, deps.redis));
  // A request with `Authorization: Bearer zv_…` acts as the token's owner; the cookie and CSRF rules are for the rest.
  api.use(bearerTokenAuth(services.apiTokens));
  api.use(unlessTokenRequest(csrfGuard));
  api.use(unlessTokenRequest(sessionMiddleware(services.auth)));
  api.use(tokenScopeGuard(API_ROUTES));
  api.use('/auth', authRouter(services.auth, { ...config, demoCalls }, deps.redis));
  api.use(requireAuth);
  api.use('/users', usersRouter(services.users, services.auth));
  api.use('/teams', teamsRouter(services.teams));
  // Before '/contacts' so 'export' is never read as a contact id.
  api.use('/contacts/export', contactsExportRouter(services.contactsExport));
  api.use('/imports', importsRouter(services.imports));
  api.use('/contacts', contactMergeRouter(services.contacts, services.contactMerge));
  api.use('/contacts', contactsRouter(services.contacts));
  api.use('/companies', companiesRouter(services.companies));
  api.use('/leads', leadsRouter(services.leads, services.leadConversion));
  api.use('/deals', dealsRouter(services.deals));
  api.use('/products', productsRouter(services.products));
  api.use('/tasks', tasksRouter(services.tasks));
  api.use('/notes', notesRouter(services.notes));
  // Before any `/calls/:id` route, so `active` and `dial-check` are never read as an id.
  api.use('/calls', liveCallsRouter(services.liveCalls));
  api.use('/calls', dialCheckRouter(services.dialPolicy));
  api.use('/blocked-numbers', blockedNumbersRouter(services.dialPolicy));
  api.use('/calls', supervisionRouter(services.supervision));
  api.use('/agents', agentsRouter(services.agents));
  api.use('/wallboard', wallboardRouter(services.wallboard, services.teamScope));
  api.use('/calls', callsRouter(services.calls, services.callContact));
  api.use('/recordings', recordingsRouter(services.recordings));
  api.use('/reviews', reviewsRouter(services.quality));
  api.use('/calls', callReviewRouter(services.quality));
  api.use('/softphone', softphoneRouter(new SoftphoneService(softphone, services.sipSecrets)));
  api.use('/tokens', apiTokensRouter(services.apiTokens));
  api.use('/webhooks', webhooksRouter(services.webhooks));
  api.use('/forms', webFormsRouter(services.webForms));
  api.use('/business-hours', businessHoursRouter(services.businessHours));
  api.use('/analytics', analyticsRolesRouter(services.analyticsRoles));
  api.use('/analytics', slaAlertsRouter(services.slaAlerts));
  api.use('/campaigns', campaignsRouter(services.campaigns));
  api.use('/analytics', analyticsRouter(services.analytics, services.pipelines));
  api.use('/settings', settingsRouter(services.settings));
  api.use('/audit', auditRouter(services.auditViewer));
  api.use('/custom-fields', customFieldsRouter(services.customFields));
  api.use('/pipelines', pipelinesRouter(services.pipelines));
  api.use('/timeline', timelineRouter(services.timeline));
  api.use('/search', searchRouter(services.search));
  api.use('/notifications', notificationsRouter(services.notifications));
  api.use(notFoundRoute);
  app.use('/api', api);
  app.use(hosts);

  if (deps.clientDir && fs.existsSync(path.join(deps.clientDir, 'index.html'))) {
    const clientDir = deps.clientDir;
    app.use(express.static(clientDir, { index: false, maxAge: '1h' }));
    app.get(/^(?!\/(api|socket\.io)\/).*/, (_req, res) => {
      res.sendFile(path.join(clientDir, 'index.html'));
    });
  }

  app.use(errorMiddleware(logger));
  return app;
}
