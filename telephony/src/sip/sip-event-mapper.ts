import { causeFromQ850, type HangupCause } from '@telephony/model/hangup-cause';
import type { Party } from '@telephony/model/call-event';
import { timeOrderedId, uuidV5 } from '@telephony/model/stable-id';
import { toParty, type NormalizeOptions } from '@telephony/phone/normalize-phone';
import { withheldParty } from '@telephony/phone/withheld';

/**
 * Our call id for a SIP call: time-ordered on the INVITE's arrival, named by `sip:<Call-ID>` of the trunk leg. The
 * arrival is kept with the dialog in the dialog store (`startedAtMs`), so a restarted adapter derives the id again.
 */
export function callIdForSip(sipCallId: string, inviteAtMs: number): string {
  return timeOrderedId(`sip:${sipCallId}`, inviteAtMs);
}

/** Leg id of one dialog. Every dialog of our B2BUA has its own Call-ID, so the Call-ID names the dialog. */
export function legIdForSip(dialogCallId: string): string {
  return uuidV5(`sip-leg:${dialogCallId}`);
}

/**
 * SIP final status → ISUP cause per RFC 3398 §8.2.6.1, so statuses collapse exactly like AMI's Q.850 causes do.
 * Statuses RFC 3398 leaves to 127 (interworking) end up `failed`.
 */
const RFC3398_Q850: Record<number, number> = {
  400: 41,
  401: 21,
  402: 21,
  403: 21,
  404: 1,
  405: 63,
  406: 79,
  407: 21,
  410: 22,
  413: 127,
  414: 127,
  415: 79,
  416: 127,
  420: 127,
  421: 127,
  423: 127,
  480: 18,
  481: 41,
  482: 25,
  483: 25,
  484: 28,
  485: 1,
  486: 17,
  488: 127,
  500: 41,
  501: 79,
  502: 38,
  503: 41,
  505: 127,
  513: 127,
  600: 17,
  603: 21,
  604: 1,
  606: 58,
};

/**
 * Normalized cause of a failed INVITE (or of a BYE carrying a status in its Reason).
 * Deviations from RFC 3398, chosen to match what a call center means:
 * 408 and 504 (timer expiry, Q.850 102) are `no-answer` — the phone rang out, nothing "failed";
 * 487 is `cancel` (the caller or we gave up); any 3xx is `forwarded` (Q.850 23).
 * Loses information: 401/403/407/603 all read as `no-answer` (RFC 3398 maps them to 21, call rejected).
 */
export function causeFromSipStatus(status: number): HangupCause {
  if (status >= 200 && status < 300) return 'normal-clearing';
  if (status >= 300 && status < 400) return 'forwarded';
  if (status === 487) return 'cancel';
  if (status === 408 || status === 504) return 'no-answer';
  const q850 = RFC3398_Q850[status];
  if (q850 !== undefined) return causeFromQ850(q850);
  if (status >= 600) return 'busy';
  if (status >= 500) return 'congestion';
  return 'failed';
}

/** The Q.850 cause in a `Reason: Q.850;cause=17;text="..."` header (RFC 3326), if any. */
export function q850FromReason(reason: string | undefined): number | undefined {
  const m = reason ? /Q\.850\s*;\s*cause\s*=\s*(\d+)/i.exec(reason) : null;
  return m?.[1] !== undefined ? Number(m[1]) : undefined;
}

/** Cause of a failed INVITE: a Q.850 Reason header wins (it is the PBX's own word), else the status. */
export function causeFromSipFailure(status: number, reason?: string): { cause: HangupCause; rawCause: string } {
  const q850 = q850FromReason(reason);
  if (q850 !== undefined && status !== 487)
    return { cause: causeFromQ850(q850), rawCause: `SIP ${status}; Q.850 ${q850}` };
  return { cause: causeFromSipStatus(status), rawCause: `SIP ${status}` };
}

/** Cause of a BYE: normal clearing unless it carries a Q.850 Reason. */
export function causeFromBye(reason?: string): { cause: HangupCause; rawCause?: string } {
  const q850 = q850FromReason(reason);
  if (q850 === undefined || q850 === 0) return { cause: 'normal-clearing' };
  return { cause: causeFromQ850(q850), rawCause: `Q.850 ${q850}` };
}

export type SdpDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/**
 * Media direction of an SDP body: the first audio stream's attribute, else the session-level one, else sendrecv
 * (RFC 4566 default). `c=IN IP4 0.0.0.0` is the RFC 2543 hold and reads as `inactive`.
 */
export function sdpDirection(sdp: string | undefined): SdpDirection {
  if (!sdp) return 'sendrecv';
  const lines = sdp.split(/\r?\n/);
  const firstMedia = lines.findIndex((l) => l.startsWith('m='));
  const session = firstMedia === -1 ? lines : lines.slice(0, firstMedia);
  const audioStart = lines.findIndex((l) => l.startsWith('m=audio'));
  let audio: string[] = [];
  if (audioStart !== -1) {
    const next = lines.findIndex((l, i) => i > audioStart && l.startsWith('m='));
    audio = lines.slice(audioStart + 1, next === -1 ? undefined : next);
  }
  const pick = (ls: string[]): SdpDirection | undefined => {
    for (const l of ls) {
      const m = /^a=(sendrecv|sendonly|recvonly|inactive)\s*$/.exec(l);
      if (m) return m[1] as SdpDirection;
    }
    return undefined;
  };
  if ([...session, ...audio].some((l) => /^c=IN IP4 0\.0\.0\.0\s*$/.test(l))) return 'inactive';
  return pick(audio) ?? pick(session) ?? 'sendrecv';
}

/** A re-INVITE with this direction puts the other side on hold (RFC 6337 §5.3: sendonly or inactive). */
export function isHoldDirection(direction: SdpDirection): boolean {
  return direction === 'sendonly' || direction === 'inactive';
}

/** Display name and user part of a name-addr (`"Ivan" <sip:+7916...@host>;tag=x`) or addr-spec. */
export function parseNameAddr(header: string | undefined): {
  name: string | null;
  user: string | null;
  uri: string | null;
} {
  if (!header) return { name: null, user: null, uri: null };
  const angle = /^\s*(?:"((?:[^"\\]|\\.)*)"|([^<"]*?))\s*<([^>]*)>/.exec(header);
  const uri = angle ? (angle[3] ?? '') : (header.split(';')[0] ?? '').trim();
  const rawName = angle ? (angle[1]?.replace(/\\(.)/g, '$1') ?? angle[2]?.trim() ?? '') : '';
  const user = /^(?:sips?|tel):([^@;?]*)/i.exec(uri)?.[1] ?? null;
  return {
    name: rawName !== '' ? rawName : null,
    user: user !== null ? decodeURIComponent(user) : null,
    uri: uri || null,
  };
}

/**
 * The caller as a `Party`, from the INVITE's identity headers.
 * P-Asserted-Identity (a trusted trunk's word) wins over From unless the caller asked for privacy
 * (`Privacy: id`), in which case the caller is anonymous whatever PAI says: a withheld number stays withheld,
 * and neither the number nor the name of From or PAI is kept (a `From: <sip:+7916…>` with `Privacy: id` too).
 */
export function callerParty(
  headers: { from: string; pAssertedIdentity?: string; privacy?: string },
  options: NormalizeOptions = {},
): Party {
  const privacy = (headers.privacy ?? '').split(/[;,\s]+/).some((p) => ['id', 'user'].includes(p.toLowerCase()));
  const from = parseNameAddr(headers.from);
  if (privacy || /@anonymous\.invalid$/i.test(from.uri ?? '')) {
    return withheldParty();
  }
  const pai = parseNameAddr(headers.pAssertedIdentity);
  const id = pai.user ? pai : from;
  return toParty(id.user ?? '', id.name ?? from.name ?? undefined, options);
}

/** The dialed party from the Request-URI user (the DID), falling back to the To header. */
export function calledParty(requestUri: string, to: string | undefined, options: NormalizeOptions = {}): Party {
  const user = parseNameAddr(requestUri).user ?? parseNameAddr(to).user ?? '';
  return toParty(user, undefined, options);
}

/** Extension (user part) of a `Refer-To` target, e.g. `<sip:1002@pbx>` → `1002`; null if none. */
export function referTarget(referTo: string | undefined): { extension: string | null; uri: string | null } {
  const { user, uri } = parseNameAddr(referTo);
  return { extension: user && user !== '' ? user : null, uri: uri ? (uri.split('?')[0] ?? uri) : null };
}

/**
 * The dialog an attended transfer's `Refer-To` asks to replace (RFC 3891, carried URL-encoded in the URI's
 * `Replaces` header): `<sip:1003@pbx?Replaces=abc%40host%3Bto-tag%3D1%3Bfrom-tag%3D2>` → that Call-ID and tags.
 */
export function referReplaces(
  referTo: string | undefined,
): { callId: string; toTag: string | null; fromTag: string | null } | null {
  const { uri } = parseNameAddr(referTo);
  const query = uri?.split('?')[1];
  if (!query) return null;
  const raw = query
    .split('&')
    .map((pair) => pair.split('='))
    .find(([name]) => name?.toLowerCase() === 'replaces')
    ?.slice(1)
    .join('=');
  if (!raw) return null;
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    return null;
  }
  const [callId, ...params] = value.split(';').map((p) => p.trim());
  if (!callId) return null;
  const param = (name: string) =>
    params.find((p) => p.toLowerCase().startsWith(`${name}=`))?.slice(name.length + 1) ?? null;
  return { callId, toTag: param('to-tag'), fromTag: param('from-tag') };
}
