import { randomUUID } from 'node:crypto';

/** One AMI event frame of a recorded trace, ready to send, with its offset from the trace's first call event. */
export interface DemoFrame {
  atMs: number;
  text: string;
}

/** What one replay of a trace becomes: who calls, whose phones ring, when it starts and how much slower it plays. */
export interface TraceRewrite {
  /** The caller's 10 national digits (the number after +7 / 8), by the recorded caller's 10 digits. */
  callers: ReadonlyMap<string, string>;
  /** Operator extension in the trace → extension to ring instead. */
  extensions: ReadonlyMap<string, string>;
  /** Wall clock (ms) the replay starts at: the first frame's new Timestamp. */
  startMs: number;
  /** Recorded gaps are multiplied by this (a 5 s recorded call plays as a calmer, longer one). */
  stretch: number;
  /** Fresh Uniqueid/Linkedid for a recorded one; asked once per distinct id, so the call keeps its shape. */
  nextUniqueid: () => string;
  /** Fresh channel suffix (8 hex digits), so two replays of one trace never share a channel name. */
  nextChannelSuffix: () => string;
}

// Frames that describe the recording session (login, boot, RTP test events) or that only matter after a
// reconnect (Cdr): the demo's own connection has its own login, and Cdr dates would be the recording's.
const SKIPPED_EVENTS = new Set(['fullybooted', 'successfulauth', 'testevent', 'cdr', 'challengesent']);

const UNIQUEID = /zvonok-\d+\.\d+/g;
const CHANNEL_SUFFIX = /\b((?:PJSIP|SIP|IAX2|Local)\/[^\s;,]*?)-([0-9a-f]{8})(?![0-9a-f])/g;
const BRIDGE_ID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g;
// A Russian number as the trace carries it: +7XXXXXXXXXX or 8XXXXXXXXXX (never inside a longer digit run).
const RU_NUMBER = /(?<![\d.])(\+7|8)(\d{10})(?!\d)/g;
const EXTENSION = /(?<![\w.@-])(\d{4})(?!\d)/g;
const TIMESTAMP = /^Timestamp: (\d+\.\d+)$/m;
// Names the recorded phones sent; on a renumbered call they would name the wrong person.
const RECORDED_NAMES = /^(\w*(?:CallerIDName|ConnectedLineName)): (Ivan Petrov|Maria)$/gm;

/** The Russian caller numbers of a trace, as 10 national digits, in order of appearance. */
export function traceCallers(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(RU_NUMBER)) found.add(m[2]!);
  return [...found];
}

/**
 * Turns a recorded Asterisk trace into the frames of a new call: new Uniqueids, channel names and bridge ids, the
 * caller and the ringing extensions swapped as asked, and every Timestamp moved to `startMs` and stretched. What the
 * adapter parses is otherwise byte for byte what Asterisk 22 sent.
 */
export function rewriteTrace(text: string, rewrite: TraceRewrite): DemoFrame[] {
  const ids = new Map<string, string>();
  const suffixes = new Map<string, string>();
  const bridges = new Map<string, string>();
  const frames = text
    .replace(/\r\n/g, '\n')
    .split(/\n{2,}/)
    .map((frame) => frame.trim())
    .filter((frame) => {
      const name = /^Event: (\S+)$/m.exec(frame)?.[1]?.toLowerCase();
      return name !== undefined && !SKIPPED_EVENTS.has(name);
    });
  const recordedAt = (frame: string) => Number(TIMESTAMP.exec(frame)?.[1] ?? Number.NaN) * 1000;
  const firstMs = frames.map(recordedAt).find((ms) => Number.isFinite(ms)) ?? 0;
  let lastOffset = 0;
  return frames.map((frame) => {
    const recorded = recordedAt(frame);
    const atMs = Number.isFinite(recorded) ? Math.max(0, (recorded - firstMs) * rewrite.stretch) : lastOffset;
    lastOffset = atMs;
    const newTimestamp = ((rewrite.startMs + atMs) / 1000).toFixed(6);
    const rewritten = frame
      .replace(UNIQUEID, (id) => ids.get(id) ?? ids.set(id, rewrite.nextUniqueid()).get(id)!)
      .replace(BRIDGE_ID, (id) => bridges.get(id) ?? bridges.set(id, randomUUID()).get(id)!)
      .replace(CHANNEL_SUFFIX, (_all, name: string, hex: string) => {
        const fresh = suffixes.get(hex) ?? suffixes.set(hex, rewrite.nextChannelSuffix()).get(hex)!;
        return `${name}-${fresh}`;
      })
      .replace(RU_NUMBER, (all, prefix: string, digits: string) => {
        const to = rewrite.callers.get(digits);
        return to ? `${prefix}${to}` : all;
      })
      .replace(EXTENSION, (all, ext: string) => rewrite.extensions.get(ext) ?? all)
      .replace(RECORDED_NAMES, '$1: <unknown>')
      .replace(TIMESTAMP, `Timestamp: ${newTimestamp}`)
      .replace(/^(EventTV|SessionTV): .*$/gm, `$1: ${new Date(rewrite.startMs + atMs).toISOString()}`);
    return { atMs, text: `${rewritten.replace(/\n/g, '\r\n')}\r\n\r\n` };
  });
}

/** The recording files (PBX paths) a rewritten call announces through MIXMONITOR_FILENAME, with their first frame. */
export function recordingsOf(frames: readonly DemoFrame[]): { file: string; frame: number }[] {
  const seen = new Map<string, number>();
  frames.forEach((f, i) => {
    for (const m of f.text.matchAll(/MIXMONITOR_FILENAME=(\S+\.wav)/g)) if (!seen.has(m[1]!)) seen.set(m[1]!, i);
  });
  return [...seen].map(([file, frame]) => ({ file, frame }));
}
