import { LINKTYPE_ETHERNET, LINKTYPE_RAW } from '@telephony/sip/recording/pcap';

/** A UDP datagram out of a captured IP packet. */
export interface UdpDatagram {
  src: string;
  dst: string;
  payload: Uint8Array;
}

/** An RTP packet (RFC 3550 §5.1): header fields we need and the payload after CSRCs, extension and padding. */
export interface RtpPacket {
  payloadType: number;
  marker: boolean;
  sequence: number;
  timestamp: number;
  ssrc: number;
  payload: Uint8Array;
}

/**
 * The UDP datagram inside one captured packet (IPv4 or IPv6, no IP options beyond what IHL says, no fragments),
 * or null for anything else. Never throws: a capture can hold any bytes.
 */
export function udpOf(data: Uint8Array, linkType: number): UdpDatagram | null {
  let ip = data;
  if (linkType === LINKTYPE_ETHERNET) {
    if (data.length < 14) return null;
    ip = data.subarray(14);
  } else if (linkType !== LINKTYPE_RAW) return null;
  if (ip.length < 1) return null;
  const version = ip[0]! >> 4;
  let udpAt: number;
  let src: string;
  let dst: string;
  if (version === 4) {
    const ihl = (ip[0]! & 0x0f) * 4;
    if (ihl < 20 || ip.length < ihl + 8 || ip[9] !== 17) return null;
    const fragment = ((ip[6]! & 0x1f) << 8) | ip[7]!;
    if (fragment !== 0 || (ip[6]! & 0x20) !== 0) return null;
    src = ip.subarray(12, 16).join('.');
    dst = ip.subarray(16, 20).join('.');
    udpAt = ihl;
  } else if (version === 6) {
    if (ip.length < 48 || ip[6] !== 17) return null;
    src = hex6(ip.subarray(8, 24));
    dst = hex6(ip.subarray(24, 40));
    udpAt = 40;
  } else return null;
  const udp = ip.subarray(udpAt);
  const length = (udp[4]! << 8) | udp[5]!;
  if (length < 8 || length > udp.length) return null;
  const srcPort = (udp[0]! << 8) | udp[1]!;
  const dstPort = (udp[2]! << 8) | udp[3]!;
  return { src: `${src}:${srcPort}`, dst: `${dst}:${dstPort}`, payload: udp.subarray(8, length) };
}

function hex6(bytes: Uint8Array): string {
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return `[${words.join(':')}]`;
}

/** Parses an RTP packet; null when it is not RTP version 2 or its header, CSRCs, extension or padding overrun it. */
export function parseRtp(bytes: Uint8Array): RtpPacket | null {
  if (bytes.length < 12 || bytes[0]! >> 6 !== 2) return null;
  const padding = (bytes[0]! & 0x20) !== 0;
  const extension = (bytes[0]! & 0x10) !== 0;
  const csrcs = bytes[0]! & 0x0f;
  const payloadType = bytes[1]! & 0x7f;
  // RTCP multiplexed on the RTP port (RFC 5761) uses 72–76 in this position.
  if (payloadType >= 72 && payloadType <= 76) return null;
  let at = 12 + csrcs * 4;
  if (extension) {
    if (bytes.length < at + 4) return null;
    at += 4 + ((bytes[at + 2]! << 8) | bytes[at + 3]!) * 4;
  }
  let end = bytes.length;
  if (padding) {
    if (end === 0) return null;
    end -= bytes[end - 1]!;
  }
  if (at > end) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    payloadType,
    marker: (bytes[1]! & 0x80) !== 0,
    sequence: view.getUint16(2),
    timestamp: view.getUint32(4),
    ssrc: view.getUint32(8),
    payload: bytes.subarray(at, end),
  };
}
