/**
 * Scripted drachtio-server peer — a FAKE, used because no drachtio-server can run here (not in Debian, not on npm).
 * It speaks drachtio's admin wire protocol as drachtio-srf 5.0.x expects it (read from lib/wire-protocol.js and
 * lib/drachtio-agent.js): frames `<byte length>#<msgId>|<command>|...`, then CRLF and a SIP message.
 *   app → server: `authenticate|<secret>|<tags>`, `route|<verb>`, `ping`, `sip|<txnId>|<dialogId>\r\n<SIP>`
 *   server → app: `response|<msgId>|OK|…` (auth: hostports and version; sip: the message as sent, with txn/dialog
 *                 ids), `sip|network|<len>|udp|<addr>|<port>|<time>|<txnId>|<dialogId>\r\n<SIP>` for network
 *                 messages, `cdr:attempt|cdr:start|cdr:stop|<source>|<time>[|<reason>]\r\n<SIP>`.
 * On the SIP side it plays the trunk (replaying SIPp-recorded requests) and the operators' phones (scripted
 * answers per request URI), filling in what drachtio-server would (tags, Call-ID, Via, CSeq, Contact).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';

import {
  getHeader,
  methodOf,
  OPERATOR_SDP,
  parseSip,
  serializeSip,
  setHeader,
  statusOf,
  tagOf,
  withTag,
  type SipText,
} from '@test/support/drachtio-peer/sip-text';

/** What an operator's phone does when invited. `hangUpAfterMs` ends the call from the phone side. */
export interface PhoneScript {
  /** Final status, or 'ring' to ring until cancelled. */
  final: number | 'ring';
  ringMs?: number;
  reason?: string;
  headers?: Record<string, string>;
}

export interface PeerDialog {
  id: string;
  callId: string;
  side: 'trunk' | 'operator';
  /** Request URI the app used (operator legs). */
  uri: string;
  /** Tag of the app's end, and of the network end. */
  appTag: string;
  netTag: string;
  /** From/To as the network end sends them in its in-dialog requests. */
  netFrom: string;
  netTo: string;
  cseq: number;
  established: boolean;
}

export interface AppFrame {
  msgId: string;
  command: string;
  tokens: string[];
  sip?: SipText;
}

interface PendingInvite {
  txnId: string;
  request: SipText;
  side: 'trunk' | 'operator';
  dialogId: string;
  appTag?: string;
  final?: number;
}

const CRLF = '\r\n';

export class DrachtioPeer {
  readonly frames: AppFrame[] = [];
  /** Final responses the app sent to trunk INVITEs, by Call-ID. */
  readonly trunkFinals = new Map<string, number>();
  readonly dialogs = new Map<string, PeerDialog>();
  readonly authAttempts: Array<{ secret: string; ok: boolean; at: number }> = [];
  phone: (uri: string) => PhoneScript = () => ({ final: 200, ringMs: 20 });
  /** drachtio-server delivers cdr events only to apps that routed them; the peer checks that too. */
  private routes = new Set<string>();
  private readonly sockets = new Set<Socket>();
  private readonly authed = new Set<Socket>();
  private readonly invites = new Map<string, PendingInvite>();
  private readonly waiters: Array<() => void> = [];
  private timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    /** The secret drachtio-server accepts; tests change it to model a fixed configuration. */
    public secret: string,
  ) {}

  static async start(secret: string): Promise<DrachtioPeer> {
    const server = createServer();
    const peer = new DrachtioPeer(server, secret);
    server.on('connection', (s) => peer.accept(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return peer;
  }

  get port(): number {
    const a = this.server.address();
    return typeof a === 'object' && a ? a.port : 0;
  }

  get connected(): boolean {
    return this.authed.size > 0;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Drops every app connection (as a drachtio-server restart or a network cut would). */
  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  /** Writes bytes as-is to the app (malformed-frame tests). */
  sendRaw(data: string): void {
    for (const s of this.authed) s.write(data);
  }

  /** Sends a well-formed frame with an arbitrary command. */
  sendFrame(body: string): void {
    for (const s of this.authed) this.write(s, body);
  }

  async waitFor<T>(probe: () => T | undefined | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = probe();
      if (v !== undefined && v !== false) return v;
      if (Date.now() > deadline) throw new Error(`drachtio peer: timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 20);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The trunk sends a new INVITE (a SIPp-recorded one). Returns its Call-ID. */
  trunkInvite(raw: string): string {
    const m = parseSip(raw);
    const callId = getHeader(m, 'Call-ID') ?? randomUUID();
    const txnId = randomUUID();
    this.invites.set(txnId, { txnId, request: m, side: 'trunk', dialogId: `${callId};uas` });
    this.deliver(m, txnId, '');
    return callId;
  }

  /** Any out-of-dialog request from the network (REGISTER, OPTIONS…); returns its transaction id. */
  networkRequest(raw: string): string {
    const txnId = randomUUID();
    this.deliver(parseSip(raw), txnId, '');
    return txnId;
  }

  /** The trunk cancels its pending INVITE. */
  trunkCancel(raw: string): void {
    const m = parseSip(raw);
    const callId = getHeader(m, 'Call-ID');
    const inv = [...this.invites.values()].find(
      (i) => i.side === 'trunk' && getHeader(i.request, 'Call-ID') === callId,
    );
    // drachtio-server answers the CANCEL itself and hands it to the app within the INVITE's transaction.
    this.deliver(m, inv?.txnId ?? randomUUID(), '');
  }

  /**
   * An in-dialog request from the network side of a dialog: a recorded trunk request (BYE, re-INVITE, REFER)
   * rewritten onto that dialog (Call-ID, tags, CSeq), as the far end of that very dialog would send it.
   */
  inDialog(dialog: PeerDialog, raw: string, extraHeaders: Record<string, string> = {}): string {
    const m = parseSip(raw);
    const method = methodOf(m) ?? 'INFO';
    dialog.cseq += 1;
    m.startLine = `${method} sip:app@127.0.0.1:5060 SIP/2.0`;
    setHeader(m, 'Call-ID', dialog.callId);
    setHeader(m, 'From', withTag(dialog.netFrom, dialog.netTag));
    setHeader(m, 'To', withTag(dialog.netTo, dialog.appTag));
    setHeader(m, 'CSeq', `${method === 'ACK' ? dialog.cseq - 1 : dialog.cseq} ${method}`);
    if (method === 'ACK') dialog.cseq -= 1;
    for (const [k, v] of Object.entries(extraHeaders)) setHeader(m, k, v);
    const txnId = randomUUID();
    this.deliver(m, txnId, dialog.id);
    return txnId;
  }

  dialogFor(side: 'trunk' | 'operator', predicate: (d: PeerDialog) => boolean = () => true): PeerDialog | undefined {
    return [...this.dialogs.values()].find((d) => d.side === side && d.established && predicate(d));
  }

  /** Requests the app sent within a dialog or as new INVITEs (method, dialog id, message). */
  appRequests(method?: string): Array<{ method: string; dialogId: string; sip: SipText }> {
    return this.frames.flatMap((f) => {
      const mm = f.sip && methodOf(f.sip);
      if (f.command !== 'sip' || !f.sip || !mm || (method && mm !== method)) return [];
      return [{ method: mm, dialogId: f.tokens[3] ?? '', sip: f.sip }];
    });
  }

  appResponses(status?: number): SipText[] {
    return this.frames.flatMap((f) =>
      f.command === 'sip' && f.sip && statusOf(f.sip) !== undefined && (!status || statusOf(f.sip) === status)
        ? [f.sip]
        : [],
    );
  }

  /**
   * A drachtio CDR event (`cdr:attempt|<source>|<time>` or `cdr:start|stop|<source>|<time>|<role or reason>`, then
   * the SIP message), delivered only if the app routed it, as drachtio-server does. Returns whether it was sent.
   */
  cdr(kind: 'attempt' | 'start' | 'stop', callId: string, detail = 'normal-release', source = 'network'): boolean {
    if (!this.routes.has(`cdr:${kind}`)) return false;
    const sip =
      kind === 'stop'
        ? `BYE sip:app@127.0.0.1 SIP/2.0${CRLF}Call-ID: ${callId}${CRLF}CSeq: 9 BYE${CRLF}` +
          `From: <sip:trunk@127.0.0.1>;tag=t${CRLF}To: <sip:app@127.0.0.1>;tag=a${CRLF}Content-Length: 0${CRLF}${CRLF}`
        : `INVITE sip:app@127.0.0.1 SIP/2.0${CRLF}Call-ID: ${callId}${CRLF}CSeq: 1 INVITE${CRLF}` +
          `From: <sip:trunk@127.0.0.1>;tag=t${CRLF}To: <sip:app@127.0.0.1>${CRLF}Content-Length: 0${CRLF}${CRLF}`;
    const time = new Date().toISOString();
    this.sendFrame(`cdr:${kind}|${source}|${time}${kind === 'attempt' ? '' : `|${detail}`}${CRLF}${sip}`);
    return true;
  }

  cdrStop(callId: string, reason = 'normal-release'): boolean {
    return this.cdr('stop', callId, reason);
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const hash = buf.indexOf('#');
        if (hash <= 0) return;
        const len = Number(buf.subarray(0, hash).toString('latin1'));
        if (!Number.isInteger(len) || len <= 0) {
          socket.destroy();
          return;
        }
        if (buf.length < hash + 1 + len) return;
        const frame = buf.subarray(hash + 1, hash + 1 + len).toString('utf8');
        buf = buf.subarray(hash + 1 + len);
        this.onFrame(socket, frame);
      }
    });
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.authed.delete(socket);
    });
    socket.on('error', () => undefined);
  }

  private onFrame(socket: Socket, frame: string): void {
    const pos = frame.indexOf(CRLF);
    const leader = pos === -1 ? frame : frame.slice(0, pos);
    const tokens = leader.split('|');
    const [msgId = '', command = ''] = tokens;
    const sip = pos === -1 ? undefined : parseSip(frame.slice(pos + 2));
    this.frames.push({ msgId, command, tokens, ...(sip ? { sip } : {}) });
    switch (command) {
      case 'authenticate': {
        const ok = tokens[2] === this.secret;
        this.authAttempts.push({ secret: tokens[2] ?? '', ok, at: Date.now() });
        if (ok) {
          this.authed.add(socket);
          this.write(socket, `response|${msgId}|OK|udp/127.0.0.1:5060,tcp/127.0.0.1:5060|v0.9.2`);
        } else {
          // drachtio-server answers a bad secret and closes the connection.
          this.write(socket, `response|${msgId}|NOK|authentication failed`);
          setTimeout(() => socket.end(), 10);
        }
        break;
      }
      case 'route':
        this.routes.add(tokens[2] ?? '');
        this.write(socket, `response|${msgId}|OK`);
        break;
      case 'ping':
        this.write(socket, `response|${msgId}|OK`);
        break;
      case 'sip':
        if (sip) this.onAppSip(socket, msgId, tokens, sip);
        break;
      default:
        this.write(socket, `response|${msgId}|NOK|unknown command`);
    }
    this.wake();
  }

  private onAppSip(socket: Socket, msgId: string, tokens: string[], m: SipText): void {
    const txnId = tokens[2] ?? '';
    const dialogId = tokens[3] ?? '';
    const status = statusOf(m);
    if (status !== undefined) {
      this.onAppResponse(socket, msgId, txnId, m, status);
      return;
    }
    const method = methodOf(m) ?? '';
    if (dialogId) {
      this.onAppInDialog(socket, msgId, dialogId, method, m);
      return;
    }
    if (method === 'CANCEL') {
      const inv = this.invites.get(txnId);
      this.echo(socket, msgId, m, randomUUID(), '');
      if (inv && inv.final === undefined) {
        inv.final = 487;
        this.later(5, () => this.respondToApp(inv, 487, 'Request Terminated'));
      }
      return;
    }
    if (method === 'INVITE') this.onAppInvite(socket, msgId, m);
    else this.echo(socket, msgId, m, randomUUID(), '');
  }

  /** The app's B2BUA invites an operator's phone: complete the request as drachtio-server would, then ring. */
  private onAppInvite(socket: Socket, msgId: string, m: SipText): void {
    const callId = getHeader(m, 'Call-ID') ?? `${randomUUID()}@peer`;
    setHeader(m, 'Call-ID', callId);
    setHeader(m, 'Via', `SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK${randomUUID().slice(0, 8)}`);
    setHeader(m, 'From', withTag(getHeader(m, 'From') ?? '<sip:zvonok@127.0.0.1>', `app${randomUUID().slice(0, 6)}`));
    if (!getHeader(m, 'To')) setHeader(m, 'To', `<${m.startLine.split(' ')[1] ?? ''}>`);
    if (!getHeader(m, 'CSeq')) setHeader(m, 'CSeq', '1 INVITE');
    if (!getHeader(m, 'Contact')) setHeader(m, 'Contact', '<sip:127.0.0.1:5060>');
    const txnId = randomUUID();
    const inv: PendingInvite = { txnId, request: m, side: 'operator', dialogId: `${callId};uac` };
    this.invites.set(txnId, inv);
    this.echo(socket, msgId, m, txnId, '');
    const uri = m.startLine.split(' ')[1] ?? '';
    const script = this.phone(uri);
    this.later(2, () => inv.final === undefined && this.respondToApp(inv, 100, 'Trying'));
    this.later(5, () => inv.final === undefined && this.respondToApp(inv, 180, 'Ringing'));
    if (script.final !== 'ring') {
      const final = script.final;
      this.later(script.ringMs ?? 20, () => {
        if (inv.final !== undefined) return;
        inv.final = final;
        this.respondToApp(inv, final, script.reason ?? reasonFor(final), script.headers);
      });
    }
  }

  /** A network response (from an operator phone, or the trunk answering our re-INVITE/BYE) to the app. */
  private respondToApp(inv: PendingInvite, status: number, reason: string, headers: Record<string, string> = {}): void {
    const req = inv.request;
    const method = methodOf(req) ?? 'INVITE';
    inv.appTag ??= `op${randomUUID().slice(0, 6)}`;
    const res: SipText = {
      startLine: `SIP/2.0 ${status} ${reason}`,
      headers: [
        ['Via', getHeader(req, 'Via') ?? ''],
        ['From', getHeader(req, 'From') ?? ''],
        [
          'To',
          status > 100 && !tagOf(getHeader(req, 'To'))
            ? withTag(getHeader(req, 'To') ?? '', inv.appTag)
            : (getHeader(req, 'To') ?? ''),
        ],
        ['Call-ID', getHeader(req, 'Call-ID') ?? ''],
        ['CSeq', getHeader(req, 'CSeq') ?? `1 ${method}`],
        ['Contact', '<sip:phone@127.0.0.1:5070>'],
        ...Object.entries(headers),
      ],
      body: status === 200 && method === 'INVITE' ? OPERATOR_SDP : '',
    };
    if (res.body) setHeader(res, 'Content-Type', 'application/sdp');
    const dialogId = status === 200 && method === 'INVITE' ? inv.dialogId : '';
    if (dialogId && inv.side === 'operator' && !this.dialogs.has(dialogId)) {
      this.dialogs.set(dialogId, {
        id: dialogId,
        callId: getHeader(req, 'Call-ID') ?? '',
        side: 'operator',
        uri: req.startLine.split(' ')[1] ?? '',
        appTag: tagOf(getHeader(req, 'From')) ?? '',
        netTag: inv.appTag,
        netFrom: (getHeader(req, 'To') ?? '').replace(/;\s*tag=[^;]+/i, ''),
        netTo: (getHeader(req, 'From') ?? '').replace(/;\s*tag=[^;]+/i, ''),
        cseq: 100,
        established: true,
      });
    }
    this.deliver(res, inv.txnId, dialogId);
  }

  private onAppResponse(socket: Socket, msgId: string, txnId: string, m: SipText, status: number): void {
    const inv = this.invites.get(txnId);
    const req = inv?.request ?? this.networkRequests.get(txnId);
    if (!req) {
      this.write(socket, `response|${msgId}|NOK|transaction not found`);
      return;
    }
    const full: SipText = {
      startLine: m.startLine,
      headers: [
        ['Via', getHeader(req, 'Via') ?? ''],
        ['From', getHeader(req, 'From') ?? ''],
        ['To', getHeader(req, 'To') ?? ''],
        ['Call-ID', getHeader(req, 'Call-ID') ?? ''],
        ['CSeq', getHeader(req, 'CSeq') ?? ''],
        ...m.headers.filter(([k]) => !/^(via|from|to|call-id|cseq|content-length)$/i.test(k)),
      ],
      body: m.body,
    };
    let dialogId = '';
    if (inv && inv.side === 'trunk') {
      inv.appTag ??= `app${randomUUID().slice(0, 6)}`;
      if (status > 100) setHeader(full, 'To', withTag(getHeader(req, 'To') ?? '', inv.appTag));
      if (!getHeader(full, 'Contact')) setHeader(full, 'Contact', '<sip:app@127.0.0.1:5060>');
      if (status >= 200) {
        inv.final = status;
        this.trunkFinals.set(getHeader(req, 'Call-ID') ?? '', status);
      }
      if (status === 200) {
        dialogId = inv.dialogId;
        this.dialogs.set(dialogId, {
          id: dialogId,
          callId: getHeader(req, 'Call-ID') ?? '',
          side: 'trunk',
          uri: '',
          appTag: inv.appTag,
          netTag: tagOf(getHeader(req, 'From')) ?? '',
          netFrom: (getHeader(req, 'From') ?? '').replace(/;\s*tag=[^;]+/i, ''),
          netTo: (getHeader(req, 'To') ?? '').replace(/;\s*tag=[^;]+/i, ''),
          cseq: 1,
          established: true,
        });
      }
    } else {
      dialogId = this.networkDialog.get(txnId) ?? '';
    }
    this.echo(socket, msgId, full, txnId, dialogId);
  }

  /** The app sends within a dialog (ACK, BYE, re-INVITE, NOTIFY): the far end answers like a plain phone. */
  private onAppInDialog(socket: Socket, msgId: string, dialogId: string, method: string, m: SipText): void {
    const d = this.dialogs.get(dialogId);
    if (!d) {
      this.write(socket, `response|${msgId}|NOK|unable to find dialog for ${dialogId}`);
      return;
    }
    setHeader(m, 'Call-ID', d.callId);
    setHeader(m, 'From', withTag(d.netTo, d.appTag));
    setHeader(m, 'To', withTag(d.netFrom, d.netTag));
    setHeader(m, 'Via', `SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK${randomUUID().slice(0, 8)}`);
    if (!getHeader(m, 'CSeq')) setHeader(m, 'CSeq', `${method === 'ACK' ? 1 : 2} ${method}`);
    const txnId = randomUUID();
    this.echo(socket, msgId, m, txnId, dialogId);
    if (method === 'ACK') return;
    if (method === 'BYE') d.established = false;
    const inv: PendingInvite = { txnId, request: m, side: d.side, dialogId, appTag: d.netTag };
    this.later(5, () => this.respondToApp(inv, 200, 'OK'));
  }

  private readonly networkRequests = new Map<string, SipText>();
  private readonly networkDialog = new Map<string, string>();

  private deliver(m: SipText, txnId: string, dialogId: string): void {
    const raw = serializeSip(m);
    if (methodOf(m)) {
      this.networkRequests.set(txnId, m);
      this.networkDialog.set(txnId, dialogId);
    }
    const bytes = Buffer.byteLength(raw);
    const head = `sip|network|${bytes}|udp|127.0.0.1|5098|${new Date().toISOString()}|${txnId}|${dialogId}`;
    for (const s of this.authed) this.write(s, `${head}${CRLF}${raw}`);
  }

  private echo(socket: Socket, msgId: string, m: SipText, txnId: string, dialogId: string): void {
    const raw = serializeSip(m);
    const time = new Date().toISOString();
    this.write(
      socket,
      `response|${msgId}|OK|application|${Buffer.byteLength(raw)}|udp|127.0.0.1|5060|${time}|${txnId}|${dialogId}${CRLF}${raw}`,
    );
  }

  private write(socket: Socket, body: string): void {
    const frame = `${randomUUID()}|${body}`;
    socket.write(`${Buffer.byteLength(frame)}#${frame}`);
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
      this.wake();
    }, ms);
    this.timers.add(t);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

function reasonFor(status: number): string {
  const reasons: Record<number, string> = {
    200: 'OK',
    302: 'Moved Temporarily',
    404: 'Not Found',
    408: 'Request Timeout',
    480: 'Temporarily Unavailable',
    486: 'Busy Here',
    487: 'Request Terminated',
    503: 'Service Unavailable',
  };
  return reasons[status] ?? 'Unknown';
}
