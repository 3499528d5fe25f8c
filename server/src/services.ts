import path from 'node:path';

import { type Redis } from 'ioredis';
import { type DataSource } from 'typeorm';

import { type TelephonyProvider } from '@telephony';
import { type Config } from '@server/config/env';
import { type Logger } from '@server/common/logger/logger';
import { AgentsRepository } from '@server/modules/agents/agents.repository';
import { AgentsService } from '@server/modules/agents/agents.service';
import { NO_REALTIME, type RealtimeSink } from '@server/modules/agents/realtime-sink';
import { AnalyticsService } from '@server/modules/analytics/analytics.service';
import { AuditService } from '@server/modules/audit/audit.service';
import { AuthService } from '@server/modules/auth/auth.service';
import { CallbacksService } from '@server/modules/callbacks/callbacks.service';
import { CallsService } from '@server/modules/calls/calls.service';
import { LiveCallsService } from '@server/modules/calls/live-calls.service';
import { CompaniesService } from '@server/modules/companies/companies.service';
import { ContactsService } from '@server/modules/contacts/contacts.service';
import { DealsService } from '@server/modules/deals/deals.service';
import { DialPolicyService } from '@server/modules/dial-policy/dial-policy.service';
import { HealthService } from '@server/modules/health/health.service';
import { ContactsExporter } from '@server/modules/imports/contacts-export';
import { ImportsService } from '@server/modules/imports/imports.service';
import { LeadsService } from '@server/modules/leads/leads.service';
import { NotesService } from '@server/modules/notes/notes.service';
import { QualityService } from '@server/modules/quality/quality.service';
import { RecordingsService } from '@server/modules/recordings/recordings.service';
import { RoutingService } from '@server/modules/routing/routing.service';
import { SipProvisioner } from '@server/modules/sip-secrets/sip-provisioner';
import { type SipSecretsService } from '@server/modules/sip-secrets/sip-secrets.service';
import { SupervisionService } from '@server/modules/supervision/supervision.service';
import { TasksService } from '@server/modules/tasks/tasks.service';
import { UsersRepository } from '@server/modules/users/users.repository';
import { UsersService } from '@server/modules/users/users.service';
import { WallboardRepository } from '@server/modules/wallboard/wallboard.repository';
import { WallboardService } from '@server/modules/wallboard/wallboard.service';

/** What the services read of the configuration. */
export type ServicesConfig = Pick<
  Config,
  'nodeEnv' | 'sessionTtlHours' | 'defaultCountry' | 'loginRateLimit' | 'trustedOrigins' | 'callbacks'
> &
  Partial<Pick<Config, 'wrapUpSeconds' | 'softphone' | 'recordingsStoreDir'>>;

/** The services of one node, built once by composeNode and shared by the routes, realtime and the call pipeline. */
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
  callbacks: CallbacksService;
  imports: ImportsService;
  contactsExport: ContactsExporter;
  quality: QualityService;
  health: HealthService;
  sipSecrets: SipSecretsService;
  dialPolicy: DialPolicyService;
}

export interface ServicesDeps {
  config: ServicesConfig;
  dataSource: DataSource;
  logger: Logger;
  /** The telephony adapter for actions (click-to-call, pause, spy); null when telephony is off. */
  telephony?: TelephonyProvider | null;
  redis?: Redis | null;
  /** The users' SIP secrets; built before the services because the telephony adapter provisions them too. */
  sipSecrets: SipSecretsService;
  /**
   * Socket.IO, built from the two services it needs itself (sessions for the handshake, live calls for a resync);
   * absent → pushes go nowhere and REST stays the source of truth.
   */
  realtime?: (core: Pick<AppServices, 'auth' | 'liveCalls'>) => RealtimeSink;
}

/** Builds every service in dependency order; realtime reaches the services that push through their constructors. */
export function createServices(deps: ServicesDeps): { services: AppServices; realtime: RealtimeSink } {
  const { config, dataSource, logger } = deps;
  const telephony = deps.telephony ?? null;
  const audit = new AuditService(dataSource);
  const usersRepo = new UsersRepository(dataSource);
  const auth = new AuthService(dataSource, usersRepo, config.sessionTtlHours, audit);
  const liveCalls = new LiveCallsService(dataSource);
  const realtime = deps.realtime?.({ auth, liveCalls }) ?? NO_REALTIME;
  const { sipSecrets } = deps;
  const agents = new AgentsService(new AgentsRepository(dataSource), audit, {
    telephony,
    wrapUpSeconds: config.wrapUpSeconds ?? 0,
    logger,
    realtime,
  });
  const contacts = new ContactsService(dataSource, config.defaultCountry, audit);
  const routing = new RoutingService(dataSource, config.defaultCountry);
  const dialPolicy = new DialPolicyService({
    dataSource,
    defaultCountry: config.defaultCountry,
    audit,
    contacts,
    logger: logger.child({ module: 'dial-policy' }),
  });
  const services: AppServices = {
    audit,
    auth,
    users: new UsersService(usersRepo, audit, {
      sessions: auth,
      sipSecrets,
      sip: new SipProvisioner(telephony, logger),
    }),
    contacts,
    companies: new CompaniesService(dataSource, config.defaultCountry, audit),
    leads: new LeadsService(dataSource, config.defaultCountry, audit),
    deals: new DealsService(dataSource, audit),
    tasks: new TasksService(dataSource),
    notes: new NotesService(dataSource),
    routing,
    liveCalls,
    agents,
    wallboard: new WallboardService(new WallboardRepository(dataSource), agents, liveCalls, {
      logger,
      telephony,
      realtime,
    }),
    supervision: new SupervisionService(dataSource, audit, telephony, logger),
    calls: new CallsService(dataSource, config.defaultCountry, audit, telephony, dialPolicy),
    recordings: new RecordingsService(
      dataSource,
      config.recordingsStoreDir ?? path.resolve('data/recordings-store'),
      audit,
    ),
    analytics: new AnalyticsService(dataSource, audit),
    callbacks: new CallbacksService({
      dataSource,
      routing,
      config: config.callbacks,
      logger: logger.child({ module: 'callbacks' }),
      notifier: realtime,
    }),
    imports: new ImportsService(dataSource, contacts, config.defaultCountry, logger),
    contactsExport: new ContactsExporter(dataSource, contacts),
    quality: new QualityService(dataSource, audit),
    health: new HealthService({ dataSource, redis: deps.redis, telephony }),
    sipSecrets,
    dialPolicy,
  };
  return { services, realtime };
}
