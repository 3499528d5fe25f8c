/**
 * Narrow typed wrapper around drachtio-srf 5.0.x: only what the SIP provider uses, written from lib/*.js.
 * The shipped lib/@types/index.d.ts is incomplete and in places wrong for what we call:
 * - `srf.connect()` returns the agent, not a Promise; the outcome arrives as a `connect` event `(err, hostport)`.
 * - `connect` options lack `reconnect`, `enablePing`, `pingInterval`, `tags`.
 * - `createB2BUA` progress callbacks are `cbRequest(err, uacReq)` and `cbProvisional(res)`.
 * - a rejected INVITE rejects with a SipError `{status, reason, res}`; `req.on('cancel')` fires on CANCEL.
 * - `Dialog.destroy()` needs a `destroy` listener to learn of a BYE; `modify` only fires with a listener attached.
 * So the library's classes are typed here as interfaces and the one constructor call is cast once.
 */
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';

import SrfModule from 'drachtio-srf';

export interface SipMessageLike {
  readonly type: 'request' | 'response';
  readonly body: string;
  get(name: string): string | undefined;
  has(name: string): boolean;
}

export interface SrfRequest extends SipMessageLike {
  readonly method: string;
  readonly uri: string;
  readonly callId: string;
  readonly body: string;
  readonly source_address: string;
  readonly stackTime?: string;
  /** drachtio's id of the dialog an in-dialog request belongs to (for a dialog srf does not hold, e.g. adopted). */
  readonly stackDialogId?: string;
  readonly registration?: {
    type: 'register' | 'unregister';
    expires: number;
    contact: Array<{ uri: string }>;
    aor: string;
  };
  on(event: 'cancel', listener: (cancel: SipMessageLike) => void): this;
}

export interface SrfResponse {
  readonly finalResponseSent: boolean;
  send(status: number, opts?: { headers?: Record<string, string>; body?: string }): void;
  send(status: number, reason: string, opts?: { headers?: Record<string, string>; body?: string }): void;
}

/** The outgoing INVITE of createUAC/createB2BUA, as passed to `cbRequest`. */
export interface SentRequest {
  readonly callId?: string;
  get(name: string): string | undefined;
  /** CANCELs an INVITE still ringing (drachtio holds the CANCEL until a provisional response came back). */
  cancel(opts?: { headers?: Record<string, string> }): void;
}

/** createUAC with `noAck` (third-party call control): the far end's 200 and its SDP, ACKed by us later. */
export interface ThirdPartyAnswer {
  sdp: string;
  /** ACKs the 200 with our SDP; resolves with the dialog. */
  ack(localSdp: string): Promise<Dialog>;
  /** ACKs and hangs up an answer we no longer want. */
  destroy(): Promise<void>;
}

/** A request sent outside any dialog of this connection (`srf.request`); its final response comes as an event. */
export interface OutsideRequest {
  on(event: 'response', listener: (res: { status: number }) => void): this;
}

export interface SipErrorLike extends Error {
  status?: number;
  reason?: string;
  res?: SipMessageLike;
}

export interface Dialog {
  readonly id: string;
  readonly sip: { callId: string; localTag: string; remoteTag: string };
  readonly remote: { uri: string; sdp: string };
  readonly local: { uri: string; sdp: string };
  connected: boolean;
  destroy(opts?: { headers?: Record<string, string> }): Promise<unknown>;
  modify(sdp: string): Promise<string>;
  request(opts: { method: string; headers?: Record<string, string>; body?: string }): Promise<unknown>;
  on(event: 'destroy', listener: (req: SrfRequest, reason?: string) => void): this;
  on(event: 'modify' | 'refer', listener: (req: SrfRequest, res: SrfResponse) => void): this;
  removeAllListeners(event?: string): this;
}

export interface ReconnectOptions {
  /** Upper bound of the library's reconnect delay (it grows ×1.7 from 150 ms). Without it the delay is unbounded. */
  retryMaxDelay: number;
  /** Give up after this many attempts; unset = forever. */
  maxAttempts?: number;
  /** Give up once retrying has taken this long in total (ms). */
  connectTimeout?: number;
}

export interface ConnectOptions {
  host: string;
  port: number;
  secret: string;
  reconnect: ReconnectOptions;
  enablePing?: boolean;
  /** 5000…300000 ms; asserted by the library. */
  pingInterval?: number;
}

export interface DrachtioSrf {
  connect(opts: ConnectOptions): unknown;
  disconnect(): void;
  invite(handler: (req: SrfRequest, res: SrfResponse) => void): void;
  register(handler: (req: SrfRequest, res: SrfResponse) => void): void;
  /** BYEs srf's own dialogs do not take: those of dialogs another process made (see SipProvider's adoption). */
  bye(handler: (req: SrfRequest, res: SrfResponse) => void): void;
  createB2BUA(
    req: SrfRequest,
    res: SrfResponse,
    uri: string,
    opts: {
      localSdpB?: string;
      /** The SDP for the A leg's 18x/200, from B's (e.g. rtpengine's answer); called with B's response. */
      localSdpA?: (sdpB: string, resB: SipMessageLike) => Promise<string>;
      headers?: Record<string, string>;
      passFailure?: boolean;
      proxyRequestHeaders?: string[];
    },
    progress: {
      cbRequest?: (err: Error | null, req: SentRequest) => void;
      cbProvisional?: (res: { status: number }) => void;
    },
  ): Promise<{ uas: Dialog; uac: Dialog }>;
  /** Answers an INVITE ourselves (200 with `localSdp`); resolves with the UAS dialog once the ACK came. */
  createUAS(
    req: SrfRequest,
    res: SrfResponse,
    opts: { localSdp: string; headers?: Record<string, string> },
  ): Promise<Dialog>;
  createUAC(
    uri: string,
    /** `callingNumber`/`callingName` make the From (and Contact) `"name" <sip:number@localhost>`, host filled in. */
    opts: { localSdp?: string; headers?: Record<string, string>; callingNumber?: string; callingName?: string },
    progress?: { cbRequest?: (err: Error | null, req: SentRequest) => void },
  ): Promise<Dialog>;
  /** No SDP and `noAck`: a late-offer INVITE whose answer we ACK later (see ThirdPartyAnswer). */
  createUAC(
    uri: string,
    opts: { noAck: true; headers?: Record<string, string> },
    progress?: { cbRequest?: (err: Error | null, req: SentRequest) => void },
  ): Promise<ThirdPartyAnswer>;
  /**
   * Any request outside a dialog srf knows (`Call-ID`, `From`, `To` and `CSeq` headers are taken as given), or, with
   * `stackDialogId`, inside a dialog drachtio-server holds: drachtio takes the target and headers from the dialog,
   * so `uri` is then a placeholder (srf's own in-dialog requests send `sip:placeholder` too). Use the callback: it is
   * called as drachtio confirms the request, before any response can be handled, while the Promise form resolves a
   * turn later, after a response that came in the same chunk was emitted to nobody.
   */
  request(
    uri: string,
    opts: { method: string; stackDialogId?: string; headers?: Record<string, string> },
    callback: (err: Error | null, req?: OutsideRequest) => void,
  ): unknown;
  on(event: 'connect', listener: (err: Error | null, hostport?: string, serverVersion?: string) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'close' | 'reconnecting', listener: (...args: unknown[]) => void): this;
  on(event: 'cdr:stop', listener: (source: string, time: string, reason: string, msg: SipMessageLike) => void): this;
  removeAllListeners(event?: string): this;
  /** Forgets a dialog (srf keeps every dialog in a Map until its BYE). */
  removeDialog(dialog: Dialog): void;
}

/** A new drachtio-srf instance, typed by the interface above; `tags` go to drachtio-server when it connects. */
export function createSrf(tags: string[] = []): DrachtioSrf {
  const Ctor = SrfModule as unknown as new (tags: string[]) => DrachtioSrf;
  return new Ctor(tags);
}

/** Wire-level problems drachtio-srf would otherwise throw from a socket `data` handler (i.e. crash the process). */
export const drachtioWireErrors = new EventEmitter<{ error: [error: Error] }>();

interface WireProtocolProto {
  _onData(this: WireProtocolInstance, socket: Socket, chunk: Buffer): void;
}
interface WireProtocolInstance {
  mapIncomingMsg: Map<Socket, { incomingMsg: Buffer; length: number }>;
}
interface AgentProto {
  _onMsg(this: unknown, socket: Socket, msg: string): void;
}

const HARDENED = Symbol.for('zvonok.drachtio.hardened');
/** A length prefix is at most this many digits; a longer run before `#` means the stream is out of frame. */
const MAX_PREFIX = 10;

/**
 * drachtio-srf (5.0.29) throws, in the client, from inside the socket `data` handler when a frame has a bad
 * length prefix, and from `_onMsg` on an unknown command: both are uncaught exceptions that kill the process.
 * A message that fails this way is also never consumed, so the connection would stay wedged.
 * This wraps both methods once per process: an unknown command or a handler error is reported and skipped
 * (framing is intact), a broken frame is reported and the socket destroyed, because a length-prefixed stream
 * cannot be resynchronised — the library then reconnects as after any drop.
 */
export function hardenDrachtioWire(): void {
  const req = createRequire(import.meta.url);
  const wp = (req('drachtio-srf/lib/wire-protocol.js') as { prototype: WireProtocolProto & Record<symbol, boolean> })
    .prototype;
  const agent = (req('drachtio-srf/lib/drachtio-agent.js') as { prototype: AgentProto & Record<symbol, boolean> })
    .prototype;
  if (wp[HARDENED]) return;
  wp[HARDENED] = true;
  agent[HARDENED] = true;

  const onMsg = agent._onMsg;
  agent._onMsg = function (socket, msg) {
    try {
      onMsg.call(this, socket, msg);
    } catch (error) {
      drachtioWireErrors.emit('error', error instanceof Error ? error : new Error(String(error)));
    }
  };

  const onData = wp._onData;
  wp._onData = function (socket, chunk) {
    const outOfFrame = (reason: string, cause?: unknown) => {
      this.mapIncomingMsg.delete(socket);
      drachtioWireErrors.emit('error', new Error(`drachtio stream out of frame (${reason}); reconnecting`, { cause }));
      socket.destroy();
    };
    try {
      onData.call(this, socket, chunk);
    } catch (error) {
      outOfFrame(error instanceof Error ? error.message.slice(0, 120) : 'parse error', error);
      return;
    }
    const pending = this.mapIncomingMsg.get(socket)?.incomingMsg;
    if (!pending || pending.length === 0) return;
    const hash = pending.indexOf('#');
    const prefix = pending
      .subarray(0, hash === -1 ? Math.min(pending.length, MAX_PREFIX + 1) : hash)
      .toString('latin1');
    if (!/^\d*$/.test(prefix) || prefix.length > MAX_PREFIX || hash === 0) outOfFrame('bad length prefix');
  };
}
