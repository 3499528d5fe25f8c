import http from 'node:http';
import path from 'node:path';

import { Redis } from 'ioredis';

import { type CallEvent } from '@telephony';
import { createApp } from '@server/app';
import { ConfigError, loadConfig } from '@server/config/env';
import { createLogger } from '@server/common/logger/logger';
import { createDatabase } from '@server/db/data-source';
import { DEMO_PASSWORD, DEMO_USERS, demoLoginsStillOpen, seedDemo } from '@server/db/seed-demo';
import { trustedHosts } from '@server/common/http/trusted-hosts';
import { createProvider, startCallPipeline } from '@server/modules/calls/call-pipeline';
import { createScreenPopReactions } from '@server/modules/calls/pop.reaction';
import { createRealtime } from '@server/modules/realtime/realtime.server';
import { startRecordings } from '@server/modules/recordings/recordings.runtime';
import { startEscalationJob } from '@server/modules/callbacks/callback-escalation.job';
import { CallbacksService } from '@server/modules/callbacks/callbacks.service';
import { bindMetricSources } from '@server/modules/health/metric-sources';
import { startMetricsServer } from '@server/modules/health/metrics-server';
import { loadOrCreateKeyFile, SipSecretCipher } from '@server/modules/sip-secrets/sip-secret-cipher';
import { SipSecretsService } from '@server/modules/sip-secrets/sip-secrets.service';

/**
 * Composition root: config → database (migrated on start in embedded mode) → demo seed →
 * express app → http.Server. Realtime (Socket.IO) and the telephony pipeline attach to the
 * returned `server` and `services` — see the seam marked below.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config);
  const database = await createDatabase(config);
  await database.dataSource.initialize();
  if (database.embedded) {
    const applied = await database.dataSource.runMigrations({ transaction: 'each' });
    if (applied.length) logger.info({ migrations: applied.map((m) => m.name) }, 'embedded database migrated');
  } else if (await database.dataSource.showMigrations()) {
    logger.warn('pending migrations: run `npm run migration:run`');
  }
  if (config.seedDemo) await seedDemo(database.dataSource, logger, config.defaultCountry);
  if (config.nodeEnv === 'production') {
    const demo = await demoLoginsStillOpen(database.dataSource);
    if (demo.length) {
      const message =
        `Refusing to start in production: the demo accounts ${demo.join(', ')} still open with the demo password ` +
        `"${DEMO_PASSWORD}". Delete them or give them passwords of their own.`;
      logger.fatal({ logins: demo }, message);
      console.error(message);
      await database.close();
      process.exit(2);
    }
  }

  const clientDir = path.resolve('dist/client');
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: null }) : undefined;
  const sipSecretsKey = config.sipSecrets.key ?? loadOrCreateKeyFile(path.join(config.dataDir, 'sip-secrets.key'));
  const sipCredentials = new SipSecretsService(database.dataSource, new SipSecretCipher(sipSecretsKey), logger);
  const telephony = createProvider({
    config,
    dataSource: database.dataSource,
    logger,
    redis,
    sipCredentials: () => sipCredentials.credentials(),
  });
  const { app, services } = createApp({
    config: { ...config, sipSecretsKey },
    dataSource: database.dataSource,
    logger,
    clientDir,
    telephony,
    redis,
    routingToken: config.routingToken,
  });
  bindMetricSources({ dataSource: database.dataSource, redis, provider: telephony });
  const callbacks = new CallbacksService({
    dataSource: database.dataSource,
    routing: services.routing,
    config: config.callbacks,
    logger: logger.child({ module: 'callbacks' }),
  });
  const escalation = startEscalationJob(callbacks, config.callbacks.escalateIntervalSeconds * 1000, logger);
  const server = http.createServer(app);

  const purge = setInterval(() => {
    services.auth.purgeExpired().catch((err: unknown) => logger.warn({ err }, 'session purge failed'));
  }, 3_600_000).unref();

  // Socket.IO on the same server; with Redis every web node reaches every operator's socket.
  const realtime = createRealtime({
    httpServer: server,
    auth: services.auth,
    liveCalls: services.liveCalls,
    logger: logger.child({ module: 'realtime' }),
    trustedOrigins: config.trustedOrigins,
    trustedHosts: trustedHosts(config),
    redis,
    sessionRecheckMs: config.sockets.sessionRecheckMs,
    maxSocketsPerSession: config.sockets.perSession,
  });
  callbacks.notifier = realtime;
  const popReactions = createScreenPopReactions({
    dataSource: database.dataSource,
    realtime,
    leads: services.leads,
    defaultCountry: config.defaultCountry,
    logger: logger.child({ module: 'screen-pop' }),
    queueDefaultOwner: config.queueDefaultOwner,
  });
  const recordings = startRecordings({ config, dataSource: database.dataSource, logger });
  // Agent states and the wallboard push through the same sockets; every node sweeps wrap-ups (row locks decide).
  services.agents.attachRealtime(realtime);
  services.wallboard.attachRealtime(realtime);
  services.agents.start();
  const agentReactions = [
    (event: CallEvent) => services.agents.onCallEvent(event),
    async () => services.wallboard.refreshSoon(),
  ];
  const pipeline = await startCallPipeline({
    dataSource: database.dataSource,
    logger,
    redis,
    provider: telephony,
    reactions: [...popReactions, callbacks.react, recordings.reaction, ...agentReactions],
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const metricsServer = config.metricsListen ? await startMetricsServer(config.metricsListen, logger) : undefined;
  const shownHost = config.host === '0.0.0.0' ? 'localhost' : config.host;
  logger.info(
    {
      url: `http://${shownHost}:${config.port}`,
      database: database.embedded ? `pglite:${config.dataDir}/pg` : 'postgres',
    },
    'Zvonok is listening',
  );
  console.log(`\n  Zvonok: http://${shownHost}:${config.port}`);
  if (config.seedDemo) {
    console.log(`  Demo logins (password "${DEMO_PASSWORD}"): ${DEMO_USERS.map((u) => u.login).join(', ')}\n`);
  }

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    clearInterval(purge);
    services.agents.stop();
    services.wallboard.stop();
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    // The event in hand finishes while sockets are open (no lost pop); then the sockets close, because open
    // websockets would keep server.close() from ever calling back.
    pipeline
      .stop()
      .then(() => realtime.close())
      .catch((err: unknown) => logger.warn({ err }, 'error while closing sockets'));
    server.close(() => {
      escalation
        .stop()
        .then(() => pipeline.stop())
        .then(() => recordings.stop())
        .then(() => metricsServer?.close())
        .then(() => redis?.quit())
        .then(() => database.close())
        .then(() => {
          clearTimeout(force);
          process.exit(0);
        })
        .catch((err: unknown) => {
          logger.error({ err }, 'error while closing the database');
          process.exit(1);
        });
    });
    server.closeAllConnections();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
