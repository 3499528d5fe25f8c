import { describe, expect, it } from 'vitest';

import { checkWavHeader } from './wav-header';

/** A minimal PCM WAV: RIFF/WAVE, fmt (16 bytes), data declaring `declared` bytes, followed by `actual` bytes. */
function wav(declared: number, actual: number, extraChunk = false): Buffer {
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'ascii');
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(1, 8);
  fmt.writeUInt16LE(1, 10);
  fmt.writeUInt32LE(8000, 12);
  fmt.writeUInt32LE(16000, 16);
  fmt.writeUInt16LE(2, 20);
  fmt.writeUInt16LE(16, 22);
  const list = Buffer.alloc(extraChunk ? 13 : 0);
  if (extraChunk) {
    list.write('LIST', 0, 'ascii');
    list.writeUInt32LE(5, 4); // odd size: the chunk is padded to an even length
  }
  const pad = Buffer.alloc(extraChunk ? 1 : 0);
  const data = Buffer.alloc(8);
  data.write('data', 0, 'ascii');
  data.writeUInt32LE(declared, 4);
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'ascii');
  head.writeUInt32LE(Math.min(36 + declared, 0xffffffff), 4);
  head.write('WAVE', 8, 'ascii');
  return Buffer.concat([head, fmt, list, pad, data, Buffer.alloc(actual)]);
}

describe('checkWavHeader', () => {
  it('accepts a complete file', () => {
    const file = wav(32000, 32000);
    expect(checkWavHeader(file, file.length)).toEqual({ ok: true, dataBytes: 32000, byteRate: 16000, sealed: true });
  });

  it('tells a header the writer has patched from one it has not (yet)', () => {
    // Asterisk's MixMonitor writes RIFF and data sizes of 0 while recording and the real ones on close; an older
    // header over a file that grew since (or a pad byte short) is not sealed either.
    const file = wav(32000, 32000);
    expect(checkWavHeader(file, file.length + 1)).toMatchObject({ ok: true, sealed: true });
    expect(checkWavHeader(file, file.length + 2)).toMatchObject({ ok: true, sealed: false });
    const open = wav(32000, 32000);
    open.writeUInt32LE(0, 4);
    expect(checkWavHeader(open, open.length)).toMatchObject({ ok: true, sealed: false });
  });

  it('walks past other chunks (with padding) to the data chunk', () => {
    const file = wav(100, 100, true);
    expect(checkWavHeader(file, file.length)).toMatchObject({ ok: true, dataBytes: 100, byteRate: 16000 });
  });

  it('reports a file cut off after the header was written (the case ffprobe does not flag)', () => {
    const file = wav(32000, 10000);
    expect(checkWavHeader(file, file.length)).toMatchObject({ ok: false, reason: 'truncated' });
  });

  it('reports a header never patched on close', () => {
    const file = wav(0xffffffff, 100);
    expect(checkWavHeader(file, file.length)).toMatchObject({ ok: false, reason: 'truncated' });
    const empty = wav(0, 0);
    expect(checkWavHeader(empty, empty.length)).toMatchObject({ ok: false, reason: 'empty' });
  });

  it('rejects what is not a WAV', () => {
    expect(checkWavHeader(Buffer.from('OggS\0\0\0\0\0\0\0\0\0\0'), 14)).toMatchObject({ ok: false, reason: 'not-wav' });
    expect(checkWavHeader(Buffer.alloc(5), 5)).toMatchObject({ ok: false, reason: 'not-wav' });
  });
});
