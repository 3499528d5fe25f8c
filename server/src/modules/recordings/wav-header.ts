export type WavCheck =
  | {
      ok: true;
      dataBytes: number;
      /** Bytes per second of audio (the `fmt ` chunk), so the duration needs no decoder. */
      byteRate: number;
      /**
       * The RIFF size accounts for the whole file (give or take the pad byte after an odd data chunk): the writer
       * has patched the header. Asterisk leaves it at 0 until it closes the file.
       */
      sealed: boolean;
    }
  | { ok: false; reason: 'not-wav' | 'no-data-chunk' | 'truncated' | 'empty'; detail: string };

/**
 * Checks the RIFF structure of a WAV file against its real size. ffprobe happily reports a shorter duration for a
 * file cut off mid-write (disk full, PBX crash), so a `data` chunk that declares more bytes than the file holds is
 * the only sign of truncation. `head` must be the first bytes of the file (4 KiB is plenty for Asterisk's header).
 */
export function checkWavHeader(head: Buffer, fileSize: number): WavCheck {
  if (head.length < 12 || head.toString('ascii', 0, 4) !== 'RIFF' || head.toString('ascii', 8, 12) !== 'WAVE') {
    return { ok: false, reason: 'not-wav', detail: 'no RIFF/WAVE header' };
  }
  const riffEnd = head.readUInt32LE(4) + 8;
  let byteRate = 0;
  let offset = 12;
  while (offset + 8 <= head.length) {
    const id = head.toString('ascii', offset, offset + 4);
    const size = head.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ' && size >= 16 && body + 12 <= head.length) byteRate = head.readUInt32LE(body + 8);
    if (id === 'data') {
      const available = fileSize - body;
      // 0xFFFFFFFF (or 0) is what a writer leaves before it patches the header on close: treat as still open/cut.
      if (size > available || size === 0xffffffff) {
        return { ok: false, reason: 'truncated', detail: `data chunk declares ${size} bytes, file holds ${available}` };
      }
      if (size === 0) return { ok: false, reason: 'empty', detail: 'data chunk is empty' };
      if (byteRate === 0) return { ok: false, reason: 'not-wav', detail: 'no fmt chunk with a byte rate' };
      return { ok: true, dataBytes: size, byteRate, sealed: riffEnd === fileSize || riffEnd + 1 === fileSize };
    }
    offset = body + size + (size % 2);
  }
  return { ok: false, reason: 'no-data-chunk', detail: 'no data chunk in the first bytes' };
}
