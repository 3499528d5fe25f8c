import { AmiConnection, type AmiBackoffOptions, type AmiConnectionState } from '@telephony/ami/ami-connection';
import type { AmiEvent } from '@telephony/ami/ami-message';
import { expirePendingCalls, resyncTracker } from '@telephony/ami/ami-resync';
import { filterActions, isUnread, namedFiltersSupported, type EventsRead } from '@telephony/ami/event-filter';
import { PauseChanges } from '@telephony/ami/pause-changes';
import { renderPjsipAuth, writeFileIfChanged } from '@telephony/ami/pjsip-auth-file';
import {
  DEFAULT_TRACKER_CONFIG,
  eventsRead,
  initialTrackerState,
  reduceAmiEventInPlace,
  type CallTrackerConfig,
  type ReduceResult,
  type TrackerState,
} from '@telephony/ami/call-tracker';
import { TelephonyError } from '@telephony/errors';
import type { OpenCall, TelephonyEvent } from '@telephony/model/call-event';
import type { NormalizeOptions } from '@telephony/phone/normalize-phone';
import type { HangupCause } from '@telephony/model/hangup-cause';
import type {
  CallbackRequest,
  CustomerFirstRequest,
  CustomerFirstResult,
  OriginateRequest,
  SipCredentialsSource,
  SpyMode,
  TelephonyProvider,
} from '@telephony/provider';

export interface AmiProviderConfig {
  kind: 'ami';
  host: string;
  port: number;
  user: string;
  secret: string;
  /** Channels towards the carrier. Default `PJSIP/trunk…-<hex>`. */
  trunkChannel?: RegExp;
  /** Operator channels; group 1 = extension. Default `PJSIP|SIP|IAX2|Local/<2-6 digits>`. */
  agentChannel?: RegExp;
  normalize?: NormalizeOptions;
  /** Dial string of an operator's phone; `{ext}` is replaced. Default `PJSIP/{ext}`. */
  agentDial?: string;
  /** Dialplan context click-to-call continues in once the operator answers. Default `from-crm`. */
  originateContext?: string;
  /** Context whose extension `<visitor>` waits in ZV_CALLBACK_QUEUE ("call me back"). Default `zv-callback`. */
  callbackContext?: string;
  /** Seconds the operator's phone rings on originate/spy. Default 30. */
  ringSeconds?: number;
  /** How long a call found gone on resync waits for its Cdr before closing as `failed`. Default 30 s. */
  cdrGraceMs?: number;
  actionTimeoutMs?: number;
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  connectTimeoutMs?: number;
  backoff?: AmiBackoffOptions;
  /** Optional sink for adapter diagnostics (listener errors, resync failures). */
  onDiagnostic?: (message: string, error?: unknown) => void;
  /** Calls an earlier adapter process left open (the server's records), taken over on resync. */
  openCalls?: () => Promise<readonly OpenCall[]>;
  /** Which of these calls the server's records show ended: asked before closing a vanished call as failed. */
  closedCalls?: (callIds: readonly string[]) => Promise<readonly string[]>;
  /**
   * Per-user SIP secrets: written as pjsip auth sections into `file` (which pjsip.conf `#include`s), then res_pjsip
   * is reloaded over AMI (`Reload`, needs the `system` write class). Synced before every `provider.up`, every
   * `resyncMs` (default 60 s; cheap when nothing changed) and on `syncCredentials()`.
   */
  pjsipAuth?: { file: string; credentials: SipCredentialsSource; resyncMs?: number };
}

/**
 * ChanSpy options per mode: `q` no beep/announcement, `E` stop when the spied channel hangs up,
 * `w` whisper to the spied channel, `B` barge (talk to both sides), `u` the target is a Uniqueid (exact, survives
 * renames), `d` DTMF 4/5/6 switch listen/whisper/barge in place (the supervisor's keypad, or setSpyMode).
 */
export const SPY_OPTIONS: Record<SpyMode, string> = { listen: 'qEdu', whisper: 'qwEdu', barge: 'qBEdu' };
/** The ChanSpy `d` digits that switch a running spy leg to each mode. */
export const SPY_MODE_DIGITS: Record<SpyMode, string> = { listen: '4', whisper: '5', barge: '6' };

const EXTENSION = /^\d{2,6}$/;
/** OriginateResponse `Reason` (AST_CONTROL_*): 1 hung up, 3 rang out, 5 busy, 8 congestion. */
const ORIGINATE_REASONS: Record<string, HangupCause> = { '3': 'no-answer', '5': 'busy', '8': 'congestion' };
const DESTINATION = /^\+?[\d*#]{2,20}$/;

/**
 * The AMI provider: connection (asterisk-manager's socket, our frame parser) → call tracker → listeners.
 * The provider is the tracker state's sole owner, so live events are reduced in place.
 * On every (re)connect it resyncs from CoreShowChannels + QueueStatus before reporting `provider.up`;
 * events that arrive meanwhile are buffered and applied after the snapshot, in order.
 */
export class AmiProvider implements TelephonyProvider {
  readonly source = 'ami' as const;
  private readonly connection: AmiConnection;
  private readonly tracker: CallTrackerConfig;
  private state: TrackerState = initialTrackerState();
  private readonly listeners = new Set<(event: TelephonyEvent) => void>();
  private up = false;
  private resyncing = false;
  private buffered: AmiEvent[] = [];
  private expiryTimer: NodeJS.Timeout | undefined;
  /** Local clock at the last PBX timestamp seen, to estimate PBX time for grace expiry. */
  private localAtLastTimestamp = Date.now();
  private readonly unsubscribe: Array<() => void> = [];
  /** Syncs run one after another, each with the records as they are when it starts. */
  private credentialSync: Promise<void> = Promise.resolve();
  /** The auth file content Asterisk was last told to load; unknown after a reconnect. */
  private reloadedAuth: string | undefined;
  private credentialTimer: NodeJS.Timeout | undefined;
  private readonly pauses = new PauseChanges();
  private readonly read: EventsRead;

  constructor(private readonly config: AmiProviderConfig) {
    this.tracker = {
      trunkChannel: config.trunkChannel ?? DEFAULT_TRACKER_CONFIG.trunkChannel,
      agentChannel: config.agentChannel ?? DEFAULT_TRACKER_CONFIG.agentChannel,
      ...(config.normalize ? { normalize: config.normalize } : {}),
    };
    this.read = eventsRead(this.tracker);
    this.connection = new AmiConnection({
      host: config.host,
      port: config.port,
      user: config.user,
      secret: config.secret,
      ...(config.actionTimeoutMs !== undefined ? { actionTimeoutMs: config.actionTimeoutMs } : {}),
      ...(config.pingIntervalMs !== undefined ? { pingIntervalMs: config.pingIntervalMs } : {}),
      ...(config.pingTimeoutMs !== undefined ? { pingTimeoutMs: config.pingTimeoutMs } : {}),
      ...(config.connectTimeoutMs !== undefined ? { connectTimeoutMs: config.connectTimeoutMs } : {}),
      ...(config.backoff ? { backoff: config.backoff } : {}),
      ignore: (frame) => isUnread(this.read, frame),
    });
  }

  /** Resolves once the first connection attempt is over; rejects (fatal) on refused credentials. */
  async start(): Promise<void> {
    if (this.unsubscribe.length > 0) return;
    this.unsubscribe.push(
      this.connection.on('event', (ev) => this.onAmiEvent(ev)),
      this.connection.on('state', (s, reason) => this.onState(s, reason)),
    );
    const auth = this.config.pjsipAuth;
    if (auth) {
      // A safety net for a sync request that never arrived (a relay command lost with Redis, a node down).
      this.credentialTimer = setInterval(() => {
        if (this.up) this.syncCredentials().catch((e: unknown) => this.config.onDiagnostic?.('SIP secrets sync', e));
      }, auth.resyncMs ?? 60_000);
      this.credentialTimer.unref();
    }
    await this.connection.start();
  }

  async stop(): Promise<void> {
    for (const u of this.unsubscribe.splice(0)) u();
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    clearInterval(this.credentialTimer);
    await this.connection.stop();
    if (this.up) {
      this.up = false;
      this.publish([{ type: 'provider.down', source: 'ami', occurredAt: new Date().toISOString(), reason: 'stopped' }]);
    }
  }

  onEvent(listener: (event: TelephonyEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  isUp(): boolean {
    return this.up;
  }

  /**
   * Current tracker state for diagnostics and the server's initial sync: the live state, updated in place as
   * events arrive, so read it at once and never write to it.
   */
  snapshot(): TrackerState {
    return this.state;
  }

  /**
   * Click-to-call: rings the operator's phone, then continues in `originateContext` at `destination`.
   * Resolves when Asterisk reports the originate answered (OriginateResponse Success); the call's events
   * arrive through onEvent like any other call. The requestId travels as channel variable ZVONOK_REQUEST_ID.
   */
  async originate(request: OriginateRequest): Promise<void> {
    if (!EXTENSION.test(request.agentExtension)) {
      throw new TelephonyError('ACTION_FAILED', `invalid operator extension "${request.agentExtension}"`);
    }
    const destination = request.destination.replace(/[\s()-]/g, '');
    if (!DESTINATION.test(destination)) {
      throw new TelephonyError('ACTION_FAILED', `invalid destination "${request.destination}"`);
    }
    await this.connection.originate({
      channel: this.agentDial(request.agentExtension),
      context: this.config.originateContext ?? 'from-crm',
      exten: destination,
      priority: 1,
      timeout: (this.config.ringSeconds ?? 30) * 1000,
      // The operator's phone shows whom it is about to call.
      callerid: `"${destination}" <${destination}>`,
      variable: {
        ZVONOK_REQUEST_ID: request.requestId,
        ...(request.callerId && /^\+\d{6,15}$/.test(request.callerId) ? { ZV_CALLER_ID: request.callerId } : {}),
      },
    });
  }

  /**
   * "Call me back": originates `Local/<visitor>@<callbackContext>`, whose far half waits in the queue
   * (ZV_CALLBACK_QUEUE) for up to `waitSeconds`; when an operator answers, the near half continues in
   * `originateContext` at the visitor's number, so the PBX dials the visitor and bridges them. Resolves at that
   * answer (OriginateResponse Success); the call's events arrive through onEvent like any queue call (outbound,
   * to the visitor), so the operator's card pops while their phone rings.
   */
  async originateCallback(request: CallbackRequest): Promise<void> {
    const destination = request.destination.replace(/[\s()-]/g, '');
    if (!/^\+\d{6,15}$/.test(destination)) {
      throw new TelephonyError('ACTION_FAILED', `invalid callback number "${request.destination}"`);
    }
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(request.queue)) {
      throw new TelephonyError('ACTION_FAILED', `invalid queue "${request.queue}"`);
    }
    // A name goes into a SIP display name: no quotes, angle brackets or control characters.
    const name = (request.callerName ?? '').replace(/["<>\\\p{Cc}]/gu, '').slice(0, 40);
    await this.connection.originate(
      {
        channel: `Local/${destination}@${this.config.callbackContext ?? 'zv-callback'}`,
        context: this.config.originateContext ?? 'from-crm',
        exten: destination,
        priority: 1,
        timeout: request.waitSeconds * 1000,
        callerid: `"${name || destination}" <${destination}>`,
        variable: {
          ZVONOK_REQUEST_ID: request.requestId,
          ZV_CALLBACK_QUEUE: request.queue,
          ZV_CALLBACK_WAIT: String(request.waitSeconds),
          ZV_DIRECTION: 'outbound',
        },
      },
      (request.waitSeconds + 15) * 1000,
    );
  }

  /**
   * Customer first: originates `Local/<customer>@<originateContext>`, whose far half dials the customer through the
   * carrier (with the campaign's caller ID); once they answer, the near half continues in `callbackContext` at their
   * number and waits in `queue` for `waitSeconds` (the dialplan "call me back" uses, the other way round). The
   * customer's ring is the trunk's (30 s in the reference dialplan). Resolves at the customer's answer.
   */
  async originateCustomerFirst(request: CustomerFirstRequest): Promise<CustomerFirstResult> {
    const destination = request.destination.replace(/[\s()-]/g, '');
    if (!/^\+\d{6,15}$/.test(destination)) {
      throw new TelephonyError('ACTION_FAILED', `invalid customer number "${request.destination}"`);
    }
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(request.queue)) {
      throw new TelephonyError('ACTION_FAILED', `invalid queue "${request.queue}"`);
    }
    const ringSeconds = 30;
    try {
      await this.connection.originate(
        {
          channel: `Local/${destination}@${this.config.originateContext ?? 'from-crm'}`,
          context: this.config.callbackContext ?? 'zv-callback',
          exten: destination,
          priority: 1,
          timeout: (ringSeconds + 5) * 1000,
          callerid: `"${destination}" <${destination}>`,
          variable: {
            ZVONOK_REQUEST_ID: request.requestId,
            ZV_CALLBACK_QUEUE: request.queue,
            ZV_CALLBACK_WAIT: String(request.waitSeconds),
            ZV_DIRECTION: 'outbound',
            ...(request.callerId && /^\+\d{6,15}$/.test(request.callerId) ? { ZV_CALLER_ID: request.callerId } : {}),
          },
        },
        (ringSeconds + 15) * 1000,
      );
      return { answered: true };
    } catch (err) {
      const reason =
        err instanceof TelephonyError ? (err.cause as { originateReason?: string } | undefined) : undefined;
      if (reason?.originateReason === undefined) throw err;
      return { answered: false, cause: ORIGINATE_REASONS[reason.originateReason] ?? 'failed' };
    }
  }

  /**
   * QueuePause (all queues) for every queue-member interface of the operator: the configured dial interface plus
   * the devices QueueStatus/QueueMemberStatus reported (e.g. `PJSIP/1001-web` beside `PJSIP/1001`), so a paused
   * operator gets no queue calls on any device. Succeeds when at least one interface was paused. The change comes
   * back as `agent.state` with `pauseChange: 'requested'`; one made on the PBX itself comes as `'external'`.
   */
  async setAgentPaused(agentExtension: string, paused: boolean, reason?: string): Promise<void> {
    if (!EXTENSION.test(agentExtension)) {
      throw new TelephonyError('ACTION_FAILED', `invalid operator extension "${agentExtension}"`);
    }
    const known = Object.hasOwn(this.state.agents, agentExtension) ? this.state.agents[agentExtension] : undefined;
    const interfaces = [
      ...new Set([this.agentDial(agentExtension), ...Object.keys(known?.devices ?? {}).filter((d) => d.includes('/'))]),
    ];
    const withdraw = this.pauses.request(agentExtension, paused, reason);
    const results = await Promise.allSettled(
      interfaces.map((iface) =>
        this.connection.action({
          action: 'QueuePause',
          interface: iface,
          paused: paused ? 'true' : 'false',
          ...(reason ? { reason } : {}),
        }),
      ),
    );
    if (results.some((r) => r.status === 'fulfilled')) return;
    withdraw();
    const first = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    throw first?.reason instanceof Error ? first.reason : new TelephonyError('ACTION_FAILED', 'QueuePause failed');
  }

  /**
   * Rings the supervisor and runs ChanSpy on the call's operator leg (or the caller's leg before an answer),
   * targeted by the leg's Uniqueid (`u` option, Asterisk ≥ 20).
   */
  async spy(supervisorExtension: string, targetCallId: string, mode: SpyMode): Promise<void> {
    if (!EXTENSION.test(supervisorExtension)) {
      throw new TelephonyError('ACTION_FAILED', `invalid supervisor extension "${supervisorExtension}"`);
    }
    const call = [...this.state.calls.values()].find((c) => c.callId === targetCallId);
    if (!call) throw new TelephonyError('UNKNOWN_CALL', `no live call ${targetCallId}`);
    const channels = [...this.state.channels.values()].filter((c) => c.callKey === call.key && !c.hungUp);
    const target =
      channels.find((c) => c.role === 'agent' && c.agentId === call.connectedAgentId) ??
      channels.find((c) => c.uniqueid === call.originUniqueid) ??
      channels[0];
    if (!target) throw new TelephonyError('UNKNOWN_CALL', `call ${targetCallId} has no live channel`);
    await this.connection.originate({
      channel: this.agentDial(supervisorExtension),
      application: 'ChanSpy',
      data: `${target.uniqueid},${SPY_OPTIONS[mode]}`,
      timeout: (this.config.ringSeconds ?? 30) * 1000,
      callerid: `"Spy ${mode}" <${supervisorExtension}>`,
      // The spy leg is a call of its own; the hint keeps it from looking like an outbound call.
      variable: { ZV_DIRECTION: 'internal', ZVONOK_SPY_CALL: targetCallId },
    });
  }

  /**
   * Switches the supervisor's running ChanSpy leg to another mode without dropping it: emulates the supervisor
   * pressing 4/5/6 (PlayDTMF with Receive), which ChanSpy's `d` option maps to listen/whisper/barge.
   * UNKNOWN_CALL when the supervisor has no ChanSpy leg (not answered yet, or hung up).
   */
  async setSpyMode(supervisorExtension: string, mode: SpyMode): Promise<void> {
    if (!EXTENSION.test(supervisorExtension)) {
      throw new TelephonyError('ACTION_FAILED', `invalid supervisor extension "${supervisorExtension}"`);
    }
    const prefix = `${this.agentDial(supervisorExtension)}-`;
    const { events } = await this.connection.actionList({ action: 'CoreShowChannels' });
    const leg = events.find(
      (e) => (e.fields.channel ?? '').startsWith(prefix) && (e.fields.application ?? '').toLowerCase() === 'chanspy',
    );
    if (!leg?.fields.channel) throw new TelephonyError('UNKNOWN_CALL', `${supervisorExtension} has no ChanSpy leg`);
    await this.connection.action({
      action: 'PlayDTMF',
      channel: leg.fields.channel,
      digit: SPY_MODE_DIGITS[mode],
      receive: 'yes',
    });
  }

  /** AMI `PJSIPShowEndpoint`: Success (with its detail events) when the endpoint exists, Error when it does not. */
  async endpointExists(endpoint: string): Promise<boolean> {
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(endpoint)) return false;
    try {
      await this.connection.actionList({ action: 'PJSIPShowEndpoint', endpoint });
      return true;
    } catch (err) {
      if (err instanceof TelephonyError && err.code === 'ACTION_FAILED') return false;
      throw err;
    }
  }

  /**
   * Rewrites the pjsip auth file from the credentials source and, when it changed since Asterisk last loaded it,
   * reloads res_pjsip. With AMI down the file is still written (an Asterisk restart reads it) and the call rejects;
   * the next connect reloads it.
   */
  syncCredentials(): Promise<void> {
    const run = async () => {
      const auth = this.config.pjsipAuth;
      if (!auth) {
        throw new TelephonyError('ACTION_FAILED', 'no pjsip auth file is configured (PJSIP_AUTH_FILE)');
      }
      const content = renderPjsipAuth(await auth.credentials());
      await writeFileIfChanged(auth.file, content);
      if (content === this.reloadedAuth) return;
      await this.connection.action({ action: 'Reload', module: 'res_pjsip.so' });
      this.reloadedAuth = content;
    };
    const next = this.credentialSync.catch(() => undefined).then(run);
    this.credentialSync = next;
    return next;
  }

  // -------------------------------------------------------------------------------------------------------------

  private agentDial(ext: string): string {
    return (this.config.agentDial ?? 'PJSIP/{ext}').replace('{ext}', ext);
  }

  private publish(events: TelephonyEvent[]): void {
    for (const raw of events) {
      const ev = raw.type === 'agent.state' ? this.pauses.classify(raw) : raw;
      for (const l of this.listeners) {
        try {
          l(ev);
        } catch (e) {
          this.config.onDiagnostic?.('telephony listener threw', e);
        }
      }
    }
  }

  private apply(result: ReduceResult): void {
    if (result.state.lastTimestampMs !== this.state.lastTimestampMs) this.localAtLastTimestamp = Date.now();
    this.state = result.state;
    this.publish(result.events);
  }

  private onAmiEvent(ev: AmiEvent): void {
    if (this.resyncing) {
      this.buffered.push(ev);
      return;
    }
    this.apply(reduceAmiEventInPlace(this.state, ev, this.tracker));
  }

  private onState(s: AmiConnectionState, reason?: string): void {
    if (s === 'connected') {
      void this.resync();
      return;
    }
    if (s === 'backoff' || s === 'stopped') {
      this.reloadedAuth = undefined;
      this.pauses.linkLost();
    }
    if ((s === 'backoff' || s === 'stopped') && this.up) {
      this.up = false;
      this.publish([
        { type: 'provider.down', source: 'ami', occurredAt: new Date().toISOString(), reason: reason ?? s },
      ]);
    }
  }

  /**
   * Asks Asterisk to send this session only the events the adapter reads (event-filter.ts). A session's filters
   * end with it, so every (re)connection asks again. A PBX that cannot (too old, or a user without the `system`
   * write permission) still works: the same events are then dropped here, at a cost in its and the node's CPU.
   */
  private async filterEvents(): Promise<void> {
    try {
      const settings = await this.connection.action({ action: 'CoreSettings' });
      const version = settings.fields.asteriskversion ?? '';
      if (!namedFiltersSupported(version)) throw new Error(`Asterisk "${version}" has no event filters by name`);
      await Promise.all(filterActions(this.read).map((a) => this.connection.action(a)));
    } catch (e) {
      this.config.onDiagnostic?.('AMI events unfiltered (needs Asterisk 22.1+ and an AMI user with write = system)', e);
    }
  }

  private pbxNow(): number {
    // Before any timestamped event the local clock is the best estimate of the PBX clock.
    if (this.state.lastTimestampMs === 0) return Date.now();
    return this.state.lastTimestampMs + (Date.now() - this.localAtLastTimestamp);
  }

  private async resync(): Promise<void> {
    this.resyncing = true;
    try {
      await this.filterEvents();
      const channels = await this.connection.actionList({ action: 'CoreShowChannels' });
      const queue = await this.connection.actionList({ action: 'QueueStatus' }).catch(() => undefined);
      const openCalls = await this.openCalls();
      const ts = Number(channels.complete.fields.timestamp);
      const atMs = Number.isFinite(ts) && ts > 0 ? Math.round(ts * 1000) : this.pbxNow();
      this.apply(
        resyncTracker(
          this.state,
          { channels: channels.events, queue: queue?.events ?? [], atMs, openCalls },
          this.tracker,
        ),
      );
    } catch (e) {
      // Keep going with what we have: live events still flow; a later reconnect resyncs again.
      this.config.onDiagnostic?.('AMI resync failed', e);
    } finally {
      const buffered = this.buffered;
      this.buffered = [];
      this.resyncing = false;
      for (const ev of buffered) this.apply(reduceAmiEventInPlace(this.state, ev, this.tracker));
    }
    // Before `provider.up`, so whoever waits for telephony to be ready also finds the phones' secrets in place.
    if (this.config.pjsipAuth) {
      await this.syncCredentials().catch((e: unknown) => this.config.onDiagnostic?.('SIP secrets not provisioned', e));
    }
    if (this.connection.getState() === 'connected' && !this.up) {
      this.up = true;
      this.publish([{ type: 'provider.up', source: 'ami', occurredAt: new Date().toISOString() }]);
    }
    this.scheduleExpiry();
  }

  private async expire(graceMs: number): Promise<void> {
    const pending = [...this.state.calls.values()].filter((c) => c.pendingCloseSinceMs !== undefined);
    let closed: readonly string[] = [];
    try {
      closed = (await this.config.closedCalls?.(pending.map((c) => c.callId))) ?? [];
    } catch (e) {
      this.config.onDiagnostic?.('closed calls unavailable; closing vanished calls anyway', e);
    }
    this.apply(expirePendingCalls(this.state, this.pbxNow(), graceMs, this.tracker, new Set(closed)));
    this.scheduleExpiry();
  }

  /** Without the server's records a restarted adapter still resyncs; it just cannot close what it never saw. */
  private async openCalls(): Promise<readonly OpenCall[]> {
    try {
      return (await this.config.openCalls?.()) ?? [];
    } catch (e) {
      this.config.onDiagnostic?.('open calls unavailable for resync', e);
      return [];
    }
  }

  private scheduleExpiry(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    const pending = [...this.state.calls.values()].some((c) => c.pendingCloseSinceMs !== undefined);
    if (!pending) return;
    const grace = this.config.cdrGraceMs ?? 30_000;
    this.expiryTimer = setTimeout(() => {
      this.expiryTimer = undefined;
      void this.expire(grace);
    }, grace + 50);
    this.expiryTimer.unref();
  }
}
