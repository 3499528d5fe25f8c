import fs from 'node:fs';
import path from 'node:path';

import express, { type Express } from 'express';
import { type Redis } from 'ioredis';
import { type DataSource } from 'typeorm';

import { type TelephonyProvider } from '@telephony';

import { type Config } from '@server/config/env';
import { errorMiddleware, notFoundRoute } from '@server/common/errors/error-middleware';
import { rejectNulCharacters } from '@server/common/http/reject-nul';
import { securityHeaders } from '@server/common/http/security-headers';
import { hostGuard, trustedHosts } from '@server/common/http/trusted-hosts';
import { type Logger } from '@server/common/logger/logger';
import { AgentsRepository } from '@server/modules/agents/agents.repository';
import { agentsRouter } from '@server/modules/agents/agents.router';
import { AgentsService } from '@server/modules/agents/agents.service';
import { analyticsRouter } from '@server/modules/analytics/analytics.router';
import { AnalyticsService } from '@server/modules/analytics/analytics.service';
import { AuditService } from '@server/modules/audit/audit.service';
import { callsRouter } from '@server/modules/calls/calls.router';
import { CallsService } from '@server/modules/calls/calls.service';
import { liveCallsRouter } from '@server/modules/calls/live-calls.router';
import { LiveCallsService } from '@server/modules/calls/live-calls.service';
import { csrfGuard, requireAuth, sessionMiddleware } from '@server/modules/auth/auth.middleware';
import { authRouter } from '@server/modules/auth/auth.router';
import { AuthService } from '@server/modules/auth/auth.service';
import { companiesRouter } from '@server/modules/companies/companies.router';
import { CompaniesService } from '@server/modules/companies/companies.service';
import { contactsRouter } from '@server/modules/contacts/contacts.router';
import { ContactsService } from '@server/modules/contacts/contacts.service';
import { ContactsExporter } from '@server/modules/imports/contacts-export';
import { contactsExportRouter, importsRouter } from '@server/modules/imports/imports.router';
import { ImportsService } from '@server/modules/imports/imports.service';
import { dealsRouter } from '@server/modules/deals/deals.router';
import { healthRouter } from '@server/modules/health/health.router';
import { HealthService } from '@server/modules/health/health.service';
import { DealsService } from '@server/modules/deals/deals.service';
import { leadsRouter } from '@server/modules/leads/leads.router';
import { LeadsService } from '@server/modules/leads/leads.service';
import { notesRouter } from '@server/modules/notes/notes.router';
import { NotesService } from '@server/modules/notes/notes.service';
import { routingRouter } from '@server/modules/routing/routing.router';
import { RoutingService } from '@server/modules/routing/routing.service';
import { recordingsRouter } from '@server/modules/recordings/recordings.router';
import { RecordingsService } from '@server/modules/recordings/recordings.service';
import { callReviewRouter, reviewsRouter } from '@server/modules/quality/quality.router';
import { QualityService } from '@server/modules/quality/quality.service';
import { SipSecretCipher } from '@server/modules/sip-secrets/sip-secret-cipher';
import { SipProvisioner } from '@server/modules/sip-secrets/sip-provisioner';
import { SipSecretsService } from '@server/modules/sip-secrets/sip-secrets.service';
import { DEFAULT_SOFTPHONE_SETTINGS, SoftphoneService } from '@server/modules/softphone/softphone.service';
import { softphoneRouter } from '@server/modules/softphone/softphone.router';
import { tasksRouter } from '@server/modules/tasks/tasks.router';
import { TasksService } from '@server/modules/tasks/tasks.service';
import { UsersRepository } from '@server/modules/users/users.repository';
import { usersRouter } from '@server/modules/users/users.router';
import { UsersService } from '@server/modules/users/users.service';
import { supervisionRouter } from '@server/modules/supervision/supervision.router';
import { SupervisionService } from '@server/modules/supervision/supervision.service';
import { WallboardRepository } from '@server/modules/wallboard/wallboard.repository';
import { wallboardRouter } from '@server/modules/wallboard/wallboard.router';
import { WallboardService } from '@server/modules/wallboard/wallboard.service';

export type AppConfig = Pick<
  Config,
  'nodeEnv' | 'sessionTtlHours' | 'defaultCountry' | 'loginRateLimit' | 'trustedOrigins'
> &
  Partial<Pick<Config, 'wrapUpSeconds'>> &
  Partial<Pick<Config, 'softphone'>> &
  /** Absent in most tests: no public host besides loopback, no proxy trusted, no /metrics on the app port. */
  Partial<Pick<Config, 'publicUrl' | 'trustProxy' | 'metricsToken'>> &
  /** The key SIP secrets are sealed with: SIP_SECRETS_KEY, or main.ts's key file. */
  { sipSecretsKey: Buffer } &
  /** Absent in tests that never play audio: the quick start's `./data/recordings-store`. */
  Partial<Pick<Config, 'recordingsStoreDir'>>;

export interface AppDeps {
  config: AppConfig;
  dataSource: DataSource;
  logger: Logger;
  /** Built client (vite output); served with SPA fallback when the directory exists. */
  clientDir?: string;
  /** The telephony adapter for actions (click-to-call, pause, spy); null or absent when telephony is off. */
  telephony?: TelephonyProvider | null;
  /** Redis client, when REDIS_URL is set: `/readyz` reports it. */
  redis?: Redis | null;
  /** Shared secret of `GET /api/routing/owner` (ROUTING_TOKEN); absent → that lookup answers 401. */
  routingToken?: string;
}

/** Services other parts of the server (realtime, telephony pipeline) reuse instead of building their own. */
export interface AppServices {
  audit: AuditService;
  auth: AuthService;
  users: UsersService;
  contacts: ContactsService;
  companies: CompaniesService;
  leads: LeadsService;
  deals: DealsService;
  tasks: TasksService;
  notes: NotesService;
  routing: RoutingService;
  liveCalls: LiveCallsService;
  agents: AgentsService;
  wallboard: WallboardService;
  supervision: SupervisionService;
  calls: CallsService;
  recordings: RecordingsService;
  analytics: AnalyticsService;
  sipSecrets: SipSecretsService;
}

export interface App {
  app: Express;
  services: AppServices;
}

export const JSON_BODY_LIMIT = '100kb';

/** Express app factory; it never listens — main.ts (or a test) owns the http.Server. */
export function createApp(deps: AppDeps): App {
  const { config, dataSource, logger } = deps;
  const usersRepo = new UsersRepository(dataSource);
  const audit = new AuditService(dataSource);
  const telephony = deps.telephony ?? null;
  const agents = new AgentsService(new AgentsRepository(dataSource), audit, {
    telephony,
    wrapUpSeconds: config.wrapUpSeconds ?? 0,
    logger,
  });
  const auth = new AuthService(dataSource, usersRepo, config.sessionTtlHours, audit);
  const sipSecrets = new SipSecretsService(dataSource, new SipSecretCipher(config.sipSecretsKey), logger);
  const services: AppServices = {
    audit,
    auth,
    users: new UsersService(usersRepo, audit, {
      sessions: auth,
      sipSecrets,
      sip: new SipProvisioner(telephony, logger),
    }),
    contacts: new ContactsService(dataSource, config.defaultCountry, audit),
    companies: new CompaniesService(dataSource, config.defaultCountry, audit),
    leads: new LeadsService(dataSource, config.defaultCountry, audit),
    deals: new DealsService(dataSource, audit),
    tasks: new TasksService(dataSource),
    notes: new NotesService(dataSource),
    routing: new RoutingService(dataSource, config.defaultCountry),
    liveCalls: new LiveCallsService(dataSource),
    agents,
    wallboard: new WallboardService(new WallboardRepository(dataSource), agents, new LiveCallsService(dataSource), {
      logger,
      telephony,
    }),
    supervision: new SupervisionService(dataSource, audit, telephony, logger),
    calls: new CallsService(dataSource, config.defaultCountry, audit, deps.telephony ?? null),
    recordings: new RecordingsService(
      dataSource,
      config.recordingsStoreDir ?? path.resolve('data/recordings-store'),
      audit,
    ),
    analytics: new AnalyticsService(dataSource, audit),
    sipSecrets,
  };

  const app = express();
  app.disable('x-powered-by');
  // X-Forwarded-For decides req.ip (login throttle, audit) only from the proxies TRUST_PROXY names.
  app.set('trust proxy', config.trustProxy ?? false);
  app.set('query parser', 'simple');
  const softphoneWsUrl = (config.softphone ?? DEFAULT_SOFTPHONE_SETTINGS).wsUrl;
  app.use(securityHeaders({ nodeEnv: config.nodeEnv, publicUrl: config.publicUrl, softphoneWsUrl }));
  app.use(
    healthRouter(new HealthService({ dataSource, redis: deps.redis, telephony: deps.telephony }), config.metricsToken),
  );
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
  // After the routing lookup: the PBX calls it by an internal address, with a token instead of a cookie.
  api.use(hosts);
  api.use(csrfGuard);
  api.use(sessionMiddleware(services.auth));
  api.use('/auth', authRouter(services.auth, config, deps.redis));
  api.use(requireAuth);
  api.use('/users', usersRouter(services.users));
  // Before '/contacts' so 'export' is never read as a contact id.
  api.use('/contacts/export', contactsExportRouter(new ContactsExporter(dataSource, services.contacts)));
  api.use('/imports', importsRouter(new ImportsService(dataSource, services.contacts, config.defaultCountry, logger)));
  api.use('/contacts', contactsRouter(services.contacts));
  api.use('/companies', companiesRouter(services.companies));
  api.use('/leads', leadsRouter(services.leads));
  api.use('/deals', dealsRouter(services.deals));
  api.use('/tasks', tasksRouter(services.tasks));
  api.use('/notes', notesRouter(services.notes));
  // Before any `/calls/:id` route, so `active` is never read as an id.
  api.use('/calls', liveCallsRouter(services.liveCalls));
  api.use('/calls', supervisionRouter(services.supervision));
  api.use('/agents', agentsRouter(services.agents));
  api.use('/wallboard', wallboardRouter(services.wallboard));
  api.use('/calls', callsRouter(services.calls));
  api.use('/recordings', recordingsRouter(services.recordings));
  const quality = new QualityService(dataSource, audit);
  api.use('/reviews', reviewsRouter(quality));
  api.use('/calls', callReviewRouter(quality));
  api.use(
    '/softphone',
    softphoneRouter(new SoftphoneService(config.softphone ?? DEFAULT_SOFTPHONE_SETTINGS, sipSecrets)),
  );
  api.use('/analytics', analyticsRouter(services.analytics));
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
  return { app, services };
}
