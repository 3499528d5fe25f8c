/**
 * The classic libpcap file format (not pcapng), as rtpengine's `pcap` recording method writes it: a 24-byte global
 * header, then per packet a 16-byte record header and the captured bytes. Pure; never reads past the buffer.
 */

export class RecordingFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordingFormatError';
  }
}

/** Link types rtpengine writes: `--recording-format=raw` (IP packets) or `eth` (a fake Ethernet header first). */
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;

export interface PcapPacket {
  /** Capture time in microseconds since the epoch. */
  atUs: number;
  data: Uint8Array;
}

export interface PcapFile {
  linkType: number;
  packets: PcapPacket[];
}

const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;

/** Parses a whole pcap file. A record cut short at the end (a capture still being written) is dropped, not an error. */
export function parsePcap(bytes: Uint8Array): PcapFile {
  if (bytes.length < 24) throw new RecordingFormatError(`pcap: ${bytes.length} bytes is shorter than its header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let little: boolean;
  let nanos: boolean;
  const magicLe = view.getUint32(0, true);
  if (magicLe === MAGIC_US || magicLe === MAGIC_NS) {
    little = true;
    nanos = magicLe === MAGIC_NS;
  } else {
    const magicBe = view.getUint32(0, false);
    if (magicBe !== MAGIC_US && magicBe !== MAGIC_NS)
      throw new RecordingFormatError(`pcap: bad magic 0x${magicLe.toString(16)}`);
    little = false;
    nanos = magicBe === MAGIC_NS;
  }
  const linkType = view.getUint32(20, little);
  const packets: PcapPacket[] = [];
  let at = 24;
  while (at + 16 <= bytes.length) {
    const sec = view.getUint32(at, little);
    const frac = view.getUint32(at + 4, little);
    const included = view.getUint32(at + 8, little);
    if (at + 16 + included > bytes.length) break;
    packets.push({
      atUs: sec * 1_000_000 + (nanos ? Math.floor(frac / 1000) : frac),
      data: bytes.subarray(at + 16, at + 16 + included),
    });
    at += 16 + included;
  }
  return { linkType, packets };
}

/** Writes a little-endian, microsecond pcap (the inverse of parsePcap; tests build captures with it). */
export function writePcap(file: PcapFile): Uint8Array {
  const size = 24 + file.packets.reduce((n, p) => n + 16 + p.data.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC_US, true);
  view.setUint16(4, 2, true);
  view.setUint16(6, 4, true);
  view.setUint32(16, 65535, true);
  view.setUint32(20, file.linkType, true);
  let at = 24;
  for (const p of file.packets) {
    view.setUint32(at, Math.floor(p.atUs / 1_000_000), true);
    view.setUint32(at + 4, p.atUs % 1_000_000, true);
    view.setUint32(at + 8, p.data.length, true);
    view.setUint32(at + 12, p.data.length, true);
    out.set(p.data, at + 16);
    at += 16 + p.data.length;
  }
  return out;
}
