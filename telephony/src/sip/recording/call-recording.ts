import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

import { mixCapture } from '@telephony/sip/recording/mix';
import { parsePcap, RecordingFormatError } from '@telephony/sip/recording/pcap';
import { wavFromPcm16 } from '@telephony/sip/recording/wav';

export interface CallRecordingRequest {
  /** rtpengine's `--recording-dir` (pcap method): `metadata/` and `pcaps/` under it. */
  spoolDir: string;
  /** Where the WAV goes: the directory the server ingests recordings from (RECORDINGS_DIR). */
  outputDir: string;
  /** The Call-ID rtpengine knows the call by (the trunk leg's). */
  sipCallId: string;
  /** Our call id: names the WAV. */
  callId: string;
  /** How long to wait for rtpengine's metadata file after the delete. Default 3000 ms. */
  waitMs?: number;
}

/**
 * Turns the pcap rtpengine recorded for a call into a mono 8 kHz WAV in `outputDir` (written under a temporary
 * name, then renamed, so the ingest never sees half a file) and returns its path. rtpengine writes the call's
 * metadata file, whose first line is the pcap's path, once the call is deleted.
 */
export async function recordCall(request: CallRecordingRequest): Promise<string> {
  const pcapPath = await pcapOf(request);
  const capture = parsePcap(await readFile(pcapPath));
  // A call answered and hung up before any RTP still gets its (empty) WAV, as MixMonitor writes one: the ingest
  // then decides, the same way for both adapters.
  const { samples } = mixCapture(capture);
  await mkdir(request.outputDir, { recursive: true });
  const file = join(request.outputDir, `sip-${request.callId}.wav`);
  const partial = `${file}.part`;
  await writeFile(partial, wavFromPcm16(samples));
  await rename(partial, file);
  return file;
}

async function pcapOf(request: CallRecordingRequest): Promise<string> {
  const dir = join(request.spoolDir, 'metadata');
  const deadline = Date.now() + (request.waitMs ?? 3000);
  const prefix = `rtpengine-meta-${escapeCallId(request.sipCallId)}-`;
  for (;;) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.startsWith(prefix))) {
      const text = await readFile(join(dir, name), 'utf8');
      const path = text.split('\n')[0]?.trim();
      if (path && basename(path).endsWith('.pcap')) return path;
    }
    if (Date.now() > deadline) throw new RecordingFormatError(`rtpengine wrote no recording metadata for ${prefix}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * rtpengine (10.5, recording.c) names a call's files `rtpengine-meta-<Call-ID>-<16 hex>.txt` and
 * `<Call-ID>-<16 hex>.pcap`, the Call-ID percent-encoded except for letters, digits, `-`, `.` and `_`.
 */
export function escapeCallId(callId: string): string {
  let out = '';
  for (const byte of Buffer.from(callId, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9._-]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
