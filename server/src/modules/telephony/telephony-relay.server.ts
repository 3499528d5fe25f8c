import { type Redis } from 'ioredis';
import { type Logger } from 'pino';

import { TelephonyError, type TelephonyProvider } from '@telephony';

import {
  COMMANDS_KEY,
  envelopeSchema,
  replyKey,
  STATUS_KEY,
  type Envelope,
  type RelayStatus,
  type Reply,
} from './telephony-relay.protocol';

export interface TelephonyRelayOptions {
  provider: TelephonyProvider;
  redis: Redis;
  logger: Logger;
  /** How long the advertised status lives without a refresh. Default 10 s; it is refreshed at a third of that. */
  statusTtlMs?: number;
}

const parseJson = (raw: string): unknown => {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
};

/** How long an unread reply is kept: the asker has given up long before. */
const REPLY_TTL_SECONDS = 60;

/**
 * The adapter node's half of the relay (telephony-relay.protocol.ts): carries out the commands other web nodes
 * queue, side by side (an originate waits for the operator to answer), and advertises whether the PBX is up.
 */
export function serveTelephonyCommands(options: TelephonyRelayOptions): { stop(): Promise<void> } {
  const { provider, redis, logger } = options;
  const ttl = options.statusTtlMs ?? 10_000;
  // BRPOP blocks its connection, so it gets one of its own.
  const listener = redis.duplicate();
  listener.on('error', () => undefined); // the loop below logs what BRPOP fails with
  let stopped = false;
  const inFlight = new Set<Promise<void>>();

  const advertise = () => {
    const status: RelayStatus = {
      source: provider.source,
      up: provider.isUp(),
      canSwitchSpyMode: provider.setSpyMode !== undefined,
    };
    redis
      .set(STATUS_KEY, JSON.stringify(status), 'PX', ttl)
      .catch((err: unknown) => logger.warn({ err }, 'telephony status not advertised'));
  };
  advertise();
  const heartbeat = setInterval(advertise, Math.max(100, Math.floor(ttl / 3)));

  const carryOut = async (command: Envelope): Promise<Reply> => {
    try {
      switch (command.method) {
        case 'originate':
          await provider.originate(...command.args);
          break;
        case 'setAgentPaused': {
          const [extension, paused, reason] = command.args;
          await provider.setAgentPaused(extension, paused, reason);
          break;
        }
        case 'spy':
          await provider.spy(...command.args);
          break;
        case 'originateCustomerFirst': {
          if (!provider.originateCustomerFirst) throw new TelephonyError('ACTION_FAILED', 'no customer-first dialling');
          return { ok: true, customerFirst: await provider.originateCustomerFirst(...command.args) };
        }
        case 'originateCallback':
          if (!provider.originateCallback) throw new TelephonyError('ACTION_FAILED', 'this provider has no callbacks');
          await provider.originateCallback(...command.args);
          break;
        case 'setSpyMode':
          if (!provider.setSpyMode) throw new TelephonyError('ACTION_FAILED', 'this provider cannot switch spy modes');
          await provider.setSpyMode(...command.args);
          break;
        case 'syncCredentials':
          if (!provider.syncCredentials) throw new TelephonyError('ACTION_FAILED', 'this provider cannot sync secrets');
          await provider.syncCredentials();
          break;
      }
      return { ok: true };
    } catch (err) {
      const e =
        err instanceof TelephonyError ? err : new TelephonyError('ACTION_FAILED', String(err), false, { cause: err });
      return { ok: false, error: { code: e.code, message: e.message, fatal: e.fatal } };
    }
  };

  const handle = async (raw: string) => {
    const parsed = envelopeSchema.safeParse(parseJson(raw));
    if (!parsed.success) {
      logger.error({ raw: raw.slice(0, 500), issues: parsed.error.issues }, 'malformed telephony command dropped');
      return;
    }
    const command = parsed.data;
    if (Date.now() > command.deadline) {
      logger.warn({ id: command.id, method: command.method }, 'telephony command expired before it was taken');
      return;
    }
    const reply = await carryOut(command);
    await redis
      .multi()
      .lpush(replyKey(command.id), JSON.stringify(reply))
      .expire(replyKey(command.id), REPLY_TTL_SECONDS)
      .exec();
  };

  const loop = (async () => {
    while (!stopped) {
      let popped: [string, string] | null;
      try {
        popped = await listener.brpop(COMMANDS_KEY, 1);
      } catch (err) {
        if (stopped) break;
        logger.warn({ err }, 'telephony command queue unreadable; retrying');
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (!popped) continue;
      const work = handle(popped[1])
        .catch((err: unknown) => logger.error({ err }, 'telephony command failed'))
        .finally(() => inFlight.delete(work));
      inFlight.add(work);
    }
  })();

  return {
    async stop() {
      stopped = true;
      clearInterval(heartbeat);
      // Ends a BRPOP in progress at once (and one waiting for an unreachable Redis, which would wait forever).
      listener.disconnect();
      await loop;
      await Promise.allSettled([...inFlight]);
      // Other nodes see telephony down at once, not when the status expires. Not awaited: with Redis down it would
      // wait for Redis, and the status expires by itself anyway.
      redis.del(STATUS_KEY).catch((err: unknown) => logger.warn({ err }, 'telephony status not withdrawn'));
    },
  };
}
