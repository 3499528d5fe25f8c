/**
 * G.711 (ITU-T G.711, 1988) A-law and µ-law to 16-bit linear PCM, by 256-entry tables built once from the standard's
 * segment rules; and the encoders, so tests can check the round trip.
 */

function alawSample(byte: number): number {
  const a = byte ^ 0x55;
  const exponent = (a & 0x70) >> 4;
  const mantissa = a & 0x0f;
  let magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  if ((a & 0x80) === 0) magnitude = -magnitude;
  return magnitude;
}

function ulawSample(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u & 0x70) >> 4;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return (u & 0x80) !== 0 ? -magnitude : magnitude;
}

const ALAW = Int16Array.from({ length: 256 }, (_, b) => alawSample(b));
const ULAW = Int16Array.from({ length: 256 }, (_, b) => ulawSample(b));

/** RTP static payload types of G.711 (RFC 3551 table 4). */
export const PT_PCMU = 0;
export const PT_PCMA = 8;

export function decodeG711(payload: Uint8Array, payloadType: number): Int16Array | null {
  const table = payloadType === PT_PCMA ? ALAW : payloadType === PT_PCMU ? ULAW : null;
  if (!table) return null;
  const out = new Int16Array(payload.length);
  for (let i = 0; i < payload.length; i += 1) out[i] = table[payload[i]!]!;
  return out;
}

export function encodeAlaw(sample: number): number {
  let s = Math.max(-32768, Math.min(32767, Math.trunc(sample)));
  const sign = s >= 0 ? 0x80 : 0;
  if (s < 0) s = -s - 1;
  s >>= 3;
  let exponent = 0;
  while (s >= 0x20 && exponent < 7) {
    s >>= 1;
    exponent += 1;
  }
  const mantissa = exponent === 0 ? s >> 1 : s & 0x0f;
  return ((sign | (exponent << 4) | mantissa) ^ 0x55) & 0xff;
}

export function encodeUlaw(sample: number): number {
  const BIAS = 0x84;
  let s = Math.max(-32768, Math.min(32767, Math.trunc(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  s = Math.min(s, 32635) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent -= 1;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}
