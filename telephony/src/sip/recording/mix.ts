import { decodeG711 } from '@telephony/sip/recording/g711';
import type { PcapFile } from '@telephony/sip/recording/pcap';
import { parseRtp, udpOf } from '@telephony/sip/recording/rtp';

export interface MixOptions {
  /** G.711's clock. */
  sampleRate?: number;
  /** Upper bound of the result, so a capture with a wild RTP timestamp cannot allocate gigabytes. Default 4 h. */
  maxSeconds?: number;
}

export interface Mixdown {
  samples: Int16Array;
  /** G.711 streams (SSRCs) found and mixed. */
  streams: number;
}

interface Stream {
  /** Sample index of the stream's first packet in the mix, from its capture time. */
  offset: number;
  baseTimestamp: number;
  chunks: Array<{ at: number; pcm: Int16Array }>;
}

const HALF_RANGE = 2 ** 31;

/**
 * One mono track out of a call's capture, like MixMonitor's: every G.711 RTP stream (keyed by SSRC, so the copy
 * rtpengine forwards and the one it received count once) is decoded and placed by its RTP timestamp, each stream
 * starting where its first packet was captured; overlapping streams are summed and clipped. Other payload types
 * (telephone-event, comfort noise) and anything that is not RTP are skipped. A packet re-sent or received twice
 * overwrites its own slot instead of doubling it; a gap stays silent.
 */
export function mixCapture(capture: PcapFile, options: MixOptions = {}): Mixdown {
  const rate = options.sampleRate ?? 8000;
  const limit = Math.floor((options.maxSeconds ?? 4 * 3600) * rate);
  const streams = new Map<number, Stream>();
  let startUs: number | undefined;
  const decoded: Array<{ atUs: number; ssrc: number; timestamp: number; pcm: Int16Array }> = [];
  for (const packet of capture.packets) {
    const udp = udpOf(packet.data, capture.linkType);
    const rtp = udp && parseRtp(udp.payload);
    const pcm = rtp && decodeG711(rtp.payload, rtp.payloadType);
    if (!rtp || !pcm || pcm.length === 0) continue;
    decoded.push({ atUs: packet.atUs, ssrc: rtp.ssrc, timestamp: rtp.timestamp, pcm });
    startUs = startUs === undefined ? packet.atUs : Math.min(startUs, packet.atUs);
  }
  if (startUs === undefined) return { samples: new Int16Array(0), streams: 0 };
  let length = 0;
  for (const d of decoded) {
    let stream = streams.get(d.ssrc);
    if (!stream) {
      stream = { offset: Math.round(((d.atUs - startUs) * rate) / 1e6), baseTimestamp: d.timestamp, chunks: [] };
      streams.set(d.ssrc, stream);
    }
    const delta = (d.timestamp - stream.baseTimestamp) >>> 0;
    if (delta >= HALF_RANGE) continue; // from before the stream's first packet (reordered): nowhere to put it
    const at = stream.offset + delta;
    if (at >= limit) continue;
    stream.chunks.push({ at, pcm: d.pcm });
    length = Math.max(length, Math.min(limit, at + d.pcm.length));
  }
  const sum = new Int32Array(length);
  for (const stream of streams.values()) {
    const own = new Int16Array(length);
    for (const { at, pcm } of stream.chunks) own.set(pcm.subarray(0, Math.max(0, length - at)), at);
    for (let i = 0; i < length; i += 1) sum[i]! += own[i]!;
  }
  const samples = new Int16Array(length);
  for (let i = 0; i < length; i += 1) samples[i] = Math.max(-32768, Math.min(32767, sum[i]!));
  return { samples, streams: streams.size };
}
