import { randomUUID } from 'node:crypto';

import { type Redis } from 'ioredis';

import {
  TelephonyError,
  type CallbackRequest,
  type CustomerFirstRequest,
  type CustomerFirstResult,
  type OriginateRequest,
  type ProviderSource,
  type SpyMode,
  type TelephonyEvent,
  type TelephonyProvider,
} from '@telephony';

import {
  COMMANDS_KEY,
  replyKey,
  replySchema,
  STATUS_KEY,
  statusSchema,
  type Command,
  type RelayStatus,
  type Reply,
} from './telephony-relay.protocol';

export interface RemoteTelephonyOptions {
  redis: Redis;
  /** How often the adapter node's advertised status is read. Default 2 s. */
  statusPollMs?: number;
  /** How long an originate may take: the operator's phone rings until they answer. Default 45 s. */
  originateTimeoutMs?: number;
  /** Every other command. Default 15 s. */
  commandTimeoutMs?: number;
}

/**
 * TELEPHONY_PROVIDER=remote: a web node without the adapter asks the node that runs it (telephony-relay.server.ts)
 * to carry out click-to-call, pauses and monitoring, so an operator's request works whichever node serves them.
 * Call events reach this node through the event bus, not through here, so `onEvent` reports nothing.
 */
export class RemoteTelephony implements TelephonyProvider {
  private status: RelayStatus | null = null;
  private poll: NodeJS.Timeout | undefined;

  constructor(private readonly options: RemoteTelephonyOptions) {}

  get source(): ProviderSource {
    return this.status?.source ?? 'ami';
  }

  async start(): Promise<void> {
    await this.refresh();
    this.poll = setInterval(() => void this.refresh(), this.options.statusPollMs ?? 2000);
    this.poll.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.poll);
  }

  onEvent(_listener: (event: TelephonyEvent) => void): () => void {
    return () => undefined;
  }

  isUp(): boolean {
    return this.status?.up ?? false;
  }

  originate(request: OriginateRequest): Promise<void> {
    return this.send({ method: 'originate', args: [request] }, this.options.originateTimeoutMs ?? 45_000);
  }

  /** Waits as long as the customer may ring and wait in the queue, and a little more for the relay. */
  async originateCustomerFirst(request: CustomerFirstRequest): Promise<CustomerFirstResult> {
    const reply = await this.ask(
      { method: 'originateCustomerFirst', args: [request] },
      (request.waitSeconds + 60) * 1000,
    );
    if (!reply.customerFirst) throw new TelephonyError('ACTION_FAILED', 'the telephony node answered no result');
    return reply.customerFirst;
  }

  /** Waits as long as the queue may ring, and a little more for the relay. */
  originateCallback(request: CallbackRequest): Promise<void> {
    return this.send({ method: 'originateCallback', args: [request] }, (request.waitSeconds + 20) * 1000);
  }

  setAgentPaused(agentExtension: string, paused: boolean, reason?: string): Promise<void> {
    const args: [string, boolean] | [string, boolean, string] =
      reason === undefined ? [agentExtension, paused] : [agentExtension, paused, reason];
    return this.send({ method: 'setAgentPaused', args });
  }

  spy(supervisorExtension: string, targetCallId: string, mode: SpyMode): Promise<void> {
    return this.send({ method: 'spy', args: [supervisorExtension, targetCallId, mode] });
  }

  setSpyMode(supervisorExtension: string, mode: SpyMode): Promise<void> {
    return this.send({ method: 'setSpyMode', args: [supervisorExtension, mode] });
  }

  /** The adapter node provisions the PBX from the database; the command only tells it to do so now. */
  syncCredentials(): Promise<void> {
    return this.send({ method: 'syncCredentials', args: [] });
  }

  /** The adapter node's status expires unless refreshed: no status means nobody can carry out a command. */
  private async refresh(): Promise<void> {
    try {
      const raw = await this.options.redis.get(STATUS_KEY);
      const parsed = raw === null ? null : statusSchema.safeParse(JSON.parse(raw));
      this.status = parsed?.success ? parsed.data : null;
    } catch {
      this.status = null;
    }
  }

  private async send(command: Command, timeoutMs?: number): Promise<void> {
    await this.ask(command, timeoutMs);
  }

  private async ask(
    command: Command,
    timeoutMs = this.options.commandTimeoutMs ?? 15_000,
  ): Promise<Extract<Reply, { ok: true }>> {
    const id = randomUUID();
    const deadline = Date.now() + timeoutMs;
    // BRPOP blocks its connection: one of its own per command (commands are human actions, not a hot path).
    const waiter = this.options.redis.duplicate();
    waiter.on('error', () => undefined); // what fails shows as this command's error (or its timeout)
    const timedOut = () =>
      new TelephonyError('ACTION_TIMEOUT', `no telephony node answered ${command.method} in ${timeoutMs} ms`);
    let timer: NodeJS.Timeout | undefined;
    // With Redis unreachable its commands would queue forever: the deadline holds whatever Redis does.
    const expiry = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(timedOut()), timeoutMs + 1000);
    });
    try {
      const popped = await Promise.race([
        this.options.redis
          .lpush(COMMANDS_KEY, JSON.stringify({ id, deadline, ...command }))
          .then(() => waiter.brpop(replyKey(id), Math.max(1, Math.ceil(timeoutMs / 1000)))),
        expiry,
      ]);
      if (!popped) throw timedOut();
      const reply = replySchema.parse(JSON.parse(popped[1]));
      if (!reply.ok) throw new TelephonyError(reply.error.code, reply.error.message, reply.error.fatal);
      return reply;
    } finally {
      clearTimeout(timer);
      waiter.disconnect();
    }
  }
}
