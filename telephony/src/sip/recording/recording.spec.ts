import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { decodeG711, encodeAlaw, encodeUlaw, PT_PCMA, PT_PCMU } from '@telephony/sip/recording/g711';
import { mixCapture } from '@telephony/sip/recording/mix';
import {
  LINKTYPE_ETHERNET,
  LINKTYPE_RAW,
  parsePcap,
  RecordingFormatError,
  writePcap,
  type PcapPacket,
} from '@telephony/sip/recording/pcap';
import { parseRtp, udpOf } from '@telephony/sip/recording/rtp';
import { wavFromPcm16 } from '@telephony/sip/recording/wav';
import { escapeCallId } from '@telephony/sip/recording/call-recording';

/** An IPv4/UDP packet (no checksum: nobody checks it in a capture) around an RTP packet. */
function ipv4Udp(src: [number, number], dst: [number, number], payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(28 + payload.length);
  const v = new DataView(out.buffer);
  out[0] = 0x45;
  v.setUint16(2, out.length);
  out[8] = 64;
  out[9] = 17;
  out.set([127, 0, 0, src[0]], 12);
  out.set([127, 0, 0, dst[0]], 16);
  v.setUint16(20, src[1]);
  v.setUint16(22, dst[1]);
  v.setUint16(24, 8 + payload.length);
  out.set(payload, 28);
  return out;
}

function rtp(pt: number, seq: number, ts: number, ssrc: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + payload.length);
  const v = new DataView(out.buffer);
  out[0] = 0x80;
  out[1] = pt;
  v.setUint16(2, seq);
  v.setUint32(4, ts);
  v.setUint32(8, ssrc);
  out.set(payload, 12);
  return out;
}

/** 20 ms of a constant A-law sample, as a stream of RTP packets captured every 20 ms from `startUs`. */
function stream(ssrc: number, value: number, packets: number, startUs: number, src = 1): PcapPacket[] {
  const byte = encodeAlaw(value);
  return Array.from({ length: packets }, (_, i) => ({
    atUs: startUs + i * 20_000,
    data: ipv4Udp([src, 40000], [9, 30000], rtp(PT_PCMA, i, 1000 + i * 160, ssrc, new Uint8Array(160).fill(byte))),
  }));
}

describe('G.711', () => {
  it('decodes the standard reference points (A-law 0xD5 = +8, µ-law 0xFF = 0, full scale)', () => {
    expect(Array.from(decodeG711(Uint8Array.of(0xd5, 0x55, 0xaa, 0x2a), PT_PCMA)!)).toEqual([8, -8, 32256, -32256]);
    expect(Array.from(decodeG711(Uint8Array.of(0xff, 0x7f, 0x80, 0x00), PT_PCMU)!)).toEqual([0, 0, 32124, -32124]);
    expect(decodeG711(Uint8Array.of(1), 18)).toBeNull();
  });

  it('every code decodes to a value that encodes back to the same code (fast-check over all 256 × 2)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), (code) => {
        const a = decodeG711(Uint8Array.of(code), PT_PCMA)![0]!;
        const u = decodeG711(Uint8Array.of(code), PT_PCMU)![0]!;
        expect(encodeAlaw(a)).toBe(code);
        // µ-law has two codes for zero (0x7F and 0xFF); both decode to 0, which encodes as 0xFF.
        expect(encodeUlaw(u)).toBe(u === 0 ? 0xff : code);
      }),
    );
  });

  it('any 16-bit sample survives encode → decode within the quantisation step of its segment', () => {
    fc.assert(
      fc.property(fc.integer({ min: -32768, max: 32767 }), (s) => {
        const a = decodeG711(Uint8Array.of(encodeAlaw(s)), PT_PCMA)![0]!;
        const u = decodeG711(Uint8Array.of(encodeUlaw(s)), PT_PCMU)![0]!;
        expect(Math.abs(a - s)).toBeLessThanOrEqual(Math.max(16, Math.abs(s) / 16) + 8);
        expect(Math.abs(u - s)).toBeLessThanOrEqual(Math.max(8, Math.abs(s) / 16) + 132);
      }),
    );
  });
});

describe('pcap and RTP parsing', () => {
  it('round-trips a capture through writePcap/parsePcap', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ atUs: fc.nat(2 ** 40), data: fc.uint8Array({ maxLength: 300 }) }), { maxLength: 20 }),
        fc.constantFrom(LINKTYPE_RAW, LINKTYPE_ETHERNET),
        (packets, linkType) => {
          const parsed = parsePcap(writePcap({ linkType, packets }));
          expect(parsed.linkType).toBe(linkType);
          expect(parsed.packets.map((p) => [p.atUs, Array.from(p.data)])).toEqual(
            packets.map((p) => [p.atUs, Array.from(p.data)]),
          );
        },
      ),
    );
  });

  it('arbitrary bytes: parsePcap throws only RecordingFormatError, never reads out of bounds', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.boolean(), (bytes, withMagic) => {
        if (withMagic && bytes.length >= 4) bytes.set([0xd4, 0xc3, 0xb2, 0xa1]);
        try {
          const file = parsePcap(bytes);
          for (const p of file.packets) expect(p.data.length).toBeLessThanOrEqual(bytes.length);
        } catch (error) {
          expect(error).toBeInstanceOf(RecordingFormatError);
        }
      }),
    );
  });

  it('a record cut short at the end (a capture still being written) is dropped', () => {
    const whole = writePcap({ linkType: LINKTYPE_RAW, packets: stream(1, 100, 3, 0) });
    expect(parsePcap(whole.subarray(0, whole.length - 5)).packets).toHaveLength(2);
  });

  it('arbitrary bytes: udpOf and parseRtp return null or a slice inside the input, never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(LINKTYPE_RAW, LINKTYPE_ETHERNET, 0), (b, lt) => {
        const udp = udpOf(b, lt);
        if (udp) expect(udp.payload.length).toBeLessThanOrEqual(b.length);
        const packet = parseRtp(b);
        if (packet) expect(packet.payload.length).toBeLessThanOrEqual(b.length - 12);
      }),
    );
  });

  it('reads addresses, ports and the RTP header; skips RTCP, non-UDP and fragments', () => {
    const packet = ipv4Udp([5, 4000], [9, 30000], rtp(8, 7, 1234, 0xdeadbeef, Uint8Array.of(1, 2, 3)));
    const udp = udpOf(packet, LINKTYPE_RAW)!;
    expect(udp).toMatchObject({ src: '127.0.0.5:4000', dst: '127.0.0.9:30000' });
    expect(parseRtp(udp.payload)).toMatchObject({ payloadType: 8, sequence: 7, timestamp: 1234, ssrc: 0xdeadbeef });
    expect(Array.from(parseRtp(udp.payload)!.payload)).toEqual([1, 2, 3]);
    expect(parseRtp(rtp(72, 1, 1, 1, new Uint8Array(4)))).toBeNull();
    const tcp = packet.slice();
    tcp[9] = 6;
    expect(udpOf(tcp, LINKTYPE_RAW)).toBeNull();
    const fragment = packet.slice();
    fragment[6] = 0x20;
    expect(udpOf(fragment, LINKTYPE_RAW)).toBeNull();
  });
});

describe('mixing a capture into one track', () => {
  it('places each stream by its capture start and RTP timestamp, and sums overlaps', () => {
    // caller talks from 0 to 200 ms, the phone from 100 ms to 300 ms
    const capture = {
      linkType: LINKTYPE_RAW,
      packets: [...stream(1, 1000, 10, 0), ...stream(2, 2000, 10, 100_000, 2)],
    };
    const { samples, streams } = mixCapture(capture);
    expect(streams).toBe(2);
    expect(samples.length).toBe(2400);
    const at = (ms: number) => samples[ms * 8]!;
    const a = decodeG711(Uint8Array.of(encodeAlaw(1000)), PT_PCMA)![0]!;
    const b = decodeG711(Uint8Array.of(encodeAlaw(2000)), PT_PCMA)![0]!;
    expect([at(50), at(150), at(250)]).toEqual([a, a + b, b]);
  });

  it('a packet captured twice (as received and as forwarded) is not doubled; a lost one leaves silence', () => {
    const packets = stream(7, 1000, 5, 0);
    const withDuplicate = [...packets, { ...packets[1]!, atUs: packets[1]!.atUs + 300 }];
    const lost = packets.filter((_, i) => i !== 2);
    const one = mixCapture({ linkType: LINKTYPE_RAW, packets: withDuplicate }).samples;
    expect(one).toEqual(mixCapture({ linkType: LINKTYPE_RAW, packets }).samples);
    const gap = mixCapture({ linkType: LINKTYPE_RAW, packets: lost }).samples;
    expect(Array.from(gap.subarray(320, 480)).every((s) => s === 0)).toBe(true);
  });

  it('any capture of G.711 streams mixes without throwing and within bounds (fast-check)', () => {
    const packet = fc
      .record({
        atUs: fc.nat(10_000_000),
        ssrc: fc.nat(3),
        ts: fc.nat(2 ** 32 - 1),
        pt: fc.constantFrom(0, 8, 101),
        body: fc.uint8Array({ maxLength: 200 }),
      })
      .map((p) => ({ atUs: p.atUs, data: ipv4Udp([1, 1], [2, 2], rtp(p.pt, 0, p.ts, p.ssrc, p.body)) }));
    fc.assert(
      fc.property(fc.array(packet, { maxLength: 30 }), (packets) => {
        const { samples } = mixCapture({ linkType: LINKTYPE_RAW, packets }, { maxSeconds: 30 });
        expect(samples.length).toBeLessThanOrEqual(30 * 8000);
      }),
    );
  });
});

describe('WAV and file names', () => {
  it('writes a 44-byte RIFF header for 8 kHz 16-bit mono PCM', () => {
    const wav = Buffer.from(wavFromPcm16(Int16Array.of(1, -1, 300)));
    expect(wav.subarray(0, 4).toString()).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
    expect(wav.subarray(8, 16).toString()).toBe('WAVEfmt ');
    expect([wav.readUInt16LE(20), wav.readUInt16LE(22), wav.readUInt32LE(24), wav.readUInt16LE(34)]).toEqual([
      1, 1, 8000, 16,
    ]);
    expect(wav.readUInt32LE(40)).toBe(6);
    expect([wav.readInt16LE(44), wav.readInt16LE(46), wav.readInt16LE(48)]).toEqual([1, -1, 300]);
  });

  it("escapes a Call-ID the way rtpengine names the call's files", () => {
    expect(escapeCallId('1-31441@127.0.0.1')).toBe('1-31441%40127.0.0.1');
    expect(escapeCallId('a b/c_d.e')).toBe('a%20b%2Fc_d.e');
  });
});
