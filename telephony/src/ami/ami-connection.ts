import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

import Manager from 'asterisk-manager';

import { createAmiFrameParser, type AmiFrame } from '@telephony/ami/ami-frame-parser';
import { messageFromFrame, messageFromManager, type AmiEvent, type AmiMessage } from '@telephony/ami/ami-message';
import { TelephonyError } from '@telephony/errors';

/**
 * One AMI session over asterisk-manager (its socket, login and action/response matching), with what it lacks:
 * a state machine, exponential backoff with jitter, keep-alive pings, action timeouts, EventList collection and
 * Async Originate matching. A fresh `Manager` is created per attempt so no state leaks between sessions; its own
 * `keepConnected` (linear backoff, console logging, queued actions replayed after login) is not used.
 *
 * The stream is read by our frame parser, not by asterisk-manager's reader: events are nearly all of it, and its
 * reader (regex line splits, an array shift per line, two `process.nextTick` hops per event) cost more than the
 * whole rest of the ingest path. Response frames are handed back to its reader, so asterisk-manager still
 * matches every response to its action (login included); event frames go straight to our listeners.
 */

export type AmiConnectionState = 'disconnected' | 'connecting' | 'authenticating' | 'connected' | 'backoff' | 'stopped';

export interface AmiBackoffOptions {
  /** First retry delay. Default 500 ms. */
  initialMs?: number;
  /** Cap of the delay. Default 30 s. */
  maxMs?: number;
  /** Growth per failed attempt. Default 2. */
  factor?: number;
  /** ± fraction of random jitter. Default 0.2. */
  jitter?: number;
}

export interface AmiConnectionOptions {
  host: string;
  port: number;
  user: string;
  secret: string;
  /** Per-action response timeout. Default 5 s. */
  actionTimeoutMs?: number;
  /** Timeout of the TCP connect + login phase. Default 5 s. */
  connectTimeoutMs?: number;
  /** Ping period; 0 disables. Default 15 s. */
  pingIntervalMs?: number;
  /** A Ping not answered within this reconnects. Default 5 s. */
  pingTimeoutMs?: number;
  /** Wait for the OriginateResponse of an Async Originate. Default 60 s. */
  originateTimeoutMs?: number;
  backoff?: AmiBackoffOptions;
  /** Injected for deterministic tests; Math.random by default. */
  random?: () => number;
  /** Event frames nobody listens for, dropped before they are parsed into messages. */
  ignore?: (frame: AmiFrame) => boolean;
}

export type AmiActionRequest = Manager.ManagerActionRequest & { action: string };

export interface AmiListResult {
  response: AmiMessage;
  events: AmiEvent[];
  complete: AmiEvent;
}

interface PendingList {
  events: AmiEvent[];
  resolve: (complete: AmiEvent) => void;
}

export interface AmiConnectionListeners {
  event: (event: AmiEvent) => void;
  state: (state: AmiConnectionState, reason?: string) => void;
  /** A fatal error: the connection stopped and will not retry (bad credentials). */
  fatal: (error: TelephonyError) => void;
}

/** Node publishes every client socket it creates on this channel, synchronously inside `net.connect`. */
const NET_CLIENT_SOCKET = 'net.client.socket';

/** Runs `connect` (which opens exactly one socket) and returns the socket it opened. */
function capturingSocket(connect: () => void): Socket | undefined {
  let socket: Socket | undefined;
  const capture = (message: unknown) => {
    socket ??= (message as { socket: Socket }).socket;
  };
  subscribe(NET_CLIENT_SOCKET, capture);
  try {
    connect();
  } finally {
    unsubscribe(NET_CLIENT_SOCKET, capture);
  }
  return socket;
}

/** A response frame as asterisk-manager's reader expects it on the wire (`Follows` body and marker included). */
function responseText(frame: AmiFrame): string {
  const lines = frame.headers.map(([key, value]) => `${key}: ${value}`);
  if (frame.output) lines.push(...frame.output, '--END COMMAND--');
  return `${lines.join('\r\n')}\r\n\r\n`;
}

const isListComplete = (ev: AmiEvent) =>
  (ev.fields.eventlist ?? '').toLowerCase() === 'complete' || /Complete$/i.test(ev.event);

export class AmiConnection {
  private state: AmiConnectionState = 'disconnected';
  private manager: Manager.ManagerInstance | undefined;
  private generation = 0;
  private attempt = 0;
  private actionSeq = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private pingTimer: NodeJS.Timeout | undefined;
  private readonly pendingRejects = new Map<string, (err: TelephonyError) => void>();
  private readonly lists = new Map<string, PendingList>();
  private readonly originates = new Map<string, (ev: AmiEvent) => void>();
  private readonly listeners: { [K in keyof AmiConnectionListeners]: Set<AmiConnectionListeners[K]> } = {
    event: new Set(),
    state: new Set(),
    fatal: new Set(),
  };
  private firstOutcome: { resolve: () => void; reject: (e: TelephonyError) => void } | undefined;

  constructor(private readonly options: AmiConnectionOptions) {}

  getState(): AmiConnectionState {
    return this.state;
  }

  on<K extends keyof AmiConnectionListeners>(kind: K, listener: AmiConnectionListeners[K]): () => void {
    this.listeners[kind].add(listener);
    return () => this.listeners[kind].delete(listener);
  }

  /**
   * Starts connecting. Resolves after the first attempt whatever its network outcome (retries continue in the
   * background, watch `state`), rejects with a fatal PBX_AUTH_FAILED when the credentials are refused.
   */
  start(): Promise<void> {
    if (this.state !== 'disconnected' && this.state !== 'stopped') return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.firstOutcome = { resolve, reject };
      this.connect();
    });
  }

  async stop(): Promise<void> {
    this.setState('stopped', 'stopped by caller');
    this.teardown(new TelephonyError('PBX_UNREACHABLE', 'AMI connection stopped'));
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.settleFirst();
  }

  /** Sends an action and resolves with its response; rejects ACTION_TIMEOUT / ACTION_FAILED / PBX_UNREACHABLE. */
  action(request: AmiActionRequest, timeoutMs = this.options.actionTimeoutMs ?? 5000): Promise<AmiMessage> {
    const m = this.manager;
    if (!m || this.state !== 'connected') {
      return Promise.reject(new TelephonyError('PBX_UNREACHABLE', `AMI not connected (state ${this.state})`));
    }
    return this.send(m, request, this.nextActionId(), timeoutMs);
  }

  /** Sends an EventList action (CoreShowChannels, QueueStatus, Status…) and collects events until `…Complete`. */
  async actionList(
    request: AmiActionRequest,
    timeoutMs = this.options.actionTimeoutMs ?? 5000,
  ): Promise<AmiListResult> {
    const id = this.nextActionId();
    const events: AmiEvent[] = [];
    const completed = new Promise<AmiEvent>((resolve) => this.lists.set(id, { events, resolve }));
    try {
      const m = this.manager;
      if (!m || this.state !== 'connected') {
        throw new TelephonyError('PBX_UNREACHABLE', `AMI not connected (state ${this.state})`);
      }
      const response = await this.send(m, request, id, timeoutMs);
      const complete = await this.withTimeout(completed, id, timeoutMs, `${request.action} list`);
      return { response, events, complete };
    } finally {
      this.lists.delete(id);
    }
  }

  /**
   * Async Originate; resolves with the matching OriginateResponse event (Response: Success), else ACTION_FAILED.
   * `waitMs` overrides how long the response may take (a queue ringing for minutes).
   */
  async originate(request: Omit<AmiActionRequest, 'action'>, waitMs?: number): Promise<AmiEvent> {
    const id = this.nextActionId();
    const done = new Promise<AmiEvent>((resolve) => this.originates.set(id, resolve));
    try {
      const m = this.manager;
      if (!m || this.state !== 'connected') {
        throw new TelephonyError('PBX_UNREACHABLE', `AMI not connected (state ${this.state})`);
      }
      await this.send(m, { ...request, action: 'Originate', async: 'true' }, id, this.options.actionTimeoutMs ?? 5000);
      const ev = await this.withTimeout(
        done,
        id,
        waitMs ?? this.options.originateTimeoutMs ?? 60_000,
        'OriginateResponse',
      );
      if ((ev.fields.response ?? '').toLowerCase() !== 'success') {
        // The reason (an AST_CONTROL code: 3 rang out, 5 busy, 8 congestion) stays readable for the caller.
        throw new TelephonyError('ACTION_FAILED', `Originate failed (reason ${ev.fields.reason ?? '?'})`, false, {
          cause: { originateReason: ev.fields.reason },
        });
      }
      return ev;
    } finally {
      this.originates.delete(id);
    }
  }

  // -------------------------------------------------------------------------------------------------------------

  private nextActionId(): string {
    this.actionSeq += 1;
    return `zv-${process.pid}-${this.actionSeq}`;
  }

  private withTimeout<T>(p: Promise<T>, id: string, ms: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = this.timer(ms, () => {
        this.pendingRejects.delete(`${id}:wait`);
        reject(new TelephonyError('ACTION_TIMEOUT', `${what} (${id}) timed out after ${ms} ms`));
      });
      this.pendingRejects.set(`${id}:wait`, (err) => {
        this.clearTimer(timer);
        reject(err);
      });
      p.then(
        (v) => {
          this.clearTimer(timer);
          this.pendingRejects.delete(`${id}:wait`);
          resolve(v);
        },
        (e: unknown) => {
          this.clearTimer(timer);
          this.pendingRejects.delete(`${id}:wait`);
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }

  private send(
    m: Manager.ManagerInstance,
    request: AmiActionRequest,
    id: string,
    timeoutMs: number,
  ): Promise<AmiMessage> {
    return new Promise<AmiMessage>((resolve, reject) => {
      const timer = this.timer(timeoutMs, () => {
        this.pendingRejects.delete(id);
        m.removeAllListeners(id);
        reject(
          new TelephonyError('ACTION_TIMEOUT', `AMI action ${request.action} (${id}) timed out after ${timeoutMs} ms`),
        );
      });
      this.pendingRejects.set(id, (err) => {
        this.clearTimer(timer);
        reject(err);
      });
      m.action({ ...request, actionid: id }, (err, res) => {
        if (!this.pendingRejects.has(id)) return;
        this.pendingRejects.delete(id);
        this.clearTimer(timer);
        if (err) {
          const message = typeof err.message === 'string' ? err.message : 'error';
          reject(new TelephonyError('ACTION_FAILED', `AMI action ${request.action} failed: ${message}`));
        } else {
          resolve(messageFromManager(res));
        }
      });
    });
  }

  private timer(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
    return t;
  }

  private clearTimer(t: NodeJS.Timeout | undefined): void {
    if (!t) return;
    clearTimeout(t);
    this.timers.delete(t);
  }

  private setState(state: AmiConnectionState, reason?: string): void {
    if (this.state === state) return;
    this.state = state;
    for (const l of this.listeners.state) l(state, reason);
  }

  private settleFirst(error?: TelephonyError): void {
    const first = this.firstOutcome;
    this.firstOutcome = undefined;
    if (!first) return;
    if (error) first.reject(error);
    else first.resolve();
  }

  private connect(): void {
    if (this.state === 'stopped' && !this.firstOutcome) return;
    const gen = ++this.generation;
    const { host, port, user, secret } = this.options;
    const m = Manager(undefined, host, user, secret, true);
    this.manager = m;
    this.setState('connecting');
    const live = () => gen === this.generation && this.state !== 'stopped';
    const guard = this.timer(this.options.connectTimeoutMs ?? 5000, () => {
      if (live()) this.lost(gen, `connect/login timed out after ${this.options.connectTimeoutMs ?? 5000} ms`);
    });
    m.on('error', () => {
      // Socket errors are followed by 'close'; the reason is reported there.
    });
    m.on('close', () => {
      this.clearTimer(guard);
      if (live()) this.lost(gen, 'connection closed');
    });
    const onTcpConnect = () => {
      if (!live()) return;
      this.setState('authenticating');
      m.login((err) => {
        if (!live()) return;
        this.clearTimer(guard);
        if (err) {
          const reason = typeof err.message === 'string' ? err.message : 'login refused';
          this.fail(
            new TelephonyError('PBX_AUTH_FAILED', `AMI login as "${user}" refused by ${host}:${port}: ${reason}`, true),
          );
          return;
        }
        this.attempt = 0;
        this.setState('connected');
        this.schedulePing(gen);
        this.settleFirst();
      });
    };
    const socket = capturingSocket(() => m.connect(port, host, onTcpConnect));
    if (!socket) {
      this.clearTimer(guard);
      this.fail(new TelephonyError('PBX_UNREACHABLE', 'asterisk-manager opened no socket to read AMI from', true));
      return;
    }
    this.read(socket, gen);
  }

  /** Takes the socket's reading over from asterisk-manager (see the class comment). */
  private read(socket: Socket, gen: number): void {
    const managerReaders = socket.listeners('data') as Array<(chunk: string) => void>;
    for (const reader of managerReaders) socket.off('data', reader);
    const parser = createAmiFrameParser();
    socket.on('data', (chunk: string | Buffer) => {
      for (const frame of parser.push(chunk).frames) {
        if (gen !== this.generation) return;
        if (this.options.ignore?.(frame)) continue;
        const message = messageFromFrame(frame);
        // A frame with both (OriginateResponse) reaches both, as it did when asterisk-manager read everything.
        if (message.fields.response !== undefined) {
          const text = responseText(frame);
          for (const reader of managerReaders) reader(text);
        }
        if (message.event !== undefined) this.onEvent(message as AmiEvent);
      }
    });
  }

  private schedulePing(gen: number): void {
    const every = this.options.pingIntervalMs ?? 15_000;
    if (every <= 0) return;
    this.clearTimer(this.pingTimer);
    this.pingTimer = this.timer(every, () => {
      if (gen !== this.generation || this.state !== 'connected') return;
      this.action({ action: 'Ping' }, this.options.pingTimeoutMs ?? 5000).then(
        () => this.schedulePing(gen),
        (e: unknown) => {
          if (gen === this.generation && this.state === 'connected') {
            this.lost(gen, `ping failed: ${e instanceof Error ? e.message : String(e)}`);
          }
        },
      );
    });
  }

  private onEvent(ev: AmiEvent): void {
    const id = ev.fields.actionid;
    if (id) {
      const list = this.lists.get(id);
      if (list) {
        if (isListComplete(ev)) list.resolve(ev);
        else list.events.push(ev);
        return;
      }
      const origin = this.originates.get(id);
      if (origin && ev.event.toLowerCase() === 'originateresponse') {
        origin(ev);
        return;
      }
    }
    for (const l of this.listeners.event) l(ev);
  }

  private teardown(error: TelephonyError): void {
    this.clearTimer(this.pingTimer);
    const m = this.manager;
    this.manager = undefined;
    this.generation += 1;
    m?.disconnect();
    const rejects = [...this.pendingRejects.values()];
    this.pendingRejects.clear();
    for (const r of rejects) r(error);
  }

  private lost(gen: number, reason: string): void {
    if (gen !== this.generation) return;
    this.teardown(new TelephonyError('PBX_UNREACHABLE', `AMI connection lost: ${reason}`));
    this.setState('backoff', reason);
    this.settleFirst();
    const b = this.options.backoff ?? {};
    const base = Math.min(b.maxMs ?? 30_000, (b.initialMs ?? 500) * (b.factor ?? 2) ** this.attempt);
    const jitter = b.jitter ?? 0.2;
    const delay = Math.max(0, Math.round(base * (1 - jitter + 2 * jitter * (this.options.random ?? Math.random)())));
    this.attempt += 1;
    this.timer(delay, () => {
      if (this.state === 'backoff') this.connect();
    });
  }

  private fail(error: TelephonyError): void {
    this.teardown(error);
    this.setState('stopped', error.message);
    for (const l of this.listeners.fatal) l(error);
    this.settleFirst(error);
  }

  /** Delay the next reconnect would use (for diagnostics/tests). */
  nextBackoffAttempt(): number {
    return this.attempt;
  }
}
