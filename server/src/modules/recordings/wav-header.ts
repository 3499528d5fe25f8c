export type WavCheck =
  | { ok: true; dataBytes: number }
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
  let offset = 12;
  while (offset + 8 <= head.length) {
    const id = head.toString('ascii', offset, offset + 4);
    const size = head.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'data') {
      const available = fileSize - body;
      // 0xFFFFFFFF (or 0) is what a writer leaves before it patches the header on close: treat as still open/cut.
      if (size > available || size === 0xffffffff) {
        return { ok: false, reason: 'truncated', detail: `data chunk declares ${size} bytes, file holds ${available}` };
      }
      if (size === 0) return { ok: false, reason: 'empty', detail: 'data chunk is empty' };
      return { ok: true, dataBytes: size };
    }
    offset = body + size + (size % 2);
  }
  return { ok: false, reason: 'no-data-chunk', detail: 'no data chunk in the first bytes' };
}
