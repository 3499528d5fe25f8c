import { Client, type NgReply, type NgValue } from 'rtpengine-client';

import { TelephonyError } from '@telephony/errors';

export interface MediaAnchorConfig {
  /** rtpengine's ng control address (`--listen-ng`, UDP). */
  host: string;
  port: number;
  /** A lost ng reply fails the request after this long. Default 2000 ms. */
  timeoutMs?: number;
}

/** One side of an anchored call, as rtpengine keys it: the trunk leg's Call-ID and the tag of whoever offers. */
export interface MediaLeg {
  callId: string;
  fromTag: string;
  toTag?: string;
}

/**
 * SDP flags for plain RTP/AVP peers (sipp, desk phones, Asterisk): rtpengine rewrites origin and connection to its
 * own address and drops ICE (and DTLS, by the profile), so each side only ever sees rtpengine. `record call` makes
 * rtpengine write the call's packets to its pcap spool from then on.
 */
const RTP_FLAGS: Record<string, NgValue> = {
  replace: ['origin', 'session-connection'],
  ICE: 'remove',
  'transport-protocol': 'RTP/AVP',
  // A browser's offer (its hold re-INVITE) multiplexes RTCP: not passed on to a plain peer, but accepted back to
  // the browser, which refuses an answer without it.
  'rtcp-mux': ['demux'],
};

/**
 * SDP flags for an offer to a browser (JsSIP over drachtio's ws transport): WebRTC insists on ICE, DTLS-SRTP
 * (`UDP/TLS/RTP/SAVPF`, no SDES keys), RTCP multiplexed on the RTP port and an `a=mid` per section, so rtpengine
 * terminates all of that on the browser's side and keeps plain RTP/AVP on the other (as jambonz offers to WebRTC
 * clients). The browser's answer then goes back with `RTP_FLAGS`, which strip its ICE and crypto again.
 */
const WEBRTC_FLAGS: Record<string, NgValue> = {
  replace: ['origin', 'session-connection'],
  ICE: 'force',
  'transport-protocol': 'UDP/TLS/RTP/SAVPF',
  'rtcp-mux': ['require'],
  flags: ['SDES-off', 'generate-mid'],
};

/** A contact reached over SIP over WebSocket (RFC 7118): a browser, whose media must be WebRTC. */
export function isWebrtcUri(uri: string): boolean {
  return /;transport=wss?(?=;|>|$)/i.test(uri);
}

/**
 * The SIP front's media path: every bridged call's RTP goes through rtpengine (ng protocol over UDP), which anchors
 * it (a transfer or a re-INVITE on one side never moves the other side's media) and records answered calls.
 */
export class MediaAnchor {
  private socket: Client | undefined;

  constructor(private readonly config: MediaAnchorConfig) {}

  /** The ng client's UDP socket, opened on first use and again after close(). */
  private get client(): Client {
    if (!this.socket) {
      this.socket = new Client({ timeout: this.config.timeoutMs ?? 2000 });
      // Replies it cannot correlate (a late one after our timeout) are emitted as 'error'; nothing to do with them.
      this.socket.on('error', () => undefined);
    }
    return this.socket;
  }

  /**
   * An offer from `leg.fromTag`'s side; resolves with the SDP to send on to the other side, a WebRTC one when that
   * side is a browser (`webrtc`).
   */
  async offer(leg: MediaLeg, sdp: string, options: { label?: string; webrtc?: boolean } = {}): Promise<string> {
    const flags = options.webrtc ? WEBRTC_FLAGS : RTP_FLAGS;
    const reply = await this.send('offer', { ...ngLeg(leg), sdp, ...flags, ...labelOf(options.label) });
    return sdpOf(reply, 'offer');
  }

  /**
   * The answer from `leg.toTag`'s side to the last offer, for `leg.fromTag`'s side (a WebRTC one when that side is a
   * browser, `webrtc`); `record` starts recording the call here.
   */
  async answer(leg: MediaLeg, sdp: string, options: { record?: boolean; webrtc?: boolean } = {}): Promise<string> {
    const reply = await this.send('answer', {
      ...ngLeg(leg),
      sdp,
      ...(options.webrtc ? WEBRTC_FLAGS : RTP_FLAGS),
      ...(options.record ? { 'record call': 'yes' } : {}),
    });
    return sdpOf(reply, 'answer');
  }

  /** Ends the call in rtpengine: its ports are freed and a recording's pcap is closed and its metadata written. */
  async delete(callId: string): Promise<void> {
    const reply = await this.send('delete', { 'call-id': callId });
    // "Call-ID not found" is fine: rtpengine already timed the call out, or it restarted meanwhile.
    if (reply.result === 'error' && !/not found/i.test(reply['error-reason'] ?? ''))
      throw new TelephonyError('ACTION_FAILED', `rtpengine delete: ${reply['error-reason'] ?? 'error'}`);
  }

  /**
   * Forks the media that `fromTags` send to a new listener (rtpengine's media subscription): resolves with the
   * offer for the listener, one sendonly audio section per party (rtpengine forwards, it does not mix), and the
   * listener's tag for `subscribeAnswer` and `unsubscribe`.
   */
  async subscribe(callId: string, fromTags: string[]): Promise<{ sdp: string; toTag: string }> {
    const reply = await this.send('subscribeRequest', { 'call-id': callId, 'from-tags': fromTags, ...RTP_FLAGS });
    const toTag = reply['to-tag'];
    if (typeof toTag !== 'string') throw new TelephonyError('ACTION_FAILED', 'rtpengine subscribe: no to-tag');
    return { sdp: sdpOf(reply, 'subscribe request'), toTag };
  }

  /** The listener's answer to `subscribe`'s offer: the forked media starts flowing to it. */
  async subscribeAnswer(callId: string, toTag: string, sdp: string): Promise<void> {
    const reply = await this.send('subscribeAnswer', { 'call-id': callId, 'to-tag': toTag, sdp, ...RTP_FLAGS });
    if (reply.result !== 'ok')
      throw new TelephonyError('ACTION_FAILED', `rtpengine subscribe answer: ${reply['error-reason'] ?? reply.result}`);
  }

  /** Stops forking to the listener (its call is over, or the call it listened to is). */
  async unsubscribe(callId: string, toTag: string): Promise<void> {
    await this.send('unsubscribe', { 'call-id': callId, 'to-tag': toTag });
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.client.ping(this.config.port, this.config.host)).result === 'pong';
    } catch {
      return false;
    }
  }

  close(): void {
    this.socket?.close();
    this.socket = undefined;
  }

  private async send(
    verb: 'offer' | 'answer' | 'delete' | 'subscribeRequest' | 'subscribeAnswer' | 'unsubscribe',
    opts: Record<string, NgValue>,
  ): Promise<NgReply> {
    try {
      return await this.client[verb](this.config.port, this.config.host, opts);
    } catch (error) {
      throw new TelephonyError(
        'PBX_UNREACHABLE',
        `rtpengine at ${this.config.host}:${this.config.port} did not answer ${verb}: ${messageOf(error)}`,
        false,
        { cause: error },
      );
    }
  }
}

function ngLeg(leg: MediaLeg): Record<string, string> {
  return { 'call-id': leg.callId, 'from-tag': leg.fromTag, ...(leg.toTag ? { 'to-tag': leg.toTag } : {}) };
}

function labelOf(label: string | undefined): Record<string, string> {
  return label ? { label } : {};
}

function sdpOf(reply: NgReply, verb: string): string {
  if (reply.result !== 'ok' || typeof reply.sdp !== 'string')
    throw new TelephonyError('ACTION_FAILED', `rtpengine ${verb}: ${reply['error-reason'] ?? reply.result}`);
  return reply.sdp;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The `tag` parameter of a From/To header, or undefined. */
export function tagOf(header: string | undefined): string | undefined {
  return header ? /;\s*tag=([^;>\s]+)/i.exec(header)?.[1] : undefined;
}
