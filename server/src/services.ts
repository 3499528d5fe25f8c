import { hostname } from 'node:os';
import path from 'node:path';

import { type Redis } from 'ioredis';
import { type DataSource } from 'typeorm';

import { type TelephonyProvider } from '@telephony';
import { type CompanySettings, DEFAULT_TIME_ZONE } from '@contracts/dto/settings';
import { type Config } from '@server/config/env';
import { fanOut } from '@server/common/events/domain-events';
import { type Logger } from '@server/common/logger/logger';
import { JobQueue } from '@server/common/jobs/job-queue';
import { AgentsRepository } from '@server/modules/agents/agents.repository';
import { AgentsService } from '@server/modules/agents/agents.service';
import { NO_REALTIME, type RealtimeSink } from '@server/common/realtime/realtime-sink';
import { AnalyticsService } from '@server/modules/analytics/analytics.service';
import { AnalyticsRollupsService } from '@server/modules/analytics/analytics-rollups.service';
import { AnalyticsRolesService } from '@server/modules/analytics/analytics-roles.service';
import { SlaAlertsRepository } from '@server/modules/analytics/sla-alerts.repository';
import { SlaAlertsService } from '@server/modules/analytics/sla-alerts.service';
import { ApiTokensService } from '@server/modules/api-tokens/api-tokens.service';
import { AuditService } from '@server/modules/audit/audit.service';
import { AuditViewerService } from '@server/modules/audit/audit-viewer.service';
import { AuthService } from '@server/modules/auth/auth.service';
import { BusinessHoursService } from '@server/modules/call-me-back/business-hours.service';
import { CallMeBackService } from '@server/modules/call-me-back/call-me-back.service';
import { CallbacksService } from '@server/modules/callbacks/callbacks.service';
import { CallsService } from '@server/modules/calls/calls.service';
import { CallCardReadModel } from '@server/modules/calls/call-card.read-model';
import { CallContactService } from '@server/modules/calls/call-contact.service';
import { ChangeCache } from '@server/common/cache/change-cache';
import { LiveCallsService } from '@server/modules/calls/live-calls.service';
import { CompaniesService } from '@server/modules/companies/companies.service';
import { ProductsService } from '@server/modules/products/products.service';
import { ContactMerge } from '@server/modules/contacts/contact-merge.service';
import { ContactsService } from '@server/modules/contacts/contacts.service';
import { CustomFieldsService } from '@server/modules/custom-fields/custom-fields.service';
import { DealsService } from '@server/modules/deals/deals.service';
import { PipelinesService } from '@server/modules/pipelines/pipelines.service';
import { DialPolicyService } from '@server/modules/dial-policy/dial-policy.service';
import { HealthService } from '@server/modules/health/health.service';
import { ContactsExporter } from '@server/modules/imports/contacts-export';
import { ImportsService } from '@server/modules/imports/imports.service';
import { LeadConversion } from '@server/modules/leads/lead-conversion.service';
import { LeadsService } from '@server/modules/leads/leads.service';
import { NotesService } from '@server/modules/notes/notes.service';
import { NotificationsRepository } from '@server/modules/notifications/notifications.repository';
import { NotificationsService } from '@server/modules/notifications/notifications.service';
import { RecipientsReadModel } from '@server/modules/notifications/recipients.read-model';
import { Reassigner, type ReassignmentListener } from '@server/modules/ownership/ownership.service';
import { QualityService } from '@server/modules/quality/quality.service';
import { RecordingsService } from '@server/modules/recordings/recordings.service';
import { RoutingService } from '@server/modules/routing/routing.service';
import { SearchService } from '@server/modules/search/search.service';
import { SipProvisioner } from '@server/modules/sip-secrets/sip-provisioner.service';
import { type SipSecretsService } from '@server/modules/sip-secrets/sip-secrets.service';
import { SettingsService } from '@server/modules/settings/settings.service';
import { SupervisionService } from '@server/modules/supervision/supervision.service';
import { TasksService } from '@server/modules/tasks/tasks.service';
import { TeamScopeReadModel } from '@server/modules/teams/team-scope.read-model';
import { CampaignDialer } from '@server/modules/campaigns/campaign-dialer';
import { CampaignSourcesReadModel } from '@server/modules/campaigns/campaign-sources.read-model';
import { CampaignStatsReadModel } from '@server/modules/campaigns/campaign-stats.read-model';
import { CampaignsRepository } from '@server/modules/campaigns/campaigns.repository';
import { CampaignsService } from '@server/modules/campaigns/campaigns.service';
import { TeamsService } from '@server/modules/teams/teams.service';
import { TimelineReadModel } from '@server/modules/timeline/timeline.read-model';
import { TimelineService } from '@server/modules/timeline/timeline.service';
import { HoldingsReadModel } from '@server/modules/users/holdings.read-model';
import { UsersRepository } from '@server/modules/users/users.repository';
import { UsersService } from '@server/modules/users/users.service';
import { WallboardRepository } from '@server/modules/wallboard/wallboard.repository';
import { WallboardService } from '@server/modules/wallboard/wallboard.service';
import { WebFormsRepository } from '@server/modules/web-forms/web-forms.repository';
import { WebFormsService } from '@server/modules/web-forms/web-forms.service';
import { createWebhooks, type Webhooks } from '@server/modules/webhooks/webhooks.runtime';
import { type SecretBox, type WebhooksService } from '@server/modules/webhooks/webhooks.service';
import { type WebhookDispatcher } from '@server/modules/webhooks/webhook-dispatcher';

/** What the services read of the configuration. */
export type ServicesConfig = Pick<
  Config,
  | 'nodeEnv'
  | 'sessionTtlHours'
  | 'defaultCountry'
  | 'loginRateLimit'
  | 'trustedOrigins'
  | 'callbacks'
  | 'webhooks'
  | 'webForms'
> &
  Partial<
    Pick<
      Config,
      | 'wrapUpSeconds'
      | 'softphone'
      | 'recordingsStoreDir'
      | 'recordingRetentionDays'
      | 'callRetentionMonths'
      | 'publicUrl'
      | 'campaigns'
    >
  >;

/** The settings before an admin saved any: what the environment says. */
export const settingsDefaults = (config: ServicesConfig): CompanySettings => ({
  timeZone: DEFAULT_TIME_ZONE,
  defaultCountry: config.defaultCountry,
  recordingRetentionDays: config.recordingRetentionDays ?? 0,
  callRetentionMonths: config.callRetentionMonths ?? 0,
  wrapUpSeconds: config.wrapUpSeconds ?? 0,
  callbackEscalateMinutes: config.callbacks.escalateMinutes,
});

/** The services of one node, built once by composeNode and shared by the routes, realtime and the call pipeline. */
export interface AppServices {
  audit: AuditService;
  auth: AuthService;
  users: UsersService;
  contacts: ContactsService;
  companies: CompaniesService;
  leads: LeadsService;
  deals: DealsService;
  products: ProductsService;
  tasks: TasksService;
  notes: NotesService;
  routing: RoutingService;
  liveCalls: LiveCallsService;
  agents: AgentsService;
  wallboard: WallboardService;
  supervision: SupervisionService;
  calls: CallsService;
  callContact: CallContactService;
  recordings: RecordingsService;
  analytics: AnalyticsService;
  analyticsRollups: AnalyticsRollupsService;
  analyticsRoles: AnalyticsRolesService;
  slaAlerts: SlaAlertsService;
  callbacks: CallbacksService;
  imports: ImportsService;
  contactsExport: ContactsExporter;
  quality: QualityService;
  health: HealthService;
  sipSecrets: SipSecretsService;
  apiTokens: ApiTokensService;
  webhooks: WebhooksService;
  /** Where call events, recordings and CRM changes are handed to webhooks (enqueued, nothing more). */
  webhookEvents: WebhookDispatcher;
  businessHours: BusinessHoursService;
  callMeBack: CallMeBackService;
  webForms: WebFormsService;
  settings: SettingsService;
  teams: TeamsService;
  teamScope: TeamScopeReadModel;
  auditViewer: AuditViewerService;
  customFields: CustomFieldsService;
  pipelines: PipelinesService;
  timeline: TimelineService;
  search: SearchService;
  dialPolicy: DialPolicyService;
  leadConversion: LeadConversion;
  notifications: NotificationsService;
  contactMerge: ContactMerge;
  campaigns: CampaignsService;
  /** Dials progressive campaigns (composeNode starts it) and settles every campaign call's outcome. */
  campaignDialer: CampaignDialer;
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
  /** Told of every reassignment besides the new owner's `record:reassigned` push (notifications). */
  reassignmentListeners?: ReassignmentListener[];
  /** Seals webhook signing secrets (with the key of the SIP secrets). */
  secretBox: SecretBox;
  /** The active user behind an extension, cached (the card read model's); absent → users' lookup each time. */
  userByExtension?: (extension: string) => Promise<{ id: string } | null>;
  /** The pipeline's card read model (its cache); absent → one that caches nothing (a cache that is never live). */
  cards?: CallCardReadModel;
  /** This node's name in what it writes for other nodes to see (a campaign attempt's dialler). */
  nodeId?: string;
  /** The campaign dialer's clock (the callee's local window, retry due times); tests inject one. */
  clock?: () => Date;
}

/** What runs beside the requests: the job queue and the webhook workers (composeNode starts and stops them). */
export interface Background {
  jobs: JobQueue;
  webhooks: Webhooks;
}

/** Builds every service in dependency order; realtime reaches the services that push through their constructors. */
export function createServices(deps: ServicesDeps): {
  services: AppServices;
  realtime: RealtimeSink;
  background: Background;
} {
  const { config, dataSource, logger } = deps;
  const telephony = deps.telephony ?? null;
  const audit = new AuditService(dataSource);
  const settings = new SettingsService(dataSource, settingsDefaults(config), { audit, logger });
  // Read when used, so a setting saved on any node applies without a restart.
  const country = () => settings.current().defaultCountry;
  const usersRepo = new UsersRepository(dataSource);
  const teamScope = new TeamScopeReadModel(dataSource);
  const teams = new TeamsService(dataSource, audit);
  const auth = new AuthService(dataSource, usersRepo, config.sessionTtlHours, audit, (id) => teamScope.scopeOf(id));
  const liveCalls = new LiveCallsService(dataSource);
  const realtime = deps.realtime?.({ auth, liveCalls }) ?? NO_REALTIME;
  const { sipSecrets } = deps;
  const agents = new AgentsService(new AgentsRepository(dataSource), audit, {
    telephony,
    wrapUpSeconds: () => settings.current().wrapUpSeconds,
    logger,
    realtime,
    userByExtension: deps.userByExtension ?? ((extension) => usersRepo.findByExtension(extension)),
  });
  const notifications = new NotificationsService({
    repo: new NotificationsRepository(dataSource),
    recipients: new RecipientsReadModel(dataSource),
    realtime,
    logger: logger.child({ module: 'notifications' }),
  });
  // The new owner hears of it at once (and finds it stored); further listeners come through the deps.
  const reassigner = new Reassigner(
    dataSource,
    audit,
    [
      (change) => {
        if (change.toUserId && change.toUserId !== change.byUserId)
          realtime.emitToUser(change.toUserId, 'record:reassigned', change);
      },
      notifications.onReassigned,
      ...(deps.reassignmentListeners ?? []),
    ],
    logger.child({ module: 'ownership' }),
  );
  const jobs = new JobQueue(dataSource, logger.child({ module: 'jobs' }));
  const webhooks = createWebhooks({
    dataSource,
    jobs,
    audit,
    secrets: deps.secretBox,
    config: config.webhooks,
    publicUrl: config.publicUrl,
    // Called at run time only, once `leads` below exists (the leads service itself tells webhooks of its events).
    findLead: (id) => leads.findById(id),
    chosenContact: (callId) => callContact.chosenContact(callId),
    cache: deps.cards?.cache,
    logger: logger.child({ module: 'webhooks' }),
  });
  // The record modules tell webhooks and notifications of the same events.
  const events = fanOut(webhooks.dispatcher, notifications);
  // The record modules purge a removed field's values; they are built just below (called only later).
  const fields: CustomFieldsService = new CustomFieldsService(dataSource, country, {
    audit,
    owners: {
      contact: (key) => contacts.dropCustomKey(key),
      company: (key) => companies.dropCustomKey(key),
      lead: (key) => leads.dropCustomKey(key),
      deal: (key) => deals.dropCustomKey(key),
    },
  });
  const pipelines = new PipelinesService(dataSource, audit);
  const contacts = new ContactsService(dataSource, country, audit, reassigner, fields, events);
  const companies = new CompaniesService(dataSource, country, audit, reassigner, fields);
  const leads = new LeadsService(dataSource, country, audit, reassigner, fields, events);
  const imports = new ImportsService(dataSource, contacts, country, logger, fields);
  const products = new ProductsService(dataSource, audit, imports);
  const deals = new DealsService(dataSource, audit, reassigner, { pipelines, fields, products }, events);
  const tasks = new TasksService(dataSource, reassigner, events);
  const routing = new RoutingService(dataSource, country);
  const dialPolicy = new DialPolicyService({
    dataSource,
    defaultCountry: country,
    audit,
    contacts,
    logger: logger.child({ module: 'dial-policy' }),
  });
  const notes = new NotesService(dataSource);
  const callbacks = new CallbacksService({
    dataSource,
    routing,
    tasks,
    audit,
    config: {
      dueMinutes: config.callbacks.dueMinutes,
      get escalateMinutes() {
        return settings.current().callbackEscalateMinutes;
      },
    },
    logger: logger.child({ module: 'callbacks' }),
    notifier: realtime,
    events,
  });
  const businessHours = new BusinessHoursService(dataSource, audit);
  const callMeBack = new CallMeBackService({
    dataSource,
    hours: businessHours,
    callbacks,
    telephony,
    logger: logger.child({ module: 'call-me-back' }),
  });
  const analyticsRollups = new AnalyticsRollupsService(dataSource, { logger: logger.child({ module: 'rollups' }) });
  const calls = new CallsService(dataSource, country, audit, telephony, dialPolicy, teamScope, (startedAt) =>
    analyticsRollups.touch([startedAt]),
  );
  const callContact = new CallContactService(
    dataSource,
    deps.cards ?? new CallCardReadModel(dataSource, new ChangeCache(), usersRepo),
    audit,
  );
  const webForms = new WebFormsService({
    repo: new WebFormsRepository(dataSource),
    contacts,
    leads,
    notes,
    callMeBack,
    realtime,
    audit,
    defaultCountry: country,
    logger: logger.child({ module: 'web-forms' }),
  });
  const contactMerge = new ContactMerge({
    dataSource,
    contacts,
    audit,
    owners: {
      calls: calls.contactRefs,
      deals: deals.contactRefs,
      tasks: tasks.contactRefs,
      notes: notes.contactRefs,
      leads: leads.contactRefs,
      formSubmissions: webForms.contactRefs,
    },
  });
  const campaignsRepo = new CampaignsRepository(dataSource);
  const campaignDialer = new CampaignDialer({
    repo: campaignsRepo,
    dialPolicy,
    agents,
    telephony,
    settings: () => settings.current(),
    logger: logger.child({ module: 'campaigns' }),
    nodeId: deps.nodeId ?? `${hostname()}-${process.pid}`,
    now: deps.clock,
  });
  const services: AppServices = {
    audit,
    auth,
    users: new UsersService(
      usersRepo,
      audit,
      { sessions: auth, sipSecrets, sip: new SipProvisioner(telephony, logger) },
      {
        agents,
        teams,
        holdings: new HoldingsReadModel(dataSource),
        reassign: {
          leads: (from, to) => leads.reassignOpen(from, to),
          tasks: (from, to) => tasks.reassignOpen(from, to),
          deals: (from, to) => deals.reassignOpen(from, to),
          contacts: (from, to) => contacts.reassignOpen(from, to),
          companies: (from, to) => companies.reassignOpen(from, to),
        },
        endpointExists: telephony?.endpointExists ? (ext) => telephony.endpointExists!(ext) : undefined,
        logger,
      },
    ),
    teams,
    teamScope,
    auditViewer: new AuditViewerService(dataSource),
    customFields: fields,
    pipelines,
    contacts,
    companies,
    leads,
    deals,
    tasks,
    notes,
    routing,
    liveCalls,
    agents,
    wallboard: new WallboardService(new WallboardRepository(dataSource), agents, liveCalls, {
      logger,
      telephony,
      realtime,
      timeZone: () => settings.current().timeZone,
    }),
    supervision: new SupervisionService(dataSource, audit, telephony, logger),
    calls,
    callContact,
    recordings: new RecordingsService(
      dataSource,
      config.recordingsStoreDir ?? path.resolve('data/recordings-store'),
      audit,
    ),
    analytics: new AnalyticsService(dataSource, audit, teamScope, analyticsRollups),
    analyticsRollups,
    analyticsRoles: new AnalyticsRolesService(dataSource, audit, teamScope),
    // Reads the wallboard's live state when it evaluates (after this object exists).
    slaAlerts: new SlaAlertsService(
      new SlaAlertsRepository(dataSource),
      { snapshot: (now) => services.wallboard.snapshot(now) },
      { logger: logger.child({ module: 'sla-alerts' }), realtime, audit },
    ),
    callbacks,
    imports,
    products,
    contactsExport: new ContactsExporter(dataSource, contacts, fields),
    quality: new QualityService(dataSource, audit),
    health: new HealthService({ dataSource, redis: deps.redis, telephony }),
    sipSecrets,
    settings,
    timeline: new TimelineService(new TimelineReadModel(dataSource)),
    search: new SearchService(dataSource, country),
    dialPolicy,
    leadConversion: new LeadConversion({ dataSource, leads, contacts, deals, audit }),
    notifications,
    campaignDialer,
    campaigns: new CampaignsService({
      repo: campaignsRepo,
      sources: new CampaignSourcesReadModel(dataSource),
      stats: new CampaignStatsReadModel(dataSource),
      dialer: campaignDialer,
      audit,
      callerIds: config.campaigns?.callerIds ?? [],
      defaultCountry: country,
    }),
    apiTokens: new ApiTokensService(dataSource, usersRepo, audit, (id) => teamScope.scopeOf(id)),
    webhooks: webhooks.service,
    webhookEvents: webhooks.dispatcher,
    businessHours,
    callMeBack,
    webForms,
    contactMerge,
  };
  return { services, realtime, background: { jobs, webhooks } };
}
