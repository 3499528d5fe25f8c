/**
 * A short "conversation" as an 8 kHz 16-bit mono WAV, the format MixMonitor writes: two voices (a lower and a
 * higher hum, syllable-like bursts) taking turns every few seconds over a faint line noise. Synthesized here so the
 * demo needs no recordings shipped and no tool installed; the real ingest (ffprobe, ffmpeg) then treats it as any
 * PBX recording.
 */
export function demoConversationWav(seconds: number, seed = 1): Buffer {
  const rate = 8000;
  const samples = Math.max(1, Math.round(seconds * rate));
  const data = Buffer.alloc(samples * 2);
  let noise = seed >>> 0 || 1;
  const random = () => {
    noise = (noise * 1_103_515_245 + 12_345) >>> 0;
    return noise / 0xffffffff - 0.5;
  };
  for (let i = 0; i < samples; i++) {
    const t = i / rate;
    const turn = Math.floor(t / 3.2) % 2;
    const pitch = turn === 0 ? 140 : 220;
    // Syllables: a 4-5 Hz envelope with a short pause at the end of each turn.
    const syllable = Math.max(0, Math.sin(2 * Math.PI * (turn === 0 ? 4.1 : 5.3) * t));
    const pause = t % 3.2 > 2.7 ? 0 : 1;
    const voice =
      Math.sin(2 * Math.PI * pitch * t) * 0.6 +
      Math.sin(2 * Math.PI * pitch * 2 * t) * 0.25 +
      Math.sin(2 * Math.PI * pitch * 3 * t) * 0.1;
    const value = voice * syllable * pause * 0.5 + random() * 0.02;
    data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, value)) * 32_000), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
