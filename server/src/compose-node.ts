import http from 'node:http';
import { type AddressInfo } from 'node:net';
import path from 'node:path';

import { type Express } from 'express';
import { type Redis } from 'ioredis';

import { type AgentStateEvent, type CallEvent, type TelephonyEvent, type TelephonyProvider } from '@telephony';
import { createApp } from '@server/app';
import { type CallEventBus } from '@server/common/bus/call-event-bus';
import { MemoryCallBus } from '@server/common/bus/memory-call-bus';
import { RedisCallBus, type RedisCallBusOptions } from '@server/common/bus/redis-call-bus';
import { ChangeCache } from '@server/common/cache/change-cache';
import { connectRedis } from '@server/common/redis/connect-redis';
import { type CallReaction } from '@server/common/calls/call-change';
import { createLogger, type Logger } from '@server/common/logger/logger';
import { type Config } from '@server/config/env';
import { createDatabase, type Database, type Unlisten } from '@server/db/data-source';
import { DEMO_PASSWORD, demoLoginsStillOpen, seedDemo } from '@server/db/seed-demo';
import { seedDemoHistory } from '@server/db/seed-demo-history';
import { trustedHosts } from '@server/common/http/trusted-hosts';
import { startEscalationJob } from '@server/modules/callbacks/callback-escalation.job';
import { CallCardReadModel } from '@server/modules/calls/call-card.read-model';
import { UsersRepository } from '@server/modules/users/users.repository';
import { CallPipeline } from '@server/modules/calls/call-pipeline';
import { CallStore } from '@server/modules/calls/call-store';
import { createLeadOwnerReaction } from '@server/modules/calls/lead-owner.reaction';
import { createCampaignOutcomeReaction } from '@server/modules/campaigns/campaign-outcome.reaction';
import { bindMetricSources } from '@server/modules/health/metric-sources';
import { pipelineBatchRows, pipelineFlushSeconds, popLatencySeconds } from '@server/modules/health/metrics';
import { startMetricsServer } from '@server/modules/health/metrics-server';
import { startTaskReminderJob, type TaskReminderJob } from '@server/modules/tasks/task-reminder.job';
import { loadOrCreateKeyFile, SipSecretCipher } from '@server/common/crypto/sip-secret-cipher';
import { SipSecretsService } from '@server/modules/sip-secrets/sip-secrets.service';
import { createRealtime } from '@server/modules/realtime/realtime.server';
import { type Realtime } from '@server/modules/realtime/realtime.types';
import { type RecordingsRuntime, startRecordings } from '@server/modules/recordings/recordings.runtime';
import { purgeRecordingsOfCalls } from '@server/modules/recordings/recording-retention.job';
import { scheduleCallDataMaintenance } from '@server/modules/calls/call-data.job';
import { createProvider } from '@server/modules/telephony/create-provider';
import { RemoteTelephony } from '@server/modules/telephony/remote-telephony.provider';
import { serveTelephonyCommands } from '@server/modules/telephony/telephony-relay.server';
import { type AppServices, createServices } from '@server/services';
import { sealedSecretBox } from '@server/modules/webhooks/webhooks.service';

/** What a test (or a second process role) may put in place of what the configuration would build. */
export interface NodeOverrides {
  logger?: Logger;
  /** A database to use (and leave open on close); default: the configured one, migrated when embedded. */
  database?: Database;
  /** A Redis client to use (and leave open), or null for none; default: REDIS_URL's. */
  redis?: Redis | null;
  /** The telephony adapter (not started); default: TELEPHONY_PROVIDER's. */
  provider?: TelephonyProvider | null;
  /** Built client to serve; default `dist/client`; null serves none (the API alone). */
  clientDir?: string | null;
  /** False: this node publishes its adapter's events but decides none (an adapter-only process). Default true. */
  consume?: boolean;
  /** Timing and naming of the Redis bus (tests shorten the lease to see a dead node's calls move sooner). */
  bus?: Partial<Pick<RedisCallBusOptions, 'prefix' | 'nodeId' | 'heartbeatMs' | 'leaseMs'>>;
  /** Reactions after the built-in ones (tests observe the pipeline this way). */
  extraReactions?: CallReaction[];
  /** The campaign dialer's clock; default the system's (tests put a callee at 22:30 their time). */
  clock?: () => Date;
}

export interface ZvonokNode {
  config: Config;
  logger: Logger;
  database: Database;
  server: http.Server;
  app: Express;
  services: AppServices;
  realtime: Realtime;
  pipeline: CallPipeline;
  bus: CallEventBus;
  recordings: RecordingsRuntime;
  /** Due reminders of tasks (`task:due` to the assignee). */
  taskReminders: TaskReminderJob;
  /** The call pipeline's card read model and its cache. */
  cards: CallCardReadModel;
  provider: TelephonyProvider | null;
  /** Starts listening (port 0 → any free port); resolves with the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stops taking calls (the events in hand reach the screens first), then closes everything it opened. */
  close(): Promise<void>;
}

/**
 * The composition root: one web node (database, Redis, telephony adapter, services, Socket.IO, the call pipeline,
 * the express app and its jobs) from the configuration. main.ts runs it, and so does every test harness, so the
 * graph under test is the graph that ships.
 */
export async function composeNode(config: Config, overrides: NodeOverrides = {}): Promise<ZvonokNode> {
  const logger = overrides.logger ?? createLogger(config);
  const database = overrides.database ?? (await openDatabase(config, logger));
  const { dataSource } = database;
  const redis =
    overrides.redis !== undefined ? overrides.redis : config.redisUrl ? connectRedis(config.redisUrl) : null;
  const sipSecretsKey = config.sipSecrets.key ?? loadOrCreateKeyFile(path.join(config.dataDir, 'sip-secrets.key'));
  const cipher = new SipSecretCipher(sipSecretsKey);
  const sipSecrets = new SipSecretsService(dataSource, cipher, logger);
  const provider =
    overrides.provider !== undefined
      ? overrides.provider
      : createProvider({ config, dataSource, logger, redis, sipCredentials: () => sipSecrets.credentials() });

  // Before the services: the agents' extension → user lookups share the card read model's cache.
  const cache = new ChangeCache();
  const unlisten: Unlisten = await database.listen(
    'zvonok_cards',
    (scope) => cache.invalidate(scope),
    (up) => cache.setLive(up),
  );
  const cards = new CallCardReadModel(dataSource, cache, new UsersRepository(dataSource));
  // The app is made after Socket.IO (its services push through it), so the server's handler is bound late; engine.io
  // wraps this handler when it attaches, and so keeps its own /socket.io/ requests from ever reaching express.
  let handle: http.RequestListener = (_req, res) => res.writeHead(503).end();
  const server = http.createServer((req, res) => handle(req, res));
  let realtime: Realtime | undefined;
  const { services, background } = createServices({
    config,
    dataSource,
    logger,
    telephony: provider,
    redis,
    sipSecrets,
    userByExtension: (extension) => cards.userByExtension(extension),
    cards,
    secretBox: sealedSecretBox(cipher),
    nodeId: config.pipeline.nodeId,
    clock: overrides.clock,
    realtime: ({ auth, liveCalls }) =>
      (realtime = createRealtime({
        httpServer: server,
        auth,
        liveCalls,
        logger: logger.child({ module: 'realtime' }),
        trustedOrigins: config.trustedOrigins,
        trustedHosts: trustedHosts(config),
        redis: redis ?? undefined,
        sessionRecheckMs: config.sockets.sessionRecheckMs,
        maxSocketsPerSession: config.sockets.perSession,
      })),
  });
  const io = realtime!;
  const app = createApp({
    config,
    services,
    logger,
    clientDir: overrides.clientDir === null ? undefined : (overrides.clientDir ?? path.resolve('dist/client')),
    routingToken: config.routingToken,
    redis,
  });
  handle = app;

  const bus: CallEventBus = redis
    ? new RedisCallBus({
        redis,
        logger: logger.child({ module: 'pipeline' }),
        partitions: config.pipeline.partitions,
        ...(config.pipeline.nodeId ? { nodeId: config.pipeline.nodeId } : {}),
        ...overrides.bus,
      })
    : new MemoryCallBus();
  const unfollowSettings = await services.settings.follow(database.listen);
  const recordings = startRecordings({
    config,
    dataSource,
    logger,
    nodeId: config.pipeline.nodeId,
    retentionDays: () => services.settings.current().recordingRetentionDays,
  });
  recordings.onOutcome((callId, _file, outcome) => {
    if (outcome.status === 'stored') void services.webhookEvents.recordingStored(callId, outcome.recordingId);
  });
  // Before the pipeline and the HTTP server: anything that enqueues finds the queue started.
  await background.jobs.start();
  await background.webhooks.start();
  const stopCallData = await scheduleCallDataMaintenance({
    dataSource,
    logger: logger.child({ module: 'call-data' }),
    jobs: background.jobs,
    retentionMonths: () => services.settings.current().callRetentionMonths,
    purgeRecordings: (calls) =>
      purgeRecordingsOfCalls({ dataSource, logger, storeDir: config.recordingsStoreDir }, calls),
  });
  services.callMeBack.start();
  const pipeline = new CallPipeline({
    bus,
    store: new CallStore(dataSource, logger.child({ module: 'call-store' }), {
      flushDelayMs: config.pipeline.flushDelayMs,
      onFlush: (rows, seconds) => {
        pipelineBatchRows.observe(rows);
        pipelineFlushSeconds.observe(seconds);
      },
      // Only marks bins; the refresh runs later, off the pipeline's path. A call counts once it has ended.
      onCommitted: (calls) =>
        services.analyticsRollups.touch(calls.filter((c) => c.disposition !== null).map((c) => c.startedAt)),
    }),
    cards,
    leads: services.leads,
    realtime: io,
    // Agent states first and the wallboard last, so a wallboard push after a call shows its operator free again.
    reactions: [
      ({ event, takenOver }) => services.agents.onCallEvent(event, takenOver),
      createLeadOwnerReaction({
        leads: services.leads,
        users: services.users,
        cards,
        logger: logger.child({ module: 'lead-owner' }),
        queueDefaultOwner: config.queueDefaultOwner,
        onDefaultOwner: async (leadId) => {
          const lead = await services.leads.findById(leadId);
          if (lead) await services.notifications.onLeadOwnerGiven(lead);
        },
      }),
      services.callbacks.react,
      recordings.reaction,
      async () => services.wallboard.refreshSoon(),
      // Only enqueues (webhooks are sent by the job queue's workers): nothing before it ever waits for an endpoint.
      services.webhookEvents.callReaction,
      createCampaignOutcomeReaction(services.campaignDialer, logger.child({ module: 'campaigns' })),
      ...(overrides.extraReactions ?? []),
    ],
    // A getter: the company setting as it is when a call comes, not as it was at start.
    get defaultCountry() {
      return services.settings.current().defaultCountry;
    },
    logger: logger.child({ module: 'pipeline' }),
    metrics: { observePop: (seconds) => popLatencySeconds.observe(seconds) },
  });
  bindMetricSources({
    dataSource,
    lag: async () => (bus instanceof RedisCallBus ? bus.lag() : bus.inFlight()),
    callsOwned: () => pipeline.size(),
    provider,
  });
  if (overrides.consume ?? true) await pipeline.start();
  // SLA thresholds are evaluated where call events are consumed; the alerts table keeps it once per cluster.
  if (overrides.consume ?? true) services.slaAlerts.start();
  if (overrides.consume ?? true) services.analyticsRollups.start();

  if (provider) {
    provider.onEvent((event) => publish(bus, event, logger, (e) => services.agents.onPbxAgentState(e)));
    // A refused login is fatal for telephony only: the CRM keeps serving and says why.
    await provider.start().catch((err: unknown) => logger.error({ err }, 'telephony provider did not start'));
  }
  // The node that runs the adapter also carries out the telephony commands of nodes without one.
  const relay =
    provider && redis && !(provider instanceof RemoteTelephony)
      ? serveTelephonyCommands({ provider, redis, logger: logger.child({ module: 'telephony-relay' }) })
      : undefined;
  await services.agents.start();
  services.campaignDialer.start(config.campaigns.tickMs);
  const escalation = startEscalationJob(services.callbacks, config.callbacks.escalateIntervalSeconds * 1000, logger);
  const taskReminders = startTaskReminderJob({
    tasks: services.tasks,
    leadMinutes: config.taskReminders.leadMinutes,
    intervalMs: config.taskReminders.intervalSeconds * 1000,
    listeners: [(task) => io.emitToUser(task.assigneeId, 'task:due', { task }), services.notifications.onTaskDue],
    logger: logger.child({ module: 'task-reminders' }),
  });
  const purge = setInterval(() => {
    services.auth.purgeExpired().catch((err: unknown) => logger.warn({ err }, 'session purge failed'));
  }, 3_600_000).unref();

  const metricsServer = config.metricsListen ? await startMetricsServer(config.metricsListen, logger) : undefined;

  let closing: Promise<void> | undefined;
  return {
    config,
    logger,
    database,
    server,
    app,
    services,
    realtime: io,
    pipeline,
    bus,
    recordings,
    taskReminders,
    cards,
    provider,
    listen: (port = config.port, host = config.host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const { port: bound } = server.address() as AddressInfo;
          resolve(`http://${host === '0.0.0.0' ? 'localhost' : host}:${bound}`);
        });
      }),
    close: () =>
      (closing ??= (async () => {
        clearInterval(purge);
        background.webhooks.stop();
        stopCallData();
        services.callMeBack.stop();
        services.campaignDialer.stop();
        await services.campaignDialer.idle();
        services.wallboard.stop();
        await services.slaAlerts.stop();
        await escalation.stop();
        await taskReminders.stop();
        await relay?.stop();
        await provider?.stop();
        // The events in hand still reach open sockets; then the sockets (and the http server) close.
        await pipeline.stop();
        // The calls the pipeline stored last get their rollups before the database closes.
        await services.analyticsRollups.drain();
        await services.analyticsRollups.stop();
        // After the pipeline: its last reactions' agent states are written too.
        await services.agents.stop();
        await io.close();
        await recordings.stop();
        await background.jobs.stop();
        await metricsServer?.close();
        await unlisten();
        await unfollowSettings();
        if (overrides.redis === undefined) await redis?.quit();
        if (!overrides.database) await database.close();
      })()),
  };
}

/** The configured database, initialized; the embedded one is migrated on the spot, and seeded when asked. */
export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  const database = await createDatabase(config);
  await database.dataSource.initialize();
  if (database.embedded) {
    const applied = await database.dataSource.runMigrations({ transaction: 'each' });
    if (applied.length) logger.info({ migrations: applied.map((m) => m.name) }, 'embedded database migrated');
  } else if (await database.dataSource.showMigrations()) {
    logger.warn('pending migrations: run `npm run migration:run`');
  }
  if (config.seedDemo) await seedDemo(database.dataSource, logger, config.defaultCountry);
  // A month of calls only beside the demo calls (the quick start): other starts with demo users stay empty.
  if (config.seedDemo && config.telephony.provider === 'demo') {
    await seedDemoHistory(database.dataSource, { ...config, logger });
  }
  if (config.nodeEnv === 'production') {
    const demo = await demoLoginsStillOpen(database.dataSource);
    if (demo.length) {
      await database.close();
      throw new RefusedStart(
        `Refusing to start in production: the demo accounts ${demo.join(', ')} still open with the demo password ` +
          `"${DEMO_PASSWORD}". Delete them or give them passwords of their own.`,
      );
    }
  }
  return database;
}

/** A start the configuration or the data forbids; main.ts exits with code 2 and the message, like a bad config. */
export class RefusedStart extends Error {}

const isCallEvent = (e: TelephonyEvent): e is CallEvent => e.type.startsWith('call.') || e.type === 'recording.ready';

/**
 * Adapter → bus for call events; the adapter's status is logged. A queue pause goes to the agents here, on the node
 * that runs the adapter (the relay brings every node's pause requests to it, so it alone tells them from the PBX's).
 */
function publish(
  bus: CallEventBus,
  event: TelephonyEvent,
  logger: Logger,
  onAgentState: (event: AgentStateEvent) => Promise<void>,
): void {
  if (event.type === 'agent.state') {
    onAgentState(event).catch((err: unknown) => logger.warn({ err, event }, 'a PBX queue pause was not followed'));
    return;
  }
  if (!isCallEvent(event)) {
    if (event.type === 'provider.up' || event.type === 'provider.down') logger.info({ event }, 'telephony status');
    return;
  }
  bus.publish(event).catch((err: unknown) => logger.error({ err, event }, 'could not publish a call event'));
}
