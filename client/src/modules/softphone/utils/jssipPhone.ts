import { C, UA, WebSocketInterface } from 'jssip';
import { type RTCSession } from 'jssip/lib/RTCSession';
import { type RTCSessionEvent } from 'jssip/lib/UA';

import { type SoftphoneConfigDto } from '@contracts/dto/softphone';
import { type SoftphoneAction } from '@client/modules/softphone/states/softphoneState';
import { domainOf, endReasonOf, type Originator, targetUri } from '@client/modules/softphone/utils/sipEvents';

/** What the panel can ask of the phone; the reducer learns the outcome through dispatched actions. */
export interface SoftphoneDriver {
  start(): void;
  stop(): void;
  call(target: string): boolean;
  answer(id: string): void;
  hangup(id: string): void;
  hold(id: string): void;
  resume(id: string): void;
  mute(id: string, muted: boolean): void;
  dtmf(id: string, tone: string): void;
  blindTransfer(id: string, target: string): boolean;
  startAttendedTransfer(id: string, target: string): boolean;
  completeAttendedTransfer(id: string): void;
  cancelAttendedTransfer(id: string): void;
}

const MEDIA = { audio: true, video: false } as const;

/**
 * Thin JsSIP adapter: owns the UA and its RTCSessions, translates their events into reducer actions, and
 * plays the remote audio. All decisions (what the state is, what to show) live in the reducer.
 * JsSIP itself reconnects the WebSocket with exponential backoff (2 s … 30 s) and re-registers on reconnect.
 */
export class JsSipPhone implements SoftphoneDriver {
  private ua: UA | null = null;
  private readonly sessions = new Map<string, RTCSession>();
  private readonly answered = new Set<string>();
  /** Attended transfers: original call id → consultation session. */
  private readonly consults = new Map<string, RTCSession>();
  private readonly domain: string;

  constructor(
    private readonly config: SoftphoneConfigDto,
    private readonly dispatch: (action: SoftphoneAction) => void,
    private readonly remoteAudio: HTMLAudioElement,
    private readonly now: () => number = Date.now,
  ) {
    this.domain = domainOf(config.sipUri);
  }

  start(): void {
    if (this.ua) return;
    const ua = new UA({
      sockets: [new WebSocketInterface(this.config.wsUrl)],
      uri: this.config.sipUri,
      authorization_user: this.config.authUser,
      password: this.config.password,
      display_name: this.config.displayName,
      register: true,
      register_expires: 300,
      session_timers: false,
      connection_recovery_min_interval: 2,
      connection_recovery_max_interval: 30,
      user_agent: 'Zvonok softphone',
    });
    ua.on('connecting', () => this.dispatch({ type: 'ws-connecting' }));
    ua.on('connected', () => this.dispatch({ type: 'ws-connected' }));
    ua.on('disconnected', () => this.dispatch({ type: 'ws-disconnected', at: this.now() }));
    ua.on('registered', () => this.dispatch({ type: 'registered' }));
    ua.on('unregistered', () => this.dispatch({ type: 'unregistered' }));
    ua.on('registrationFailed', (e) => {
      // A transport failure is reported by `disconnected`; only a real refusal is a registration problem.
      if (e.cause === 'Connection Error' || e.cause === 'Request Timeout') return;
      this.dispatch({ type: 'registration-failed', cause: String(e.cause ?? e.response?.status_code ?? '') });
    });
    ua.on('newRTCSession', (e: RTCSessionEvent) => this.track(e.session, e.originator === 'remote'));
    this.ua = ua;
    this.dispatch({ type: 'registering' });
    ua.start();
  }

  stop(): void {
    const ua = this.ua;
    this.ua = null;
    if (!ua) return;
    for (const session of this.sessions.values()) if (!session.isEnded()) session.terminate();
    ua.stop();
    this.dispatch({ type: 'unregistered' });
  }

  call(target: string, consultFor?: string): boolean {
    const uri = targetUri(target, this.domain);
    if (!this.ua || !uri) return false;
    const session = this.ua.call(uri, { mediaConstraints: MEDIA });
    if (consultFor) this.consults.set(consultFor, session);
    this.dispatch({ type: 'outgoing', id: session.id, remote: target.trim(), at: this.now(), consultFor });
    return true;
  }

  answer(id: string): void {
    this.sessions.get(id)?.answer({ mediaConstraints: MEDIA });
  }

  hangup(id: string): void {
    const session = this.sessions.get(id);
    if (!session || session.isEnded()) return;
    // Ringing in: 486 Busy Here is what "reject" means to the PBX (the caller may go to voicemail/queue).
    if (session.direction === 'incoming' && !this.answered.has(id)) session.terminate({ status_code: 486 });
    else session.terminate();
  }

  hold(id: string): void {
    this.sessions.get(id)?.hold();
  }

  resume(id: string): void {
    this.sessions.get(id)?.unhold();
  }

  mute(id: string, muted: boolean): void {
    const session = this.sessions.get(id);
    if (!session) return;
    if (muted) session.mute({ audio: true });
    else session.unmute({ audio: true });
  }

  dtmf(id: string, tone: string): void {
    const session = this.sessions.get(id);
    if (!session?.isEstablished()) return;
    session.sendDTMF(tone, { transportType: C.DTMF_TRANSPORT.RFC2833 });
    this.dispatch({ type: 'dtmf', id, tone });
  }

  blindTransfer(id: string, target: string): boolean {
    const session = this.sessions.get(id);
    const uri = targetUri(target, this.domain);
    if (!session || !uri) return false;
    this.dispatch({ type: 'transfer-requested', id, kind: 'blind', target: target.trim() });
    session.refer(uri, { eventHandlers: this.referHandlers(id) });
    return true;
  }

  startAttendedTransfer(id: string, target: string): boolean {
    const session = this.sessions.get(id);
    if (!session || !targetUri(target, this.domain)) return false;
    if (!session.isOnHold().local) session.hold();
    if (!this.call(target, id)) return false;
    const consult = this.consults.get(id);
    this.dispatch({ type: 'transfer-requested', id, kind: 'attended', target: target.trim(), consultId: consult?.id });
    return true;
  }

  completeAttendedTransfer(id: string): void {
    const session = this.sessions.get(id);
    const consult = this.consults.get(id);
    if (!session || !consult?.isEstablished()) return;
    // REFER with Replaces: the PBX bridges the caller to the consulted party and drops both of our legs.
    session.refer(consult.remote_identity.uri, { replaces: consult, eventHandlers: this.referHandlers(id) });
  }

  cancelAttendedTransfer(id: string): void {
    const consult = this.consults.get(id);
    this.consults.delete(id);
    if (consult && !consult.isEnded()) consult.terminate();
    this.dispatch({ type: 'transfer-cancelled', id });
    this.sessions.get(id)?.unhold();
  }

  private referHandlers(id: string) {
    return {
      requestSucceeded: () => this.dispatch({ type: 'transfer-pending', id }),
      // NOTIFY 200 (sipfrag): the PBX has connected the customer elsewhere. Hanging up our leg(s) is the
      // transferor's job (RFC 5589); Asterisk does not do it for us.
      accepted: () => {
        const consult = this.consults.get(id);
        this.consults.delete(id);
        for (const session of [this.sessions.get(id), consult]) if (session && !session.isEnded()) session.terminate();
      },
      requestFailed: (e: { cause?: string }) => this.dispatch({ type: 'transfer-failed', id, cause: e.cause }),
      failed: (e: { cause?: string }) => this.dispatch({ type: 'transfer-failed', id, cause: e.cause }),
    };
  }

  private track(session: RTCSession, incoming: boolean): void {
    const id = session.id;
    this.sessions.set(id, session);
    if (incoming) {
      const remote = session.remote_identity;
      this.dispatch({
        type: 'incoming',
        id,
        remote: remote.uri.user ?? remote.uri.toString(),
        remoteName: remote.display_name || null,
        at: this.now(),
      });
    }
    const pc = session.connection as RTCPeerConnection | undefined;
    if (pc) this.playRemote(pc);
    else session.on('peerconnection', (e) => this.playRemote(e.peerconnection as RTCPeerConnection));

    session.on('confirmed', () => {
      this.answered.add(id);
      this.dispatch({ type: 'answered', id, at: this.now() });
    });
    session.on('accepted', () => {
      this.answered.add(id);
      this.dispatch({ type: 'answered', id, at: this.now() });
    });
    session.on('hold', (e) => e.originator === 'local' && this.dispatch({ type: 'held', id }));
    session.on('unhold', (e) => e.originator === 'local' && this.dispatch({ type: 'resumed', id }));
    session.on('muted', () => this.dispatch({ type: 'muted', id, muted: true }));
    session.on('unmuted', () => this.dispatch({ type: 'muted', id, muted: false }));
    const finish = (e: { originator: string; cause: string }) => this.finish(id, e.originator as Originator, e.cause);
    session.on('ended', finish);
    session.on('failed', finish);
  }

  private finish(id: string, originator: Originator, cause: string): void {
    const reason = endReasonOf(originator, cause, this.answered.has(id));
    this.sessions.delete(id);
    this.answered.delete(id);
    for (const [original, consult] of this.consults) if (consult.id === id) this.consults.delete(original);
    if (reason === 'microphone-denied') this.dispatch({ type: 'microphone-denied', id, at: this.now() });
    else this.dispatch({ type: 'ended', id, reason, at: this.now(), cause });
  }

  private playRemote(pc: RTCPeerConnection): void {
    pc.addEventListener('track', (event) => {
      const [stream] = event.streams;
      if (!stream) return;
      this.remoteAudio.srcObject = stream;
      this.remoteAudio.play().catch(() => {
        // Autoplay may be refused until the user interacts; answering is an interaction, so this is rare.
      });
    });
  }
}
