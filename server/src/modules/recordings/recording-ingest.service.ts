import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { type DataSource } from 'typeorm';

import { type Logger } from '@server/common/logger/logger';

import { MediaToolFailed, MediaTools } from './media-tools';
import { localRecordingPath, recordingStorageKey, storedFilePath } from './recording-paths';
import { checkWavHeader } from './wav-header';

export const RECORDING_MIME = 'audio/ogg';

export interface RecordingIngestOptions {
  /** Where the PBX's recordings appear on this host (RECORDINGS_DIR). */
  recordingsDir: string;
  /** Where transcoded recordings are kept (RECORDINGS_STORE_DIR). */
  storeDir: string;
  media?: MediaTools;
  /** A file that has not appeared after this long is reported missing. */
  appearTimeoutMs?: number;
  /**
   * A file the PBX did not say it closed is taken as closed once its header is patched (sealed) and its size has
   * not changed for this long.
   */
  settleMs?: number;
  /**
   * How long a file the PBX did not say it closed may stay unsealed: then one still growing is reported, one that
   * stopped is taken as it is (a writer that never patches its header).
   */
  maxWaitMs?: number;
  /** How often a file is looked at while it is written; one that has not appeared yet, up to 8 × less often. */
  pollMs?: number;
}

export interface IngestRequest {
  callId: string;
  /** The path as the PBX reported it. */
  pbxFile: string;
  /** The PBX said the file is complete (recording.ready `closed`): read it at once. */
  closed?: boolean;
  /** Aborted on shutdown: a wait for the file ends at once (`interrupted`); a transcode under way finishes. */
  signal?: AbortSignal;
}

export type IngestRejection =
  | 'unsafe-path'
  | 'unknown-call'
  | 'missing'
  | 'not-a-file'
  | 'still-growing'
  | 'not-wav'
  | 'no-data-chunk'
  | 'truncated'
  | 'empty'
  | 'transcode-failed';

export type IngestOutcome =
  | { status: 'stored'; recordingId: string; storageKey: string }
  | { status: 'duplicate'; storageKey: string }
  | { status: 'rejected'; reason: IngestRejection }
  /** The node is stopping: the file was not waited for; the job goes back to the queue as it was. */
  | { status: 'interrupted' };

/** A file that is complete and looks right, ready for the transcode. */
export interface CheckedRecording {
  request: IngestRequest;
  source: string;
  storageKey: string;
  durationSeconds: number;
}

/**
 * Resolves after `ms`, or at once when `signal` aborts. The signal is the queue's one signal, shared by every wait
 * of every file: its abort listener must go with the timer, or each poll leaves one behind and adding the next costs
 * more (EventTarget checks the list for a duplicate), which took a node's event loop from the calls.
 */
const sleep = (ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal }).catch(() => undefined);

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function readHead(file: string, bytes: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The first page of an Ogg stream carrying Opus: `OggS` capture pattern, `OpusHead` identification header. */
async function isOggOpus(file: string): Promise<boolean> {
  const head = await readHead(file, 64);
  return head.toString('ascii', 0, 4) === 'OggS' && head.toString('ascii', 28, 36) === 'OpusHead';
}

type Waited = { ok: true; size: number } | { ok: false; reason: 'missing' | 'not-a-file' | 'still-growing' };

/**
 * One PBX recording → one verified, transcoded, checksummed file in the store and one `recordings` row, in two
 * steps so a queue can wait for many files at once and transcode a few at a time: `check` (the file is there,
 * complete, a WAV, not stored yet) and `store` (ffmpeg to Opus, sha256, the row). Never touches the `calls` row: a
 * bad recording is logged and skipped, the call record stays what its events say.
 *
 * Throws only for what says nothing about the file (the database or the disk failing, a killed ffmpeg), so the
 * caller tries again; everything about the file is an outcome.
 */
export class RecordingIngestService {
  private readonly media: MediaTools;
  private readonly log: Logger;

  constructor(
    private readonly dataSource: DataSource,
    logger: Logger,
    private readonly options: RecordingIngestOptions,
  ) {
    this.media = options.media ?? new MediaTools();
    this.log = logger.child({ module: 'recordings' });
  }

  /** RECORDINGS_DIR as an absolute path: nodes with the same one share the ingest work. */
  get spool(): string {
    return path.resolve(this.options.recordingsDir);
  }

  async ingest(request: IngestRequest): Promise<IngestOutcome> {
    const checked = await this.check(request);
    return 'status' in checked ? checked : this.store(checked);
  }

  async check(request: IngestRequest): Promise<CheckedRecording | IngestOutcome> {
    const { callId, pbxFile, signal } = request;
    const source = localRecordingPath(this.options.recordingsDir, pbxFile);
    if (!source) return this.reject(request, 'unsafe-path', 'file name would leave RECORDINGS_DIR');
    const calls: { started_at: Date }[] = await this.dataSource.query('SELECT started_at FROM calls WHERE id = $1', [
      callId,
    ]);
    if (!calls[0]) return this.reject(request, 'unknown-call');
    const storageKey = recordingStorageKey(callId, calls[0].started_at, pbxFile);
    if (await this.exists(storageKey)) return { status: 'duplicate', storageKey };

    const waited = await this.waitUntilComplete(source, request.closed === true, signal);
    if (signal?.aborted) return { status: 'interrupted' };
    if (!waited.ok) return this.reject(request, waited.reason, source);
    const header = checkWavHeader(await readHead(source, 4096), waited.size);
    if (!header.ok) return this.reject(request, header.reason, header.detail);
    return { request, source, storageKey, durationSeconds: header.dataBytes / header.byteRate };
  }

  async store(checked: CheckedRecording): Promise<IngestOutcome> {
    const { request, source, storageKey, durationSeconds } = checked;
    const target = storedFilePath(this.options.storeDir, storageKey)!;
    await mkdir(path.dirname(target), { recursive: true });
    // Written beside the target and renamed, so a crash never leaves a half file under a key the database knows.
    const partial = `${target}.${randomBytes(4).toString('hex')}.part`;
    let sha256: string;
    let sizeBytes: number;
    try {
      await this.media.toOpus(source, partial);
      if (!(await isOggOpus(partial))) throw new MediaToolFailed('ffmpeg wrote no Ogg Opus stream');
      [sha256, { size: sizeBytes }] = await Promise.all([sha256Of(partial), stat(partial)]);
      await rename(partial, target);
    } catch (err) {
      await rm(partial, { force: true });
      // Killed, timed out, or the store's disk failing: nothing is known about the file, so the caller retries.
      if (!(err instanceof MediaToolFailed)) throw err;
      this.log.error(
        { err, callId: request.callId, pbxFile: request.pbxFile },
        'recording not ingested: transcode-failed',
      );
      return { status: 'rejected', reason: 'transcode-failed' };
    }
    // Outside the try: a database failure throws, so the caller retries instead of calling the file bad.
    const inserted: { id: string }[] = await this.dataSource.query(
      `INSERT INTO recordings (call_id, storage_key, duration_seconds, size_bytes, sha256, mime)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (storage_key) DO NOTHING RETURNING id`,
      [request.callId, storageKey, Math.round(durationSeconds), sizeBytes, sha256, RECORDING_MIME],
    );
    // Another node ingested the same file meanwhile: same source, same bytes, one row.
    if (!inserted[0]) return { status: 'duplicate', storageKey };
    this.log.info(
      {
        callId: request.callId,
        pbxFile: request.pbxFile,
        recordingId: inserted[0].id,
        storageKey,
        durationSeconds,
        sizeBytes,
      },
      'recording stored',
    );
    return { status: 'stored', recordingId: inserted[0].id, storageKey };
  }

  private reject(request: IngestRequest, reason: IngestRejection, detail?: string): IngestOutcome {
    this.log.warn(
      { callId: request.callId, pbxFile: request.pbxFile, reason, detail },
      `recording not ingested: ${reason}${detail ? ` (${detail})` : ''}`,
    );
    return { status: 'rejected', reason };
  }

  private async exists(storageKey: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM recordings WHERE storage_key = $1', [
      storageKey,
    ]);
    return rows.length > 0;
  }

  /**
   * Until the file is there and complete. A file the PBX said it closed is read as soon as it exists; any other is
   * complete once its header is sealed (MixMonitor patches it on close) and its size stays put for `settleMs`.
   * lstat, so a symlink planted in the spool cannot make us read (and serve) a file from elsewhere.
   */
  private async waitUntilComplete(file: string, closed: boolean, signal?: AbortSignal): Promise<Waited> {
    const poll = this.options.pollMs ?? 50;
    const settle = this.options.settleMs ?? 250;
    const started = Date.now();
    let lastSize = -1;
    let since = started;
    let wait = poll;
    for (;;) {
      const now = Date.now();
      const st = await lstat(file).catch(() => null);
      // A file not there yet is looked for less and less often (up to 8 × pollMs): a queue waits for many at once,
      // and their failing lstats (each an error with its stack) took 6 % of a node's CPU in a call burst.
      wait = st ? poll : Math.min(wait * 2, poll * 8);
      if (!st) {
        if (now - started >= (this.options.appearTimeoutMs ?? 10_000)) return { ok: false, reason: 'missing' };
      } else if (!st.isFile()) {
        return { ok: false, reason: 'not-a-file' };
      } else if (closed) {
        return { ok: true, size: st.size };
      } else if (lastSize !== st.size) {
        lastSize = st.size;
        since = now;
      } else if (now - since >= settle) {
        const header = checkWavHeader(await readHead(file, 4096), st.size);
        // Sealed, or broken in a way no later write mends (not a WAV, cut): the caller checks it and says why.
        // Sizes still 0 ('empty') or unsealed: the writer has not closed it yet.
        if (header.ok ? header.sealed : header.reason !== 'empty') return { ok: true, size: st.size };
      }
      if (now - started >= (this.options.maxWaitMs ?? 60_000)) {
        if (!st) return { ok: false, reason: 'missing' };
        return now - since < settle ? { ok: false, reason: 'still-growing' } : { ok: true, size: st.size };
      }
      if (signal?.aborted) return { ok: false, reason: 'missing' };
      await sleep(wait, signal);
    }
  }
}
