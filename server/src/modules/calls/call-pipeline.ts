import os from 'node:os';

import { type Redis } from 'ioredis';
import { type Logger } from 'pino';
import { type DataSource } from 'typeorm';

import {
  createTelephonyProvider,
  RedisCredentialStore,
  RedisRegistrationStore,
  type CallEvent,
  type SipCredentialsSource,
  type TelephonyEvent,
  type TelephonyProvider,
} from '@telephony';
import { type EventBus } from '@server/common/bus/event-bus';
import { MemoryBus } from '@server/common/bus/memory-bus';
import { RedisStreamBus } from '@server/common/bus/redis-stream-bus';
import { type Config } from '@server/config/env';

import { type CallProjection } from './call-projection';
import { CallRecorderService } from './call-recorder.service';
import { closedCallsAmong, openCallsOf } from './open-calls';
import { RemoteTelephony } from '@server/modules/telephony/remote-telephony.provider';
import { serveTelephonyCommands } from '@server/modules/telephony/telephony-relay.server';

export interface CallPipeline {
  bus: EventBus;
  provider: TelephonyProvider | null;
  stop(): Promise<void>;
}

/**
 * Work done once per newly stored call event (screen pop, auto-lead, callback tasks…). Runs on the one web node
 * whose consumer took the event; `call` is the record after the event was applied. A throw is logged and the
 * event is not redelivered (the record is already stored), so reactions must be idempotent by themselves.
 */
export type CallReaction = (event: CallEvent, call: CallProjection) => Promise<void>;

export interface CallPipelineDeps {
  dataSource: DataSource;
  logger: Logger;
  /** With Redis the adapter's events go through a Redis Stream, so several web nodes share the work. */
  redis?: Redis;
  /** The adapter to run in this process; null on a web node that only consumes (or with TELEPHONY_PROVIDER=none). */
  provider: TelephonyProvider | null;
  reactions?: CallReaction[];
  /** Bus consumer name; defaults to host-pid. Distinct names let several pipelines share one process (tests). */
  consumerName?: string;
}

const isCallEvent = (e: TelephonyEvent): e is CallEvent => e.type.startsWith('call.') || e.type === 'recording.ready';

/**
 * Telephony adapter → event bus → call records. Runs the adapter in-process (the quick start and a single node);
 * the bus consumer is what every web node runs. Socket.IO delivery attaches to the same bus later.
 */
export async function startCallPipeline(deps: CallPipelineDeps): Promise<CallPipeline> {
  const { dataSource, logger } = deps;
  const bus: EventBus = deps.redis ? new RedisStreamBus({ redis: deps.redis, logger }) : new MemoryBus();
  const recorder = new CallRecorderService(dataSource);
  await bus.subscribe('pipeline', deps.consumerName ?? `${os.hostname()}-${process.pid}`, async ({ event }) => {
    if (!isCallEvent(event)) return;
    const result = await recorder.record(event);
    if (!result.applied || !result.call) return;
    logger.debug({ callId: result.call.id, type: event.type }, 'call event recorded');
    if (event.type === 'call.ended' && result.call.endedSeq !== event.seq) {
      // A second end (an adapter that restarted and closed the call again): stored, but nobody is told twice.
      logger.warn({ callId: event.callId, seq: event.seq }, 'call had ended already; second end ignored');
      return;
    }
    for (const react of deps.reactions ?? []) {
      await react(event, result.call).catch((err: unknown) =>
        logger.error({ err, callId: event.callId, type: event.type }, 'call reaction failed'),
      );
    }
  });

  const { provider } = deps;
  if (provider) {
    provider.onEvent((event) => {
      if (event.type === 'provider.up' || event.type === 'provider.down') logger.info({ event }, 'telephony status');
      bus.publish(event).catch((err: unknown) => logger.error({ err, event }, 'could not publish telephony event'));
    });
    // A refused login is fatal for telephony only: the CRM keeps serving and says why.
    await provider.start().catch((err: unknown) => logger.error({ err }, 'telephony provider did not start'));
  }
  // The node that runs the adapter also carries out the telephony commands of nodes without one.
  const relay =
    provider && deps.redis && !(provider instanceof RemoteTelephony)
      ? serveTelephonyCommands({ provider, redis: deps.redis, logger: logger.child({ module: 'telephony-relay' }) })
      : undefined;
  let stopping: Promise<void> | undefined;
  return {
    bus,
    provider,
    // Idempotent: shutdown stops the pipeline before closing sockets (so the event in hand still reaches them)
    // and again in its general teardown.
    stop() {
      stopping ??= (async () => {
        await relay?.stop();
        await provider?.stop();
        await bus.close();
      })();
      return stopping;
    },
  };
}

export interface ProviderDeps {
  config: Pick<Config, 'telephony'> & Partial<Pick<Config, 'sipSecrets'>>;
  dataSource: DataSource;
  logger: Logger;
  /** Required by `remote` (config validation says so). */
  redis?: Redis;
  /** Every phone's current SIP secret (SipSecretsService.credentials), for the adapter to provision the PBX with. */
  sipCredentials?: SipCredentialsSource;
}

/** The configured telephony adapter (not started), or null when telephony is off. */
export function createProvider(deps: ProviderDeps): TelephonyProvider | null {
  const { config, dataSource, logger, redis, sipCredentials } = deps;
  const t = config.telephony;
  const pjsipAuthFile = config.sipSecrets?.pjsipAuthFile;
  const onDiagnostic = (message: string, err?: unknown) => logger.warn({ err }, message);
  switch (t.provider) {
    case 'none':
      return null;
    case 'remote':
      if (!redis) throw new Error('TELEPHONY_PROVIDER=remote needs Redis');
      return new RemoteTelephony({ redis });
    case 'ami':
      return createTelephonyProvider({
        kind: 'ami',
        host: t.ami.host,
        port: t.ami.port,
        user: t.ami.user ?? '',
        secret: t.ami.secret ?? '',
        onDiagnostic,
        openCalls: () => openCallsOf(dataSource, 'ami'),
        closedCalls: (callIds) => closedCallsAmong(dataSource, callIds),
        ...(pjsipAuthFile && sipCredentials ? { pjsipAuth: { file: pjsipAuthFile, credentials: sipCredentials } } : {}),
      });
    case 'sip':
      return createTelephonyProvider({
        kind: 'sip',
        host: t.drachtio.host,
        port: t.drachtio.port,
        secret: t.drachtio.secret ?? '',
        ...(t.drachtio.trunkUri ? { trunkUri: t.drachtio.trunkUri } : {}),
        ...(t.rtpengine
          ? { rtpengine: t.rtpengine, ...(t.rtpengine.recording ? { recording: t.rtpengine.recording } : {}) }
          : {}),
        // Phones that REGISTER with the SIP front are reached at their contact (shared by every node via Redis).
        ...(redis ? { registrations: new RedisRegistrationStore(redis) } : {}),
        onDiagnostic,
        // Phones register with the same per-user secrets as on Asterisk, checked against HA1s kept in Redis.
        ...(redis && sipCredentials
          ? { provisioning: { credentials: sipCredentials, store: new RedisCredentialStore(redis) } }
          : {}),
        // Owner-sticky routing: a known client's owner rings first; then (and for anyone else) the queue
        // `support` rings every active operator the agent states leave free (setAgentPaused), like Asterisk's.
        route: async (fromE164) => {
          if (!fromE164) return null;
          const rows: { extension: string }[] = await dataSource.query(
            `SELECT u.extension FROM users u
             JOIN contacts c ON c.owner_id = u.id
             JOIN contact_phones p ON p.contact_id = c.id AND p.e164 = $1
             WHERE u.active AND u.role = 'operator' AND u.extension IS NOT NULL
             ORDER BY u.extension LIMIT 1`,
            [fromE164],
          );
          return rows[0] ? { agentExtension: rows[0].extension } : null;
        },
        queue: {
          name: 'support',
          strategy: 'ringall',
          members: async () => {
            const rows: { extension: string }[] = await dataSource.query(
              `SELECT extension FROM users WHERE active AND role = 'operator' AND extension IS NOT NULL
               ORDER BY extension`,
            );
            return rows.map((r) => r.extension);
          },
        },
      });
  }
}
