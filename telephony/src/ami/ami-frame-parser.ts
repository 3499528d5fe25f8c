/**
 * Incremental parser of the AMI wire format: frames of `Key: Value` lines ended by an empty line.
 *
 * It never throws: whatever arrives (truncated frames, huge lines, binary garbage, lines without a colon) ends up
 * either in a frame or in `errors`, and memory stays bounded by the line and frame caps.
 */

export interface AmiFrame {
  /** Header lines in arrival order, keys as sent (case kept), values without the separator space. */
  headers: Array<[key: string, value: string]>;
  /** Body lines of a legacy `Response: Follows` block (before `--END COMMAND--`). */
  output?: string[];
}

export type AmiParseErrorCode = 'LINE_TOO_LONG' | 'FRAME_TOO_LARGE' | 'NOT_A_HEADER' | 'BINARY_DATA' | 'TRUNCATED';

export interface AmiParseError {
  code: AmiParseErrorCode;
  message: string;
}

export interface AmiParseResult {
  frames: AmiFrame[];
  errors: AmiParseError[];
  /** The `Asterisk Call Manager/x.y` banner, when it was in this chunk. */
  greeting?: string;
}

export interface AmiFrameParserOptions {
  /** Longest accepted line in characters; longer lines are dropped and reported. Default 8192. */
  maxLineLength?: number;
  /** Most header lines in one frame; a larger frame is dropped whole and reported. Default 512. */
  maxHeaders?: number;
  /** Most characters in one frame; a larger frame is dropped whole and reported. Default 262144. */
  maxFrameLength?: number;
}

export interface AmiFrameParser {
  /** Feeds a chunk as read from the socket; returns the frames it completed. */
  push(chunk: string | Uint8Array): AmiParseResult;
  /** Flushes at end of stream; an unterminated frame is reported as TRUNCATED, not returned. */
  end(): AmiParseResult;
}

const GREETING = 'Asterisk Call Manager/';
// Control characters other than tab mean the peer is not speaking AMI (or the stream is corrupted).
// eslint-disable-next-line no-control-regex
const BINARY = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/;
const HEADER_KEY = /^[A-Za-z0-9_\-()/.@$:[\] ]{1,200}$/;
const END_COMMAND = /^--END (COMMAND|SMS EVENT)--$/;
const CR = 13;
const SPACE = 32;
/** Distinct raw keys remembered as valid or not; a peer sending endless new keys only clears the cache. */
const KEY_CACHE_LIMIT = 4096;

/**
 * Key as kept (trimmed), or null when it is not a valid header key. Keys repeat on every event, so each distinct
 * raw key is trimmed and checked once; the cache is shared by all parsers (its content is a pure function).
 */
const keyCache = new Map<string, string | null>();
function headerKey(raw: string): string | null {
  let key = keyCache.get(raw);
  if (key === undefined) {
    const trimmed = raw.trim();
    key = trimmed !== '' && HEADER_KEY.test(trimmed) ? trimmed : null;
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
    keyCache.set(raw, key);
  }
  return key;
}

/** The header in `s[a, b)` (a line without its line end); undefined when the line is not `Key: Value`. */
function headerAt(s: string, a: number, b: number): [string, string] | undefined {
  const colon = s.indexOf(':', a);
  if (colon <= a || colon >= b) return undefined;
  const key = headerKey(s.slice(a, colon));
  if (key === null) return undefined;
  // One space after the colon is the separator; any further spaces belong to the value.
  return [key, s.slice(colon + 1 < b && s.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1, b)];
}

export function createAmiFrameParser(options: AmiFrameParserOptions = {}): AmiFrameParser {
  const maxLine = options.maxLineLength ?? 8192;
  const maxHeaders = options.maxHeaders ?? 512;
  const maxFrame = options.maxFrameLength ?? 262_144;
  const decoder = new TextDecoder('utf-8');

  let partial = '';
  let discardingLine = false;
  let headers: Array<[string, string]> = [];
  let output: string[] | undefined;
  let frameLength = 0;
  let droppingFrame = false;
  let followsHeaders = false;

  let result: AmiParseResult = { frames: [], errors: [] };

  const error = (code: AmiParseErrorCode, message: string) => result.errors.push({ code, message });

  const resetFrame = () => {
    headers = [];
    output = undefined;
    frameLength = 0;
    droppingFrame = false;
  };

  const finishFrame = () => {
    if (!droppingFrame && headers.length > 0) result.frames.push(output ? { headers, output } : { headers });
    resetFrame();
  };

  /** Legacy Follows block: headers (Privilege, ActionID), then free text with blank lines, until the marker. */
  const onFollowsLine = (line: string, body: string[]) => {
    if (END_COMMAND.test(line)) {
      finishFrame();
      return;
    }
    const header = followsHeaders ? headerAt(line, 0, line.length) : undefined;
    if (header) headers.push(header);
    else {
      followsHeaders = false;
      if (!droppingFrame && body.length < maxHeaders * 16) body.push(line);
    }
  };

  /**
   * One line, `s[a, b)` without its `\n`. Works on offsets into the chunk so a line costs no string of its own;
   * `mayBeBinary` is false when the caller already knows the line holds no control characters.
   */
  const onLine = (s: string, a: number, end: number, mayBeBinary: boolean) => {
    const b = end > a && s.charCodeAt(end - 1) === CR ? end - 1 : end;
    if (output !== undefined) {
      onFollowsLine(s.slice(a, b), output);
      return;
    }
    if (a === b) {
      finishFrame();
      return;
    }
    if (headers.length === 0 && s.startsWith(GREETING, a)) {
      result.greeting = s.slice(a, b);
      return;
    }
    if (droppingFrame) return;
    frameLength += b - a + 2;
    if (frameLength > maxFrame || headers.length >= maxHeaders) {
      error('FRAME_TOO_LARGE', `frame exceeds ${maxFrame} characters or ${maxHeaders} headers; dropped`);
      droppingFrame = true;
      return;
    }
    if (mayBeBinary) {
      const line = s.slice(a, b);
      if (BINARY.test(line)) {
        error('BINARY_DATA', `line with control or invalid bytes dropped: ${JSON.stringify(line.slice(0, 40))}`);
        return;
      }
    }
    const header = headerAt(s, a, b);
    if (!header) {
      const line = s.slice(a, b);
      error('NOT_A_HEADER', `line without a valid "Key: Value" form dropped: ${JSON.stringify(line.slice(0, 40))}`);
      return;
    }
    headers.push(header);
    if (headers.length === 1 && header[0].toLowerCase() === 'response' && header[1].toLowerCase() === 'follows') {
      output = [];
      followsHeaders = true;
    }
  };

  const feed = (text: string) => {
    // One scan of the whole chunk instead of one per line: a clean chunk (the normal case) skips the line checks.
    const mayBeBinary = BINARY.test(text);
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl === -1) break;
      const lineStart = start;
      start = nl + 1;
      if (discardingLine) {
        discardingLine = false;
        partial = '';
        continue;
      }
      if (partial === '') {
        if (nl - lineStart > maxLine + 1) {
          error('LINE_TOO_LONG', `line of ${nl - lineStart} characters exceeds ${maxLine}; dropped`);
          continue;
        }
        onLine(text, lineStart, nl, mayBeBinary);
        continue;
      }
      // The line began in an earlier chunk: join it (once per chunk at most).
      const line = partial + text.slice(lineStart, nl);
      partial = '';
      if (line.length > maxLine + 1) {
        error('LINE_TOO_LONG', `line of ${line.length} characters exceeds ${maxLine}; dropped`);
        continue;
      }
      onLine(line, 0, line.length, true);
    }
    if (discardingLine) return;
    partial += text.slice(start);
    if (partial.length > maxLine + 1) {
      error('LINE_TOO_LONG', `line exceeds ${maxLine} characters; dropped`);
      partial = '';
      discardingLine = true;
    }
  };

  const take = (): AmiParseResult => {
    const out = result;
    result = { frames: [], errors: [] };
    return out;
  };

  return {
    push(chunk) {
      feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
      return take();
    },
    end() {
      feed(decoder.decode());
      if (partial !== '' || headers.length > 0 || output !== undefined || discardingLine) {
        error('TRUNCATED', 'stream ended inside a frame; partial frame dropped');
      }
      partial = '';
      discardingLine = false;
      resetFrame();
      return take();
    },
  };
}

/** Parses a whole capture (e.g. a fixture file) in one go. */
export function parseAmiText(text: string, options?: AmiFrameParserOptions): AmiParseResult {
  const parser = createAmiFrameParser(options);
  const a = parser.push(text);
  const b = parser.end();
  return {
    frames: [...a.frames, ...b.frames],
    errors: [...a.errors, ...b.errors],
    ...((a.greeting ?? b.greeting) ? { greeting: a.greeting ?? b.greeting } : {}),
  };
}
