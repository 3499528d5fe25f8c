import { createHash } from 'node:crypto';

import { TelephonyError } from '@telephony/errors';
import type { ProviderStatusEvent, TelephonyEvent } from '@telephony/model/call-event';
import { toParty, type NormalizeOptions } from '@telephony/phone/normalize-phone';
import type { OriginateRequest, SipCredentialsSource, SpyMode, TelephonyProvider } from '@telephony/provider';
import {
  createSrf,
  drachtioWireErrors,
  hardenDrachtioWire,
  type Dialog,
  type DrachtioSrf,
  type SipErrorLike,
  type SipMessageLike,
  type SentRequest,
  type SrfRequest,
  type ThirdPartyAnswer,
  type SrfResponse,
} from '@telephony/sip/drachtio';
import type { SipDialogStore, StoredCall, StoredDialog } from '@telephony/sip/dialog-store';
import { isWebrtcUri, MediaAnchor, tagOf, type MediaAnchorConfig } from '@telephony/sip/media-anchor';
import { recordCall } from '@telephony/sip/recording/call-recording';
import { ReferProgress } from '@telephony/sip/refer-progress';
import type { CredentialStore } from '@telephony/sip/redis-credential-store';
import { Registrar, type CredentialsLookup } from '@telephony/sip/registrar';
import { AgentRoster, availableMembers, type SipQueueConfig } from '@telephony/sip/sip-queue';
import type { RegistrationStore } from '@telephony/sip/registration-store';
import { SipCall, type EndOptions } from '@telephony/sip/sip-call';
import {
  callerParty,
  calledParty,
  causeFromBye,
  causeFromSipFailure,
  callIdForSip,
  isHoldDirection,
  parseNameAddr,
  referReplaces,
  referTarget,
  sdpDirection,
} from '@telephony/sip/sip-event-mapper';

/** Who should get a call: the server answers from the CRM (the caller's owner, else a queue's free operator). */
export type SipRouteHook = (fromE164: string | null) => Promise<{ agentExtension: string; contact?: string } | null>;

export interface SipBackoffOptions {
  /** First retry after a refused secret (ms). Default 500. */
  initialDelayMs?: number;
  /** Cap for both our auth retries and drachtio-srf's own transport reconnect (`retryMaxDelay`). Default 30 000. */
  maxDelayMs?: number;
}

export interface SipProviderConfig {
  kind: 'sip';
  /** drachtio-server admin address (inbound connection, plain TCP: see the TLS note in `connectOnce`). */
  host: string;
  port: number;
  secret: string;
  route: SipRouteHook;
  /** Operator phones' contacts as the registrar stored them; looked up when `route` gives no contact. */
  registrations?: RegistrationStore;
  /** Enables the REGISTER handler (digest auth against this lookup). Needs `registrations`. */
  credentials?: CredentialsLookup;
  /**
   * Per-user secrets: `syncCredentials()` (and `start()`) writes the source's set into `store`, which the registrar
   * then reads unless `credentials` is given. Needs `registrations`.
   */
  provisioning?: { credentials: SipCredentialsSource; store: CredentialStore };
  /** Digest realm for REGISTER. Default `zvonok`. */
  realm?: string;
  /** Shared key for stateless digest nonces (all instances behind one drachtio must share it). */
  nonceSecret?: string;
  /** URI for an extension with no registration, `{ext}` replaced — e.g. `sip:{ext}@127.0.0.1:5060` (Asterisk). */
  extensionUri?: string;
  normalize?: NormalizeOptions;
  backoff?: SipBackoffOptions;
  /** drachtio `ping` keep-alive interval, 5000…300000 ms. Default 15 000. */
  pingIntervalMs?: number;
  /**
   * After a reconnect, how long a call cut off by the drop waits for drachtio's cdr:stop before closing as failed.
   * drachtio-server sends CDRs only with `<cdrs>true</cdrs>` in drachtio.conf.xml. Default 30 000.
   */
  cdrGraceMs?: number;
  clock?: () => number;
  onDiagnostic?: (message: string, error?: unknown) => void;
  /**
   * rtpengine's ng address: every bridged call's media is anchored there. Without it media flows end to end
   * between the trunk and the phone and nothing is recorded.
   */
  rtpengine?: MediaAnchorConfig;
  /**
   * Records answered calls (needs `rtpengine`): rtpengine writes a pcap per call into `spoolDir` (its
   * `--recording-dir`, `pcap` method); at the end the SIP front turns it into a WAV in `outputDir` (the server's
   * RECORDINGS_DIR) and reports `recording.ready` with it, as the AMI adapter does for MixMonitor's file.
   */
  recording?: { spoolDir: string; outputDir: string };
  /**
   * A queue on the SIP front: the route hook's operator (the caller's owner) rings first for `ownerRingTimeoutMs`,
   * then the queue offers the call to its free members (not paused through `setAgentPaused`, not on or ringing for
   * another call) until `queueTimeoutMs`, after which the caller gets 480 and the call ends missed. Without it, the
   * route hook's operator is the only one rung and their phone's answer is the call's.
   */
  queue?: SipQueueConfig;
  /**
   * Where click-to-call dials the customer: the carrier trunk, `{number}` replaced by the destination as typed
   * (digits and a leading +), e.g. `sip:{number}@trunk.example:5060`. Without it `originate` is refused.
   */
  trunkUri?: string;
  /** How long the operator's phone rings on click-to-call. Default 30 000. */
  originateRingMs?: number;
  /**
   * Without a queue: how long the route hook's operator rings before the caller gets 480 and the call ends
   * `no-answer` (Asterisk's Dial timeout, `ZV_RING_TIMEOUT` in the reference profile). Unset: until the phone or
   * the caller gives up.
   */
  ringTimeoutMs?: number;
  /**
   * Where this node keeps the calls it has open (Redis in production), under its name `node`, stable across
   * restarts. On start the node takes over what its predecessor of the same name left there: an answered call
   * whose two dialogs are still up is adopted (its hang-up, from either side, ends it as usual), when drachtio-server
   * hands dialogs over (see `adoptsDialogs`); every other one is ended: a BYE to each dialog still up, the call
   * deleted in rtpengine (so its recording is written), `call.ended failed` (`SIP_FRONT_RESTARTED`).
   * Without it a restarted node knows nothing of its predecessor's calls.
   */
  dialogs?: { store: SipDialogStore; node: string };
  /** Which of these calls the records show ended already: a restart does not end them a second time. */
  closedCalls?: (callIds: readonly string[]) => Promise<readonly string[]>;
  /** Test seam: builds the drachtio-srf instance with the tags it connects with. */
  createSrf?: (tags: string[]) => DrachtioSrf;
}

interface ActiveCall {
  call: SipCall;
  sipCallId: string;
  legCallIds: Set<string>;
  cancelled: boolean;
  uas?: Dialog;
  uac?: Dialog;
  /** Cut off by a lost drachtio connection; waits for cdr:stop or the grace timer. */
  orphaned: boolean;
  graceTimer?: NodeJS.Timeout;
  /**
   * rtpengine's keys for the call: the caller's From tag and the tag of the operator leg's side; `webrtc` when that
   * side is a browser (offers to it are WebRTC ones).
   */
  media?: { callerTag: string; calleeTag?: string; recorded: boolean; webrtc?: boolean };
  /** Set once the end is decided; the end itself may wait for rtpengine to close the recording. */
  finishing: boolean;
  /** Stops the ringing in progress (the caller CANCELled). */
  stopRinging?: () => void;
  /** The operator's consultation call to a colleague, before an attended transfer (REFER with Replaces). */
  consult?: Consultation;
  /** Supervisors' listen-in legs: hung up with the call. */
  listeners?: Set<Dialog>;
  /** A call a previous process of this node made: its dialogs, which srf does not hold, by drachtio's ids. */
  adopted?: StoredDialog[];
  /** The call's writes to the dialog store, one after another (a late save must not outlive the removal). */
  stored?: Promise<void>;
}

/** 1001 (on this call) calls 1003 to talk first: 1001's leg to us (`uas`) and ours to 1003 (`uac`). */
interface Consultation {
  agent: string;
  /** Call-ID and From tag of 1001's INVITE: what its REFER's Replaces names. */
  sipCallId: string;
  fromTag: string | undefined;
  uas?: Dialog;
  uac?: Dialog;
}

/**
 * The SIP front: a drachtio-srf B2BUA between the trunk and the operators' phones, reporting the same normalized
 * events as the AMI provider. Trunk INVITE → route hook → operator (registered contact or Asterisk extension).
 */
export class SipProvider implements TelephonyProvider {
  readonly source = 'sip' as const;
  private readonly listeners = new Set<(event: TelephonyEvent) => void>();
  private readonly calls = new Map<string, ActiveCall>();
  /** Every leg's Call-ID → its call, so cdr:stop for either leg finds the call. */
  private readonly byLeg = new Map<string, ActiveCall>();
  private readonly registrar: Registrar | undefined;
  private readonly media: MediaAnchor | undefined;
  private readonly roster = new AgentRoster();
  private readonly clock: () => number;
  private srf: DrachtioSrf | undefined;
  private up = false;
  private stopped = false;
  private lastDown: string | undefined;
  private authFailures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private firstOutcome: (() => void) | undefined;
  /** The predecessor's calls are taken over once per start, on the first connection. */
  private leftoversDone = false;
  /** The connected drachtio-server hands a gone connection's dialogs to one of the same app (see adoptsDialogs). */
  private handsDialogsOver = false;
  /** Dialog store writes under way; stop() waits for them. */
  private readonly storeWrites = new Set<Promise<void>>();
  private readonly onWireError = (error: Error) => this.diag('drachtio wire error', error);

  constructor(private readonly config: SipProviderConfig) {
    this.clock = config.clock ?? Date.now;
    const credentials = config.credentials ?? config.provisioning?.store.lookup;
    if (credentials) {
      if (!config.registrations) {
        throw new TelephonyError('ACTION_FAILED', 'SIP registrar needs a registration store', true);
      }
      this.registrar = new Registrar({
        credentials,
        store: config.registrations,
        ...(config.realm ? { realm: config.realm } : {}),
        ...(config.nonceSecret ? { nonceSecret: config.nonceSecret } : {}),
        clock: this.clock,
      });
    }
    this.media = config.rtpengine ? new MediaAnchor(config.rtpengine) : undefined;
  }

  /**
   * Resolves after the first connection attempt is decided (up, secret refused, or unreachable); never rejects.
   * Started already, it does nothing: a second drachtio connection would get a share of the INVITEs (drachtio-server
   * spreads them over its connected apps) and leave the first one unretired.
   */
  start(): Promise<void> {
    if (!this.stopped && (this.srf || this.retryTimer)) return Promise.resolve();
    this.stopped = false;
    this.leftoversDone = false;
    hardenDrachtioWire();
    drachtioWireErrors.on('error', this.onWireError);
    if (this.config.provisioning) {
      this.syncCredentials().catch((error: unknown) => this.diag('SIP secrets not provisioned', error));
    }
    return new Promise((resolve) => {
      this.firstOutcome = resolve;
      this.connectOnce();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    drachtioWireErrors.off('error', this.onWireError);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const active of this.calls.values()) if (active.graceTimer) clearTimeout(active.graceTimer);
    if (this.srf) retire(this.srf);
    this.srf = undefined;
    this.media?.close();
    this.settleFirst();
    if (this.up) {
      this.up = false;
      this.markDown('stopped');
    }
    // What the store says once stopped is what a successor finds: no write of ours may land after that.
    await Promise.all([...this.storeWrites]);
  }

  onEvent(listener: (event: TelephonyEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  isUp(): boolean {
    return this.up;
  }

  /**
   * Click-to-call (third-party call control): an INVITE without SDP rings the operator's phone; its answer carries
   * the phone's offer, which rtpengine turns into the offer for the customer, dialled through the trunk only now;
   * the customer's answer goes back through rtpengine in the operator's ACK. Resolves once the operator answered (as
   * the AMI adapter does on OriginateResponse); the call's events arrive like any other call's: an outbound call
   * from the operator's extension, `call.answered` when the customer answers.
   */
  async originate(request: OriginateRequest): Promise<void> {
    const srf = this.srf;
    if (!srf || !this.up) throw new TelephonyError('PBX_UNREACHABLE', 'drachtio-server is not connected');
    if (!this.config.trunkUri) throw unsupported(`originate for ${request.agentExtension} (no trunkUri configured)`);
    const destination = request.destination.replace(/[\s()-]/g, '');
    if (!/^\+?\d{2,20}$/.test(destination))
      throw new TelephonyError('ACTION_FAILED', `invalid destination "${request.destination}"`);
    const operatorUri = await this.uriFor(request.agentExtension);
    if (!operatorUri) throw new TelephonyError('ACTION_FAILED', `no contact for ${request.agentExtension}`);
    const normalize = this.config.normalize ?? {};
    const sipCallId = `zvonok-originate-${request.requestId}`;
    const active: ActiveCall = {
      call: new SipCall(
        {
          sipCallId,
          direction: 'outbound',
          from: toParty(request.agentExtension, undefined, normalize),
          to: toParty(destination, undefined, normalize),
          nowMs: this.clock(),
        },
        (e) => this.publish(e),
      ),
      sipCallId,
      legCallIds: new Set([sipCallId]),
      cancelled: false,
      orphaned: false,
      finishing: false,
    };
    this.calls.set(sipCallId, active);
    this.byLeg.set(sipCallId, active);
    active.call.created();
    this.remember(active);
    const agent = request.agentExtension;
    let operator: ThirdPartyAnswer;
    try {
      operator = await new Promise<ThirdPartyAnswer>((resolve, reject) => {
        let sent: SentRequest | undefined;
        const timer = setTimeout(() => sent?.cancel(), this.config.originateRingMs ?? 30_000);
        srf
          .createUAC(
            operatorUri,
            {
              noAck: true,
              headers: { 'X-Zvonok-Call-Id': active.call.callId, 'X-Zvonok-Request-Id': request.requestId },
            },
            {
              cbRequest: (err, req) => {
                if (err) return;
                sent = req;
                this.ringing(active, agent, req.get('Call-ID'));
              },
            },
          )
          .then(resolve, reject)
          .finally(() => clearTimeout(timer));
      });
    } catch (error) {
      const e = error as SipErrorLike;
      const outcome =
        typeof e.status === 'number'
          ? causeFromSipFailure(e.status, e.res?.get('Reason'))
          : { cause: 'failed' as const, rawCause: e.message };
      this.finish(active, outcome);
      throw new TelephonyError(
        'ACTION_FAILED',
        `${agent} did not answer (${outcome.rawCause ?? outcome.cause})`,
        false,
        {
          cause: error,
        },
      );
    }
    // The operator's phone stopped ringing; the call is answered when the customer answers (as AMI reports it).
    active.call.ringStopped(agent, this.clock());
    this.handle(this.dialCustomer(srf, active, agent, destination, operator), 'click-to-call');
  }
  /** Queue pause, as the server sets it for break, wrap-up and offline; the queue then skips that operator. */
  setAgentPaused(agentExtension: string, paused: boolean, reason?: string): Promise<void> {
    if (!this.config.queue) return Promise.reject(unsupported(`pause for ${agentExtension} (no queue configured)`));
    this.roster.setPaused(agentExtension, paused, reason);
    return Promise.resolve();
  }
  spy(supervisorExtension: string, targetCallId: string, mode: SpyMode): Promise<void> {
    if (mode !== 'listen') {
      // Whisper and barge need a conference mixer; rtpengine forwards and forks media but mixes nothing.
      return Promise.reject(
        new TelephonyError('NOT_SUPPORTED', `${mode} is not supported on the SIP front (no mixer): use listen`),
      );
    }
    return this.listenIn(supervisorExtension, targetCallId);
  }

  /**
   * Listen-in: rtpengine forks both parties' media (a subscription) to a call to the supervisor's phone, which gets
   * one receive-only audio stream per party (rtpengine does not mix them). Resolves once the supervisor answered,
   * as the AMI adapter's ChanSpy originate does; the listening leg is no part of the call's events.
   */
  private async listenIn(supervisor: string, targetCallId: string): Promise<void> {
    const srf = this.srf;
    if (!srf || !this.up) throw new TelephonyError('PBX_UNREACHABLE', 'drachtio-server is not connected');
    const active = [...this.calls.values()].find((a) => a.call.callId === targetCallId);
    if (!active || !active.call.answered || active.finishing)
      throw new TelephonyError('UNKNOWN_CALL', `call ${targetCallId} is not up on the SIP front`);
    const media = this.media;
    const tags = active.media?.calleeTag ? [active.media.callerTag, active.media.calleeTag] : undefined;
    if (!media || !tags) throw unsupported(`listen-in on ${targetCallId} (its media is not anchored in rtpengine)`);
    const uri = await this.uriFor(supervisor);
    if (!uri) throw new TelephonyError('ACTION_FAILED', `no contact for ${supervisor}`);
    const subscription = await media.subscribe(active.sipCallId, tags);
    const release = () => {
      media.unsubscribe(active.sipCallId, subscription.toTag).catch(() => undefined);
    };
    let leg: Dialog;
    try {
      leg = await srf.createUAC(uri, {
        localSdp: subscription.sdp,
        headers: { 'X-Zvonok-Call-Id': active.call.callId, 'X-Zvonok-Listen': 'listen' },
      });
      await media.subscribeAnswer(active.sipCallId, subscription.toTag, leg.remote.sdp);
    } catch (error) {
      release();
      const e = error as SipErrorLike;
      throw new TelephonyError(
        'ACTION_FAILED',
        `${supervisor} did not take the listen-in (${typeof e.status === 'number' ? `SIP ${e.status}` : messageOf(error)})`,
        false,
        { cause: error },
      );
    }
    if (active.finishing) {
      void leg.destroy().catch(() => undefined);
      return;
    }
    const listeners = (active.listeners ??= new Set());
    const hungUp = () => {
      listeners.delete(leg);
      release();
    };
    listeners.add(leg);
    leg.on('destroy', hungUp);
    // A supervisor who hung up while the answer went to rtpengine: srf took the BYE with nobody listening.
    if (!leg.connected) hungUp();
  }

  /** Replaces the registrar's credentials with the source's current set (see `provisioning`). */
  async syncCredentials(): Promise<void> {
    const provisioning = this.config.provisioning;
    if (!provisioning) throw new TelephonyError('ACTION_FAILED', 'this SIP front has no credential store');
    await provisioning.store.replaceAll(await provisioning.credentials(), this.config.realm ?? 'zvonok');
  }

  /** Number of calls the provider still tracks (diagnostics and tests). */
  activeCallCount(): number {
    return this.calls.size;
  }

  private connectOnce(): void {
    const dialogs = this.config.dialogs;
    const srf = (this.config.createSrf ?? createSrf)(dialogs ? [appTag(dialogs.node)] : []);
    this.srf = srf;
    const backoffMax = this.config.backoff?.maxDelayMs ?? 30_000;
    srf.on('connect', (err, _hostport, serverVersion) => {
      if (this.srf !== srf) return;
      if (err) return this.onAuthFailed(srf, err);
      this.handsDialogsOver = adoptsDialogs(serverVersion);
      this.onUp();
    });
    // drachtio-srf re-emits socket errors as 'error'; without a listener Node would throw them.
    srf.on('error', (err) => {
      if (this.srf === srf) this.onTransportDown(`drachtio connection error: ${err.message}`);
    });
    srf.on('close', () => {
      if (this.srf === srf) this.onTransportDown('drachtio connection closed');
    });
    srf.on('cdr:stop', (_source, _time, _reason, msg) => this.onCdrStop(msg));
    srf.invite((req, res) => {
      this.onInvite(srf, req, res).catch((error: unknown) => this.diag('INVITE handling failed', error));
    });
    srf.bye((req, res) => this.onAdoptedBye(srf, req, res));
    if (this.registrar) {
      const registrar = this.registrar;
      srf.register((req, res) => {
        registrar
          .handle({ method: req.method, uri: req.uri, get: (name) => req.get(name) })
          .then((reply) =>
            reply.reason
              ? res.send(reply.status, reply.reason, { headers: reply.headers })
              : res.send(reply.status, { headers: reply.headers }),
          )
          .catch((error: unknown) => {
            this.diag('REGISTER handling failed', error);
            res.send(500);
          });
      });
    }
    // Plain TCP on purpose. drachtio-srf's reconnect (WireProtocol#_onConnectionGone) always reopens with
    // net.connect(), dropping the `tls` options, so a TLS client silently comes back as plain TCP after any drop
    // and then fails as a protocol error (drachtio/drachtio-srf#211, fix proposed in #212, unmerged in 5.0.29).
    // Keep the admin port on localhost or a private network; if it must cross a network, tunnel it
    // (stunnel/WireGuard) rather than use srf's `tls` option. `retryMaxDelay` caps the library's ×1.7 backoff,
    // which otherwise grows without bound (its default cap is unset).
    srf.connect({
      host: this.config.host,
      port: this.config.port,
      secret: this.config.secret,
      reconnect: { retryMaxDelay: backoffMax },
      enablePing: true,
      pingInterval: this.config.pingIntervalMs ?? 15_000,
    });
  }

  private onUp(): void {
    this.up = true;
    this.lastDown = undefined;
    this.authFailures = 0;
    this.publishStatus({ type: 'provider.up', source: 'sip', occurredAt: this.nowIso() });
    for (const active of this.calls.values()) if (active.orphaned) this.recheck(active);
    if (!this.leftoversDone && this.srf) {
      this.leftoversDone = true;
      this.handle(this.takeOverLeftovers(this.srf), 'taking over the calls a previous process left');
    }
    this.settleFirst();
  }

  /**
   * Takes over the calls the previous process of this node left open. drachtio-server gives a dialog's in-dialog
   * requests only to the admin connection that made it; ours (built with test/sip/drachtio-app-failover.patch)
   * hands them to another connection of the same app name, which we connect with (`appTag`). So an answered call
   * whose two dialogs still answer an in-dialog OPTIONS is adopted: its BYE, from either side, reaches us and ends
   * it. Every other call is ended: a BYE to each dialog still up (by drachtio's id, else one built from the stored
   * Call-ID, tags and contact; a leg that is gone already answers 481, which is fine).
   */
  private async takeOverLeftovers(srf: DrachtioSrf): Promise<void> {
    const dialogs = this.config.dialogs;
    if (!dialogs) return;
    let left = (await dialogs.store.list(dialogs.node)).filter((c) => !this.calls.has(c.sipCallId));
    if (left.length === 0) return;
    const idOf = (c: StoredCall) => callIdForSip(c.sipCallId, c.startedAtMs);
    const closed = new Set(await this.closedCalls(left.map(idOf)));
    for (const stored of left.filter((c) => closed.has(idOf(c)))) {
      await dialogs.store.remove(dialogs.node, stored.sipCallId);
    }
    left = left.filter((c) => !closed.has(idOf(c)));
    await Promise.all(
      left.map(async (stored) => {
        const adoptable =
          this.handsDialogsOver &&
          stored.answeredAtMs !== undefined &&
          stored.dialogs.length === 2 &&
          stored.dialogs.every((d) => d.stackId !== undefined);
        if (adoptable) return this.adoptIfUp(srf, stored);
        await this.endLeftover(srf, this.resumedCall(stored), stored.dialogs);
      }),
    );
  }

  /**
   * A predecessor's call carries on here, as if we had bridged it, but for re-INVITEs and REFERs, when both its
   * dialogs are still up. It is ours before the check, so a BYE that comes meanwhile already ends it.
   */
  private async adoptIfUp(srf: DrachtioSrf, stored: StoredCall): Promise<void> {
    const active = this.resumedCall(stored);
    active.adopted = stored.dialogs;
    this.calls.set(stored.sipCallId, active);
    for (const dialog of stored.dialogs) this.addLeg(active, dialog.callId);
    const up = await Promise.all(stored.dialogs.map((d) => this.dialogUp(srf, d.stackId)));
    if (active.finishing) return;
    if (up.every(Boolean)) {
      this.diag(`call ${stored.sipCallId} left open by a previous process: adopted`);
      return;
    }
    await this.endLeftover(
      srf,
      active,
      stored.dialogs.filter((_, i) => up[i]),
    );
  }

  /** Ends a predecessor's call: a BYE to each of its dialogs still up, then `call.ended failed`, once. */
  private async endLeftover(srf: DrachtioSrf, active: ActiveCall, live: StoredDialog[]): Promise<void> {
    const answers = await Promise.all(live.map((d) => this.byeStored(srf, d)));
    this.diag(`call ${active.sipCallId} left open by a previous process: ended (BYE ${answers.join(', ') || 'none'})`);
    // finish() retires it from the calls: one not adopted enters them only now (an adopted one is there already).
    this.calls.set(active.sipCallId, active);
    this.finish(active, { cause: 'failed', rawCause: 'SIP_FRONT_RESTARTED' });
  }

  /** Whether a dialog is still up: an in-dialog OPTIONS, answered by anything but 481/408 in time. */
  private async dialogUp(srf: DrachtioSrf, stackId: string | undefined): Promise<boolean> {
    if (!stackId) return false;
    const answer = await finalAnswer(srf, 'sip:placeholder', { method: 'OPTIONS', stackDialogId: stackId });
    const up = typeof answer === 'number' && answer !== 481 && answer !== 408;
    // An Error: drachtio-server no longer has the dialog (its BYE came while no process of ours was connected).
    if (!up) this.diag(`dialog ${stackId} is gone (OPTIONS: ${String(answer)})`);
    return up;
  }

  /** The BYE of an adopted call's dialog: answered, passed to the other side, and the call ended as any other. */
  private onAdoptedBye(srf: DrachtioSrf, req: SrfRequest, res: SrfResponse): void {
    const active = this.byLeg.get(req.get('Call-ID') ?? req.callId);
    const from = active?.adopted?.find((d) => d.stackId === req.stackDialogId);
    if (!active?.adopted || !from) {
      res.send(481);
      return;
    }
    res.send(200);
    for (const other of active.adopted.filter((d) => d !== from)) {
      if (!other.stackId) continue;
      void finalAnswer(srf, 'sip:placeholder', { method: 'BYE', stackDialogId: other.stackId }).then((answer) => {
        if (answer instanceof Error) this.diag('BYE to the other leg failed', answer);
      });
    }
    this.finish(active, causeFromBye(req.get('Reason')));
  }

  private async closedCalls(callIds: string[]): Promise<readonly string[]> {
    try {
      return (await this.config.closedCalls?.(callIds)) ?? [];
    } catch (error) {
      this.diag('closed calls lookup failed', error);
      return [];
    }
  }

  /** BYE for a dialog of a previous process, taken as ours; resolves with its answer ("timeout" or "error"). */
  private async byeStored(srf: DrachtioSrf, dialog: StoredDialog): Promise<string> {
    if (dialog.stackId && this.handsDialogsOver) {
      const headers = { Reason: RESTARTED };
      const answer = await finalAnswer(srf, 'sip:placeholder', {
        method: 'BYE',
        stackDialogId: dialog.stackId,
        headers,
      });
      // An Error: unknown to drachtio-server (its own restart); the BYE built from the stored headers may still pass.
      if (!(answer instanceof Error)) return String(answer);
    }
    const answer = await finalAnswer(srf, dialog.remoteUri, {
      method: 'BYE',
      headers: {
        'Call-ID': dialog.callId,
        From: `<sip:zvonok@localhost>;tag=${dialog.localTag}`,
        To: `<${dialog.remoteUri}>;tag=${dialog.remoteTag}`,
        // Above any CSeq the previous process can have used in the dialog (RFC 3261 12.2.1.1 asks for higher).
        CSeq: `${Math.floor(this.clock() / 1000) % 2_000_000_000} BYE`,
        Reason: RESTARTED,
      },
    });
    if (!(answer instanceof Error)) return String(answer);
    this.diag(`BYE to ${dialog.remoteUri} (${dialog.callId}) failed`, answer);
    return 'error';
  }

  private resumedCall(stored: StoredCall): ActiveCall {
    const call = new SipCall(
      {
        sipCallId: stored.sipCallId,
        direction: stored.direction,
        from: stored.from,
        to: stored.to,
        nowMs: stored.startedAtMs,
        resumed: {
          seqBase: this.clock(),
          ...optionalNumber('answeredAtMs', stored.answeredAtMs),
          ...optional('agentId', stored.agentId),
          ...optional('queue', stored.queue),
        },
      },
      (e) => this.publish(e),
    );
    return {
      call,
      sipCallId: stored.sipCallId,
      legCallIds: new Set([stored.sipCallId]),
      cancelled: false,
      orphaned: false,
      finishing: false,
      // Deleting the call in rtpengine closes its pcap, which then becomes the recording as for any call.
      media: {
        callerTag: stored.mediaTags?.caller ?? '',
        ...optional('calleeTag', stored.mediaTags?.callee),
        recorded: stored.recorded,
      },
    };
  }

  /** Saves the call as it is now for a successor (see `dialogs`); queued behind the call's earlier writes. */
  private remember(active: ActiveCall): void {
    const dialogs = this.config.dialogs;
    // An adopted call's entry is its predecessor's, which already says all there is.
    if (!dialogs || active.finishing || active.adopted) return;
    const media = active.media;
    const stored: StoredCall = {
      sipCallId: active.sipCallId,
      ...active.call.state,
      recorded: media?.recorded ?? false,
      ...(media?.calleeTag ? { mediaTags: { caller: media.callerTag, callee: media.calleeTag } } : {}),
      dialogs: legsOf(active).map(storedDialog),
    };
    this.storeStep(active, () => dialogs.store.save(dialogs.node, stored));
  }

  private forget(active: ActiveCall): void {
    const dialogs = this.config.dialogs;
    if (dialogs) this.storeStep(active, () => dialogs.store.remove(dialogs.node, active.sipCallId));
  }

  private storeStep(active: ActiveCall, step: () => Promise<void>): void {
    const write = (active.stored ?? Promise.resolve())
      .then(step)
      .catch((error: unknown) => this.diag(`dialog store write for ${active.sipCallId} failed`, error));
    active.stored = write;
    this.storeWrites.add(write);
    void write.finally(() => this.storeWrites.delete(write));
  }

  /**
   * A refused secret. drachtio-srf would retry by itself, but it resets its backoff on every TCP connect, so a
   * wrong secret would be retried every ~255 ms forever. We retire that instance and retry with our own capped
   * exponential backoff, reporting the reason on provider.down each time it changes.
   */
  private onAuthFailed(srf: DrachtioSrf, err: Error): void {
    retire(srf);
    if (this.srf === srf) this.srf = undefined;
    this.authFailures += 1;
    const b = this.config.backoff ?? {};
    const delay = Math.min(b.maxDelayMs ?? 30_000, (b.initialDelayMs ?? 500) * 2 ** (this.authFailures - 1));
    const error = new TelephonyError(
      'PBX_AUTH_FAILED',
      `drachtio-server at ${this.config.host}:${this.config.port} refused the secret (${err.message}); check DRACHTIO_SECRET`,
      false,
      { cause: err },
    );
    this.diag(error.message, error);
    this.up = false;
    this.markDown(`authentication failed: ${error.message}`);
    this.settleFirst();
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.stopped) this.connectOnce();
    }, delay);
  }

  private onTransportDown(reason: string): void {
    this.settleFirst();
    if (!this.up) {
      if (this.lastDown === undefined) this.markDown(reason);
      return;
    }
    this.up = false;
    this.markDown(reason);
    for (const active of this.calls.values()) {
      active.orphaned = true;
      if (active.graceTimer) clearTimeout(active.graceTimer);
      active.graceTimer = undefined;
    }
  }

  private markDown(reason: string): void {
    if (this.lastDown === reason) return;
    this.lastDown = reason;
    this.publishStatus({ type: 'provider.down', source: 'sip', occurredAt: this.nowIso(), reason });
  }

  /**
   * A call cut off by a lost connection, once connected again. A server that hands dialogs over gives the new
   * connection their requests (srf still holds the Dialogs, an adopted call its stack ids): a call whose dialogs all
   * answer an OPTIONS goes on. Otherwise it waits for drachtio's cdr:stop or the grace period.
   */
  private recheck(active: ActiveCall): void {
    const srf = this.srf;
    const ids = active.adopted ? active.adopted.map((d) => d.stackId) : [active.uas?.id, active.uac?.id];
    if (!srf || !this.handsDialogsOver || !active.call.answered || ids.some((id) => id === undefined)) {
      this.startGrace(active);
      return;
    }
    const check = Promise.all(ids.map((id) => this.dialogUp(srf, id))).then((up) => {
      if (active.finishing || !active.orphaned) return;
      if (!up.every(Boolean)) return this.startGrace(active);
      active.orphaned = false;
      this.keepAsAdopted(active);
      this.diag(`call ${active.sipCallId} still up after the reconnect: goes on`);
    });
    this.handle(check, `rechecking the cut-off call ${active.sipCallId}`);
  }

  /**
   * srf's Dialogs of a call kept over a reconnect still send on the dead connection's socket. The call goes on as an
   * adopted one instead: its dialogs by drachtio's ids, its requests through our handlers (BYE ends it, re-INVITE
   * and REFER are refused), as after a restart.
   */
  private keepAsAdopted(active: ActiveCall): void {
    if (active.adopted) return;
    const legs = legsOf(active);
    active.adopted = legs.map(storedDialog);
    for (const dialog of legs) {
      this.addLeg(active, dialog.sip.callId);
      dialog.removeAllListeners();
      this.srf?.removeDialog(dialog);
    }
    active.uas = undefined;
    active.uac = undefined;
  }

  private startGrace(active: ActiveCall): void {
    if (active.graceTimer) return;
    active.graceTimer = setTimeout(() => {
      active.graceTimer = undefined;
      this.finish(active, { cause: 'failed', rawCause: 'DRACHTIO_CONNECTION_LOST' });
    }, this.config.cdrGraceMs ?? 30_000);
  }

  /** drachtio reports the end of a call it saw while we were cut off: close it from that, once. */
  private onCdrStop(msg: SipMessageLike): void {
    const active = this.byLeg.get(msg.get('Call-ID') ?? '');
    if (!active || !active.orphaned) return;
    const status = msg.type === 'response' ? statusOf(msg) : undefined;
    const outcome =
      status !== undefined ? causeFromSipFailure(status, msg.get('Reason')) : causeFromBye(msg.get('Reason'));
    this.finish(active, { ...outcome, closedFromCdr: true });
  }

  private async onInvite(srf: DrachtioSrf, req: SrfRequest, res: SrfResponse): Promise<void> {
    const sipCallId = req.get('Call-ID') ?? req.callId;
    if (req.stackDialogId) {
      // A re-INVITE in a dialog srf does not hold: an adopted call's (hold is not passed on there; refusing it
      // keeps the session as it was, RFC 3261 14.1), else one of no call of ours.
      res.send(this.byLeg.get(sipCallId)?.adopted ? 488 : 481);
      return;
    }
    if (this.calls.has(sipCallId)) {
      res.send(482, 'Loop Detected');
      return;
    }
    const consulting = this.consultationOf(req);
    if (consulting) {
      await this.consult(srf, consulting.main, req, res, consulting.target);
      return;
    }
    const normalize = this.config.normalize ?? {};
    const from = callerParty(
      {
        from: req.get('From') ?? '',
        ...optional('pAssertedIdentity', req.get('P-Asserted-Identity')),
        ...optional('privacy', req.get('Privacy')),
      },
      normalize,
    );
    const to = calledParty(req.uri, req.get('To'), normalize);
    const active: ActiveCall = {
      call: new SipCall({ sipCallId, direction: 'inbound', from, to, nowMs: this.clock() }, (e) => this.publish(e)),
      sipCallId,
      legCallIds: new Set([sipCallId]),
      cancelled: false,
      orphaned: false,
      finishing: false,
    };
    this.calls.set(sipCallId, active);
    this.byLeg.set(sipCallId, active);
    req.on('cancel', () => {
      active.cancelled = true;
      active.stopRinging?.();
    });
    active.call.created();
    this.remember(active);

    let target: Awaited<ReturnType<SipRouteHook>> = null;
    try {
      target = await this.config.route(from.e164);
    } catch (error) {
      this.diag(`route hook failed for ${sipCallId}`, error);
    }
    if (active.cancelled) {
      res.send(487);
      this.finish(active, { cause: 'cancel', rawCause: 'CANCEL', callerCancelled: true });
      return;
    }
    if (this.config.queue) {
      await this.dialQueue(srf, active, req, res, this.config.queue, target?.agentExtension);
      return;
    }
    if (!target) {
      res.send(404);
      this.finish(active, { cause: 'not-found', rawCause: 'NO_ROUTE' });
      return;
    }
    const uri = await this.uriFor(target.agentExtension, target.contact);
    if (!uri) {
      res.send(480);
      this.finish(active, { cause: 'no-answer', rawCause: 'SIP 480; not registered' });
      return;
    }
    await this.bridge(srf, active, req, res, target.agentExtension, uri);
  }

  /** Second half of click-to-call: the customer through the trunk, then the operator's ACK with the answer. */
  private async dialCustomer(
    srf: DrachtioSrf,
    active: ActiveCall,
    agent: string,
    destination: string,
    operator: ThirdPartyAnswer,
  ): Promise<void> {
    const operatorTag = `${active.sipCallId}-op`;
    try {
      let offer = operator.sdp;
      if (this.media) {
        active.media = { callerTag: operatorTag, recorded: false };
        offer = await this.media.offer({ callId: active.sipCallId, fromTag: operatorTag }, operator.sdp);
      }
      const customer = await srf.createUAC((this.config.trunkUri ?? '').replace('{number}', destination), {
        localSdp: offer,
        headers: { 'X-Zvonok-Call-Id': active.call.callId },
      });
      this.addLeg(active, customer.sip.callId);
      const customerSdp = customer.remote.sdp;
      let answer = customerSdp;
      if (this.media && active.media) {
        const record = this.config.recording !== undefined;
        answer = await this.media.answer(
          { callId: active.sipCallId, fromTag: operatorTag, toTag: customer.sip.remoteTag },
          answer,
          { record },
        );
        active.media.calleeTag = customer.sip.remoteTag;
        active.media.recorded = record;
      }
      const uac = await operator.ack(answer);
      this.addLeg(active, uac.sip.callId);
      active.call.connected(agent, customer.sip.callId, this.clock());
      // The operator's phone plays the caller's part in our bookkeeping, the customer the answering leg.
      active.uas = uac;
      uac.on('destroy', (bye) => this.onBye(active, uac, bye));
      uac.on('modify', (r, res) => this.handle(this.onReinvite(active, uac, r, res), 're-INVITE'));
      active.uac = customer;
      customer.on('destroy', (bye) => this.onBye(active, customer, bye));
      customer.on('modify', (r, res) => this.handle(this.onReinvite(active, customer, r, res), 're-INVITE'));
      this.remember(active);
      this.caughtUp(active, { uas: operator.sdp, uac: customerSdp });
    } catch (error) {
      const e = error as SipErrorLike;
      void operator.destroy().catch(() => undefined);
      this.finish(
        active,
        typeof e.status === 'number'
          ? causeFromSipFailure(e.status, e.res?.get('Reason'))
          : { cause: 'failed', rawCause: e.message },
      );
    }
  }

  /**
   * Owner first, then the queue: rings members with drachtio UACs (in parallel for ringall, one after another for
   * longest-idle), each offered rtpengine's side of the caller's SDP; the first to answer gets the call and the
   * others are CANCELled; then the caller is answered with rtpengine's answer (recording from there).
   */
  private async dialQueue(
    srf: DrachtioSrf,
    active: ActiveCall,
    req: SrfRequest,
    res: SrfResponse,
    queue: SipQueueConfig,
    owner: string | undefined,
  ): Promise<void> {
    const offer = await this.offerCaller(active, req, res);
    if (offer === undefined) return;
    const offerFor = this.offersFor(active, req.body, offer);
    const caller = callerIdOf(req.get('From'));
    // The caller hears ringing from here, whoever's phone rings (and while nobody's does).
    res.send(180);
    const deadline = this.clock() + (queue.queueTimeoutMs ?? 30_000);
    const remaining = () => deadline - this.clock();
    let won: { agent: string; dialog: Dialog; uri: string } | null = null;
    if (owner && availableMembers('ringall', [owner], this.roster.view(this.busyAgents())).length > 0) {
      won = await this.ringGroup(
        srf,
        active,
        [owner],
        offerFor,
        caller,
        Math.min(queue.ownerRingTimeoutMs ?? 10_000, remaining()),
      );
    }
    if (!won && !active.cancelled) {
      active.call.joinQueue(queue.name);
      // Members offered the call in this round; once every free member had it, wait `retryMs` before the next
      // round (Asterisk's `retry`), so phones that refuse at once are not hammered.
      const offered = new Set<string>();
      while (!won && !active.cancelled && remaining() > SHORTEST_OFFER_MS) {
        let free: string[] = [];
        try {
          free = availableMembers(queue.strategy, await queue.members(), this.roster.view(this.busyAgents()));
        } catch (error) {
          this.diag(`queue ${queue.name}: members lookup failed`, error);
        }
        const members = free.filter((m) => !offered.has(m));
        if (members.length === 0) {
          // Nobody free (the caller waits, hearing ringing, as in an Asterisk queue), or the round is over.
          const pause = offered.size > 0 ? (queue.retryMs ?? 5000) : 500;
          offered.clear();
          await new Promise((r) => setTimeout(r, Math.min(pause, Math.max(0, remaining()))));
          continue;
        }
        const ring = queue.strategy === 'ringall' ? members : members.slice(0, 1);
        for (const m of ring) offered.add(m);
        const timeout = queue.strategy === 'ringall' ? remaining() : (queue.memberRingTimeoutMs ?? 15_000);
        won = await this.ringGroup(srf, active, ring, offerFor, caller, Math.min(timeout, remaining()));
      }
    }
    if (active.cancelled || active.call.ended || active.finishing) {
      if (won) void won.dialog.destroy().catch(() => undefined);
      if (!res.finalResponseSent) res.send(487);
      this.finish(active, { cause: 'cancel', rawCause: 'CANCEL', callerCancelled: true });
      return;
    }
    if (!won) {
      res.send(480);
      this.finish(active, { cause: 'no-answer', rawCause: 'QUEUE_TIMEOUT' });
      return;
    }
    if (active.media) active.media.webrtc = isWebrtcUri(won.uri);
    await this.answerCaller(srf, active, req, res, won.agent, won.dialog);
  }

  /** rtpengine's offer for the phones (the caller's SDP as is without media anchoring); undefined once refused. */
  private async offerCaller(active: ActiveCall, req: SrfRequest, res: SrfResponse): Promise<string | undefined> {
    if (!this.media) return req.body;
    const callerTag = tagOf(req.get('From')) ?? active.sipCallId;
    active.media = { callerTag, recorded: false };
    try {
      return await this.media.offer({ callId: active.sipCallId, fromTag: callerTag }, req.body);
    } catch (error) {
      this.refuseWithoutMedia(active, res, error);
      return undefined;
    }
  }

  /**
   * The offer for a phone at `uri`: rtpengine's plain one, or for a browser a WebRTC one (a second offer of the
   * caller's SDP with the WebRTC flags, made once per call; it keeps rtpengine's ports).
   */
  private offersFor(active: ActiveCall, callerSdp: string, plain: string): (uri: string) => Promise<string> {
    let webrtc: Promise<string> | undefined;
    return (uri) => {
      const media = this.media;
      if (!media || !active.media || !isWebrtcUri(uri)) return Promise.resolve(plain);
      const leg = { callId: active.sipCallId, fromTag: active.media.callerTag };
      webrtc ??= media.offer(leg, callerSdp, { webrtc: true });
      return webrtc;
    };
  }

  /** rtpengine down: the call cannot get media, so it is refused at once with the reason logged. */
  private refuseWithoutMedia(active: ActiveCall, res: SrfResponse, error: unknown): void {
    this.diag(`no media for ${active.sipCallId}: the call is refused`, error);
    // Nothing to release in an rtpengine that did not answer: the end is reported at once.
    active.media = undefined;
    res.send(503, { headers: { Reason: 'Q.850;cause=41;text="media server unavailable"' } });
    this.finish(active, { cause: 'failed', rawCause: `RTPENGINE: ${messageOf(error)}` });
  }

  /**
   * Rings `agents` at once with `offer` until one answers (resolves with its dialog; the others are CANCELled),
   * all refuse, `timeoutMs` passes, or the caller gives up (null).
   */
  private async ringGroup(
    srf: DrachtioSrf,
    active: ActiveCall,
    agents: readonly string[],
    offerFor: (uri: string) => Promise<string>,
    caller: CallerId,
    timeoutMs: number,
  ): Promise<{ agent: string; dialog: Dialog; uri: string } | null> {
    const uris = await Promise.all(agents.map(async (agent) => ({ agent, uri: await this.uriFor(agent) })));
    return new Promise((resolve) => {
      const pending = new Map<string, SentRequest>();
      let outstanding = uris.length;
      let settled = false;
      const done = (result: { agent: string; dialog: Dialog; uri: string } | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        active.stopRinging = undefined;
        for (const [agent, sent] of pending) {
          if (agent === result?.agent) continue;
          sent.cancel();
          // Stopped by us now, not when the CANCEL's 487 comes back (the next member may already ring by then).
          if (!result) active.call.ringStopped(agent, this.clock());
        }
        resolve(result);
      };
      const timer = setTimeout(() => done(null), Math.max(0, timeoutMs));
      active.stopRinging = () => done(null);
      const refused = (agent: string) => {
        pending.delete(agent);
        active.call.ringStopped(agent, this.clock());
        outstanding -= 1;
        if (outstanding === 0) done(null);
      };
      for (const { agent, uri } of uris) {
        if (!uri) {
          refused(agent);
          continue;
        }
        offerFor(uri)
          .catch((error: unknown) => {
            this.diag(`no rtpengine offer for ${agent} at ${uri}`, error);
            throw error;
          })
          .then((localSdp) =>
            srf.createUAC(
              uri,
              { localSdp, headers: { 'X-Zvonok-Call-Id': active.call.callId }, ...caller },
              {
                cbRequest: (err, sent) => {
                  if (err) return;
                  pending.set(agent, sent);
                  if (settled) sent.cancel();
                  else this.ringing(active, agent, sent.get('Call-ID'));
                },
              },
            ),
          )
          .then((dialog) => {
            pending.delete(agent);
            if (settled) void dialog.destroy().catch(() => undefined);
            else done({ agent, dialog, uri });
          })
          .catch(() => refused(agent));
      }
    });
  }

  /** The caller gets the answering phone's media (through rtpengine, recording from here) and the call is up. */
  private async answerCaller(
    srf: DrachtioSrf,
    active: ActiveCall,
    req: SrfRequest,
    res: SrfResponse,
    agent: string,
    uac: Dialog,
  ): Promise<void> {
    const operatorSdp = uac.remote.sdp;
    try {
      let sdp = operatorSdp;
      if (this.media && active.media) {
        const calleeTag = uac.sip.remoteTag;
        const record = this.config.recording !== undefined;
        sdp = await this.media.answer(
          { callId: active.sipCallId, fromTag: active.media.callerTag, toTag: calleeTag },
          sdp,
          { record },
        );
        active.media.calleeTag = calleeTag;
        active.media.recorded = record;
      }
      this.addLeg(active, uac.sip.callId);
      const uas = await srf.createUAS(req, res, { localSdp: sdp, headers: { 'X-Zvonok-Call-Id': active.call.callId } });
      active.uas = uas;
      active.call.connected(agent, uac.sip.callId, this.clock());
      uas.on('destroy', (bye) => this.onBye(active, uas, bye));
      uas.on('modify', (r, s) => this.handle(this.onReinvite(active, uas, r, s), 're-INVITE'));
      this.attachOperatorLeg(srf, active, uac);
      this.caughtUp(active, { uas: req.body, uac: operatorSdp });
    } catch (error) {
      void uac.destroy().catch(() => undefined);
      this.diag(`answering ${active.sipCallId} failed`, error);
      if (!res.finalResponseSent) res.send(500);
      this.finish(
        active,
        active.cancelled
          ? { cause: 'cancel', rawCause: 'CANCEL', callerCancelled: true }
          : { cause: 'failed', rawCause: messageOf(error) },
      );
    }
  }

  /** Operators on a call or ringing for one (the queue never offers them another: ringinuse=no). */
  private busyAgents(): Set<string> {
    const busy = new Set<string>();
    for (const active of this.calls.values()) {
      if (active.call.currentAgent) busy.add(active.call.currentAgent);
      for (const agent of active.call.ringingAgents) busy.add(agent);
    }
    return busy;
  }

  private async bridge(
    srf: DrachtioSrf,
    active: ActiveCall,
    req: SrfRequest,
    res: SrfResponse,
    agent: string,
    uri: string,
  ): Promise<void> {
    let localSdpB = req.body;
    let localSdpA: ((sdp: string, resB: SipMessageLike) => Promise<string>) | undefined;
    if (this.media) {
      const media = this.media;
      const callerTag = tagOf(req.get('From')) ?? active.sipCallId;
      const record = this.config.recording !== undefined;
      active.media = { callerTag, recorded: false, webrtc: isWebrtcUri(uri) };
      try {
        localSdpB = await media.offer({ callId: active.sipCallId, fromTag: callerTag }, req.body, {
          webrtc: isWebrtcUri(uri),
        });
      } catch (error) {
        this.refuseWithoutMedia(active, res, error);
        return;
      }
      localSdpA = async (sdp, resB) => {
        const calleeTag = tagOf(resB.get('To')) ?? `${callerTag}-b`;
        const final = statusOf(resB) === 200;
        const answer = await media.answer({ callId: active.sipCallId, fromTag: callerTag, toTag: calleeTag }, sdp, {
          record: record && final,
        });
        if (active.media) {
          active.media.calleeTag = calleeTag;
          if (record && final) active.media.recorded = true;
        }
        return answer;
      };
    }
    let ringTimer: NodeJS.Timeout | undefined;
    let rangOut = false;
    const ringTimeoutMs = this.config.ringTimeoutMs;
    const onRequest = (err: Error | null, sent: SentRequest) => {
      if (err) return;
      this.ringing(active, agent, sent.get('Call-ID'));
      if (ringTimeoutMs === undefined) return;
      ringTimer = setTimeout(() => {
        // The caller hears 480 at once, as from Asterisk's Dial timeout; srf then passes on no failure of B's.
        rangOut = true;
        if (!res.finalResponseSent) res.send(480);
        sent.cancel();
      }, ringTimeoutMs);
    };
    try {
      const { uas, uac } = await srf
        .createB2BUA(
          req,
          res,
          uri,
          {
            localSdpB,
            ...(localSdpA ? { localSdpA } : {}),
            passFailure: true,
            headers: { 'X-Zvonok-Call-Id': active.call.callId },
          },
          { cbRequest: onRequest },
        )
        .finally(() => clearTimeout(ringTimer));
      if (active.call.ended || active.finishing) {
        void uas.destroy().catch(() => undefined);
        void uac.destroy().catch(() => undefined);
        return;
      }
      active.uas = uas;
      this.addLeg(active, uac.sip.callId);
      active.call.connected(agent, uac.sip.callId, this.clock());
      uas.on('destroy', (bye) => this.onBye(active, uas, bye));
      uas.on('modify', (r, s) => this.handle(this.onReinvite(active, uas, r, s), 're-INVITE'));
      this.attachOperatorLeg(srf, active, uac);
      // srf holds the operator leg's requests until the caller's ACK, then hands them over a turn later.
      this.caughtUp(active, { uas: req.body });
    } catch (error) {
      const e = error as SipErrorLike;
      if (active.cancelled) this.finish(active, { cause: 'cancel', rawCause: 'CANCEL', callerCancelled: true });
      else if (rangOut) this.finish(active, { cause: 'no-answer', rawCause: 'SIP 480; ring timeout' });
      else if (typeof e.status === 'number') this.finish(active, causeFromSipFailure(e.status, e.res?.get('Reason')));
      else {
        this.diag(`bridging ${active.sipCallId} failed`, error);
        if (!res.finalResponseSent) res.send(500);
        this.finish(active, { cause: 'failed', rawCause: e.message });
      }
    }
  }

  private attachOperatorLeg(srf: DrachtioSrf, active: ActiveCall, uac: Dialog): void {
    active.uac = uac;
    uac.on('destroy', (bye) => this.onBye(active, uac, bye));
    uac.on('modify', (r, s) => this.handle(this.onReinvite(active, uac, r, s), 're-INVITE'));
    uac.on('refer', (r, s) => this.handle(this.onRefer(srf, active, uac, r, s), 'REFER'));
    this.remember(active);
  }

  private onBye(active: ActiveCall, from: Dialog, bye: SrfRequest | undefined): void {
    const other = from === active.uas ? active.uac : active.uas;
    if (other) void other.destroy().catch((error: unknown) => this.diag('BYE to the other leg failed', error));
    this.finish(active, causeFromBye(bye?.get('Reason')));
  }

  /**
   * Once both legs of an answered call have their listeners: what a leg did before that. A request can reach srf in
   * the same read as the confirmation of the 200 (a caller that hangs up or holds at once, a node slow to read): srf
   * handles it before the code awaiting the dialog resumes and tells nobody. A BYE only leaves the dialog
   * disconnected: the call ends here. A re-INVITE was answered with the leg's SDP as it stood, and left its offer as
   * the leg's remote SDP (`offered` is the SDP each leg came with): the offer is passed on and hold/resume reported.
   */
  private caughtUp(active: ActiveCall, offered: { uas?: string; uac?: string }): void {
    const gone = [active.uas, active.uac].find((leg) => leg && !leg.connected);
    if (gone) {
      this.onBye(active, gone, undefined);
      return;
    }
    for (const [leg, sdp] of [
      [active.uas, offered.uas],
      [active.uac, offered.uac],
    ] as const) {
      if (leg && sdp && leg.remote.sdp !== sdp) this.handle(this.passOffer(active, leg, leg.remote.sdp), 're-INVITE');
    }
  }

  /** re-INVITE from either leg: its offer passed on, the other side's answer returned to it, hold/resume reported. */
  private async onReinvite(active: ActiveCall, from: Dialog, req: SrfRequest, res: SrfResponse): Promise<void> {
    const answer = await this.passOffer(active, from, req.body);
    if (answer === undefined) res.send(488);
    else res.send(200, { body: answer, headers: { 'Content-Type': 'application/sdp' } });
  }

  /**
   * An offer from either leg, passed to the other (through rtpengine when media is anchored, keyed by the tag of the
   * side that offers); then hold/resume from the offer's direction. Resolves to the answer for the offering leg, or
   * undefined when the other side did not take it.
   */
  private async passOffer(active: ActiveCall, from: Dialog, sdp: string): Promise<string | undefined> {
    const other = from === active.uas ? active.uac : active.uas;
    let answer: string;
    try {
      const side = from === active.uas ? 'caller' : 'callee';
      const keys = this.mediaKeys(active, side);
      // The operator's side may be a browser: what goes to it (an offer, or the answer to its own) must be WebRTC.
      const browser = active.media?.webrtc === true;
      if (this.media && keys && other) {
        const offer = await this.media.offer({ callId: active.sipCallId, fromTag: keys.from, toTag: keys.to }, sdp, {
          webrtc: side === 'caller' && browser,
        });
        const otherAnswer = await other.modify(offer);
        answer = await this.media.answer(
          { callId: active.sipCallId, fromTag: keys.from, toTag: keys.to },
          otherAnswer,
          {
            webrtc: side === 'callee' && browser,
          },
        );
      } else answer = other ? await other.modify(sdp) : from.local.sdp;
    } catch (error) {
      this.diag(`re-INVITE on ${active.sipCallId} not passed on`, error);
      return undefined;
    }
    active.call.hold(isHoldDirection(sdpDirection(sdp)), from.sip.callId, this.clock());
    return answer;
  }

  /** rtpengine's from/to tags for an offer made by `side`. */
  private mediaKeys(active: ActiveCall, side: 'caller' | 'callee'): { from: string; to: string } | undefined {
    const m = active.media;
    if (!m?.calleeTag) return undefined;
    return side === 'caller' ? { from: m.callerTag, to: m.calleeTag } : { from: m.calleeTag, to: m.callerTag };
  }

  /**
   * Blind transfer (REFER from the operator's phone): accept, tell the transferor `100 Trying` (RFC 3515 NOTIFY),
   * invite the target with the caller's media (the caller is re-INVITEd only if its media moved), then tell the
   * transferor the target's answer or failure and hang up its leg. A REFER with Replaces is an attended transfer.
   */
  private async onRefer(
    srf: DrachtioSrf,
    active: ActiveCall,
    uac: Dialog,
    req: SrfRequest,
    res: SrfResponse,
  ): Promise<void> {
    const target = referTarget(req.get('Refer-To'));
    const uas = active.uas;
    if (!target.uri || !uas || active.uac !== uac) {
      res.send(target.uri ? 491 : 400);
      return;
    }
    const replaces = referReplaces(req.get('Refer-To'));
    if (replaces) {
      await this.attendedTransfer(srf, active, uac, replaces, req, res);
      return;
    }
    res.send(202);
    const progress = new ReferProgress(uac, req.get('CSeq'), (m, e) => this.diag(m, e));
    void progress.trying();
    const agent = target.extension ?? target.uri;
    active.call.transferred('blind', agent, uac.sip.callId, this.clock());
    active.uac = undefined;
    // From here the transferor's leg is no part of the call: its BYE (after our final NOTIFY) ends nothing.
    uac.removeAllListeners('destroy');
    uac.removeAllListeners('modify');
    uac.removeAllListeners('refer');
    const release = (status: number, reason?: string) =>
      void progress
        .outcome(status, reason)
        .then(() => (uac.connected ? uac.destroy() : undefined))
        .catch((error: unknown) => this.diag('BYE to the transferor failed', error));
    const uri = (target.extension ? await this.uriFor(target.extension) : null) ?? target.uri;
    try {
      // With anchored media the new phone takes over the transferor's side in rtpengine (same tags: a re-offer
      // in the same dialogue), so the caller's side keeps its port and the caller is never re-INVITEd.
      const media = this.media && active.media?.calleeTag ? { anchor: this.media, keys: active.media } : undefined;
      const tags = media && { callId: active.sipCallId, fromTag: media.keys.callerTag, toTag: media.keys.calleeTag };
      const localSdp = tags
        ? await media.anchor.offer(tags, uas.remote.sdp, { webrtc: isWebrtcUri(uri) })
        : uas.remote.sdp;
      const next = await srf.createUAC(
        uri,
        { localSdp, headers: { 'X-Zvonok-Call-Id': active.call.callId } },
        { cbRequest: (err, sent) => !err && this.ringing(active, agent, sent.get('Call-ID')) },
      );
      if (active.call.ended || active.finishing) {
        release(487);
        void next.destroy().catch(() => undefined);
        return;
      }
      this.addLeg(active, next.sip.callId);
      if (media && tags) {
        const toCaller = await media.anchor.answer(tags, next.remote.sdp, { record: media.keys.recorded });
        media.keys.webrtc = isWebrtcUri(uri);
        if (mediaAddress(toCaller) !== mediaAddress(uas.local.sdp)) await uas.modify(toCaller);
      } else await uas.modify(next.remote.sdp);
      active.call.connected(agent, next.sip.callId, this.clock());
      this.attachOperatorLeg(srf, active, next);
      release(200);
    } catch (error) {
      const e = error as SipErrorLike;
      release(typeof e.status === 'number' ? e.status : 500, typeof e.status === 'number' ? e.reason : undefined);
      if (active.call.ended || active.finishing) return;
      void uas.destroy().catch(() => undefined);
      this.finish(
        active,
        typeof e.status === 'number'
          ? causeFromSipFailure(e.status, e.res?.get('Reason'))
          : { cause: 'failed', rawCause: e.message },
      );
    }
  }

  /**
   * An INVITE from an operator who is on a call, to another extension: a consultation before an attended transfer,
   * part of that call (as Asterisk folds the consult leg into the customer's call), not a call of its own.
   */
  private consultationOf(req: SrfRequest): { main: ActiveCall; target: string } | undefined {
    const caller = parseNameAddr(req.get('From')).user;
    const target = calledParty(req.uri, req.get('To'), {}).raw;
    if (!caller || !/^\d{2,6}$/.test(target) || target === caller) return undefined;
    for (const main of this.calls.values()) {
      if (main.call.currentAgent === caller && main.uac && !main.consult && !main.finishing) return { main, target };
    }
    return undefined;
  }

  /**
   * Bridges the consultation (operator ↔ colleague) with its media passed through as offered: the customer is not
   * in it, and once the operator REFERs with Replaces, the colleague's leg is re-offered the customer's media.
   * The colleague's phone ringing is reported on the customer's call, like AMI's DialBegin of the consult leg.
   */
  private async consult(srf: DrachtioSrf, main: ActiveCall, req: SrfRequest, res: SrfResponse, agent: string) {
    const consultation: Consultation = {
      agent,
      sipCallId: req.get('Call-ID') ?? req.callId,
      fromTag: tagOf(req.get('From')),
    };
    main.consult = consultation;
    const uri = await this.uriFor(agent);
    if (!uri) {
      main.consult = undefined;
      res.send(480);
      return;
    }
    try {
      const { uas, uac } = await srf.createB2BUA(
        req,
        res,
        uri,
        { passFailure: true, headers: { 'X-Zvonok-Call-Id': main.call.callId } },
        { cbRequest: (err, sent) => !err && this.ringing(main, agent, sent.get('Call-ID')) },
      );
      consultation.uas = uas;
      consultation.uac = uac;
      // The colleague answered the consultation: no longer ringing, and not the customer's operator yet (as AMI
      // reports a consultation's DialEnd).
      main.call.ringStopped(agent, this.clock());
      // Either side hanging up ends the consultation only; the customer stays with the operator.
      const over = (from: Dialog) => {
        if (main.consult !== consultation) return;
        main.consult = undefined;
        void (from === uas ? uac : uas).destroy().catch(() => undefined);
      };
      uas.on('destroy', () => over(uas));
      uac.on('destroy', () => over(uac));
      if (main.finishing) over(uas);
    } catch (error) {
      if (main.consult === consultation) main.consult = undefined;
      main.call.ringStopped(agent, this.clock());
      this.diag(`consultation ${consultation.sipCallId} to ${agent} failed`, error);
    }
  }

  /**
   * Attended transfer: the operator REFERs the customer's leg to its consultation (Replaces). The colleague's leg
   * of the consultation takes over the operator's side in rtpengine (as in a blind transfer, so the customer keeps
   * its port), the operator's two legs are hung up, and the call reports the colleague bridged, then the transfer.
   * The Replaces is matched by the consultation's Call-ID and From tag (the operator's own dialog).
   */
  private async attendedTransfer(
    srf: DrachtioSrf,
    active: ActiveCall,
    uac: Dialog,
    replaces: NonNullable<ReturnType<typeof referReplaces>>,
    req: SrfRequest,
    res: SrfResponse,
  ): Promise<void> {
    const consultation = active.consult;
    const uas = active.uas;
    const next = consultation?.uac;
    if (
      !consultation ||
      !next ||
      !uas ||
      consultation.sipCallId !== replaces.callId ||
      (replaces.fromTag && consultation.fromTag && replaces.fromTag !== consultation.fromTag)
    ) {
      // RFC 3891: the dialog to replace is not one of ours (or not answered yet).
      res.send(481);
      return;
    }
    res.send(202);
    const progress = new ReferProgress(uac, req.get('CSeq'), (m, e) => this.diag(m, e));
    void progress.trying();
    const from = active.call.currentAgent;
    active.consult = undefined;
    // The operator's legs go; from here their BYEs (ours) must not end the customer's call or the colleague's leg.
    for (const dialog of [uac, consultation.uas]) {
      dialog?.removeAllListeners('destroy');
      dialog?.removeAllListeners('modify');
      dialog?.removeAllListeners('refer');
    }
    next.removeAllListeners('destroy');
    active.uac = undefined;
    try {
      const media = this.media && active.media?.calleeTag ? { anchor: this.media, keys: active.media } : undefined;
      const tags = media && { callId: active.sipCallId, fromTag: media.keys.callerTag, toTag: media.keys.calleeTag };
      const offer = tags ? await media.anchor.offer(tags, uas.remote.sdp) : uas.remote.sdp;
      const answer = await next.modify(offer);
      if (media && tags) {
        const toCaller = await media.anchor.answer(tags, answer, { record: media.keys.recorded });
        if (mediaAddress(toCaller) !== mediaAddress(uas.local.sdp)) await uas.modify(toCaller);
      } else await uas.modify(answer);
    } catch (error) {
      this.diag(`attended transfer on ${active.sipCallId} failed`, error);
      await progress.outcome(500);
      for (const dialog of [uac, consultation.uas, next, uas]) void dialog?.destroy().catch(() => undefined);
      if (!active.call.ended && !active.finishing) this.finish(active, { cause: 'failed', rawCause: messageOf(error) });
      return;
    }
    // The transferor hears that the transfer went through, then both its legs are hung up.
    void progress
      .outcome(200)
      .then(() =>
        Promise.all([uac, consultation.uas].map((dialog) => (dialog?.connected ? dialog.destroy() : undefined))),
      )
      .catch((error: unknown) => this.diag('BYE to the transferor failed', error));
    if (active.call.ended || active.finishing) {
      void next.destroy().catch(() => undefined);
      return;
    }
    this.addLeg(active, next.sip.callId);
    const now = this.clock();
    // The customer is on hold no more: they talk to the colleague now (Asterisk reports the Unhold as the
    // transferor's hold ends with its leg).
    active.call.hold(false, uas.sip.callId, now);
    active.call.connected(consultation.agent, next.sip.callId, now);
    active.call.transferred('attended', consultation.agent, uac.sip.callId, now, from);
    this.attachOperatorLeg(srf, active, next);
  }

  private handle(work: Promise<unknown>, what: string): void {
    work.catch((error: unknown) => this.diag(`${what} handling failed`, error));
  }

  private ringing(active: ActiveCall, agent: string, legCallId: string | undefined): void {
    const leg = legCallId ?? `${active.sipCallId};${agent}`;
    this.addLeg(active, leg);
    active.call.ringingAt(agent, leg, this.clock());
  }

  private addLeg(active: ActiveCall, legCallId: string): void {
    active.legCallIds.add(legCallId);
    this.byLeg.set(legCallId, active);
  }

  private async uriFor(extension: string, contact?: string): Promise<string | null> {
    if (contact) return contact;
    try {
      // The desk phone if it is registered, else the operator's browser softphone (its twin `<ext>-web`).
      const reg =
        (await this.config.registrations?.get(extension)) ?? (await this.config.registrations?.get(`${extension}-web`));
      if (reg) return reg.contact;
    } catch (error) {
      this.diag(`registration lookup for ${extension} failed`, error);
    }
    return this.config.extensionUri ? this.config.extensionUri.replace('{ext}', extension) : null;
  }

  /**
   * Ends the call once. With anchored media the end waits for rtpengine to let go of the call (which closes the
   * recording), so that `recording.ready` comes just before `call.ended`, as from the AMI adapter; the end keeps
   * the time it was decided at.
   */
  private finish(active: ActiveCall, options: EndOptions): void {
    if (active.finishing) return;
    active.finishing = true;
    if (active.graceTimer) clearTimeout(active.graceTimer);
    active.graceTimer = undefined;
    const endedAt = this.clock();
    if (active.call.currentAgent) this.roster.callEnded(active.call.currentAgent, endedAt);
    if (active.orphaned) {
      // Dialogs of a lost connection never get their BYE through us; drop them from srf's table.
      for (const dialog of legsOf(active)) this.srf?.removeDialog(dialog);
    }
    for (const listener of active.listeners ?? []) void listener.destroy().catch(() => undefined);
    this.calls.delete(active.sipCallId);
    for (const leg of active.legCallIds) this.byLeg.delete(leg);
    this.forget(active);
    if (!this.media || !active.media) {
      active.call.end(options, endedAt);
      return;
    }
    void this.releaseMedia(active).then((file) => {
      if (file) active.call.recordingReady(file, endedAt);
      active.call.end(options, endedAt);
    });
  }

  /** Deletes the call in rtpengine and, when it was recorded, writes its WAV; resolves with the WAV's path. */
  private async releaseMedia(active: ActiveCall): Promise<string | undefined> {
    try {
      await this.media?.delete(active.sipCallId);
    } catch (error) {
      this.diag(`rtpengine delete of ${active.sipCallId} failed`, error);
    }
    const recording = this.config.recording;
    if (!recording || !active.media?.recorded || !active.call.answered) return undefined;
    try {
      return await recordCall({ ...recording, sipCallId: active.sipCallId, callId: active.call.callId });
    } catch (error) {
      this.diag(`recording of ${active.sipCallId} not written`, error);
      return undefined;
    }
  }

  private publish(event: TelephonyEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.diag('event listener threw', error);
      }
    }
  }

  private publishStatus(event: ProviderStatusEvent): void {
    this.publish(event);
  }

  private settleFirst(): void {
    const resolve = this.firstOutcome;
    this.firstOutcome = undefined;
    resolve?.();
  }

  private nowIso(): string {
    return new Date(this.clock()).toISOString();
  }

  private diag(message: string, error?: unknown): void {
    this.config.onDiagnostic?.(message, error);
  }
}

function unsupported(what: string): TelephonyError {
  return new TelephonyError('ACTION_FAILED', `${what}: not supported by the SIP front yet (use the AMI provider)`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `c=` address and first `m=` port of an SDP: where that side sends its media. */
function mediaAddress(sdp: string | undefined): string {
  const c = /^c=IN IP[46] (\S+)/m.exec(sdp ?? '')?.[1] ?? '';
  const m = /^m=audio (\d+)/m.exec(sdp ?? '')?.[1] ?? '';
  return `${c}:${m}`;
}

function optionalNumber<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value !== undefined ? ({ [key]: value } as Record<K, number>) : {};
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value !== undefined ? ({ [key]: value } as Record<K, string>) : {};
}

function statusOf(msg: SipMessageLike): number | undefined {
  const status = (msg as SipMessageLike & { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

/** Stops a drachtio-srf instance for good: no reconnect, sockets closed, later events ignored. */
function retire(srf: DrachtioSrf): void {
  srf.removeAllListeners();
  srf.on('error', () => undefined);
  srf.on('connect', () => retireSockets(srf));
  retireSockets(srf);
}

function retireSockets(srf: DrachtioSrf): void {
  try {
    srf.disconnect();
  } catch {
    // disconnect() asserts when no socket is connected; the internals below still stop the reconnect loop.
  }
  stopReconnect(srf);
}

/** drachtio-srf internals (5.0.x): `_app.client.wp` is the WireProtocol, whose `closing` flag stops reconnects. */
function stopReconnect(srf: DrachtioSrf): void {
  const client = (srf as unknown as { _app?: { client?: unknown } })._app?.client as
    | {
        mapServer?: Map<{ destroy(): void }, unknown>;
        wp?: {
          closing?: boolean;
          socket?: { destroy(): void };
          reconnectVars?: { retryTimer?: NodeJS.Timeout | null };
        };
      }
    | undefined;
  const wp = client?.wp;
  if (!wp) return;
  wp.closing = true;
  if (wp.reconnectVars?.retryTimer) clearTimeout(wp.reconnectVars.retryTimer);
  if (wp.reconnectVars) wp.reconnectVars.retryTimer = null;
  wp.socket?.destroy();
  for (const socket of client?.mapServer?.keys() ?? []) socket.destroy();
}

/** Factory for the composition root: `TELEPHONY_PROVIDER=sip` builds this. Call `start()`; it reconnects by itself. */
export function createSipProvider(config: SipProviderConfig): TelephonyProvider {
  return new SipProvider(config);
}

type CallerId = { callingNumber?: string; callingName?: string };

/**
 * The trunk caller's number and name for the From of the INVITEs that ring the phones, so a phone (the browser
 * softphone, a desk phone) shows who calls rather than the SIP front's own address. Quotes and backslashes are
 * dropped from the name: drachtio-srf puts it between quotes as it is.
 */
function callerIdOf(from: string | undefined): CallerId {
  const { user, name } = parseNameAddr(from);
  const callingName = name?.replace(/["\\]/g, '').trim();
  return {
    ...(user ? { callingNumber: user } : {}),
    ...(callingName ? { callingName } : {}),
  };
}

/**
 * A queue offer with less time left than this is not made: no one answers a phone that rings this briefly. A wait
 * that ends at the deadline can wake a few ms before the clock says (libuv times from the loop's cached time); the
 * queue then ends instead of making one more offer of a few ms.
 */
const SHORTEST_OFFER_MS = 100;
const RESTARTED = 'Q.850;cause=41;text="call center node restarted"';

/** Sends a request; resolves with its final status, 'timeout' after `ms`, or the Error drachtio refused it with. */
function finalAnswer(
  srf: DrachtioSrf,
  uri: string,
  opts: Parameters<DrachtioSrf['request']>[1],
  ms = 4000,
): Promise<number | 'timeout' | Error> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), ms);
    const done = (answer: number | Error) => {
      clearTimeout(timer);
      resolve(answer);
    };
    try {
      srf.request(uri, opts, (err, req) => {
        if (err || !req) return done(err ?? new Error('request not sent'));
        req.on('response', (res) => {
          if (res.status >= 200) done(res.status);
        });
      });
    } catch (error) {
      done(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

/**
 * The tag naming this node's app to drachtio-server (`app:<name>`, read by test/sip/drachtio-app-failover.patch):
 * a hash of the node name, since tags are at most 32 characters of [A-Za-z0-9-_+@:].
 */
export function appTag(node: string): string {
  return `app:zv-${createHash('sha256').update(node).digest('hex').slice(0, 24)}`;
}

/** Whether a drachtio-server, by the version it reported, hands a gone connection's dialogs over (the patch). */
export function adoptsDialogs(serverVersion: string | undefined): boolean {
  return serverVersion?.includes('+app-failover') ?? false;
}

/** The call's own dialogs (srf's): the caller's and the operator's, those it has. */
function legsOf(active: ActiveCall): Dialog[] {
  return [active.uas, active.uac].filter((d): d is Dialog => d !== undefined);
}

function storedDialog(d: Dialog): StoredDialog {
  return {
    callId: d.sip.callId,
    localTag: d.sip.localTag,
    remoteTag: d.sip.remoteTag,
    remoteUri: d.remote.uri,
    stackId: d.id,
  };
}
