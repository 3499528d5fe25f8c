import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

import { type DataSource } from 'typeorm';

import { type Logger } from '@server/common/logger/logger';

import { MediaTools } from './media-tools';
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
  /** MixMonitor is taken to have closed the file once size and mtime stay unchanged this long. */
  settleMs?: number;
  /** A file still growing after this long (a stuck channel) is left alone and reported. */
  maxWaitMs?: number;
  pollMs?: number;
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
  | 'no-audio'
  | 'transcode-failed';

export type IngestOutcome =
  | { status: 'stored'; recordingId: string; storageKey: string }
  | { status: 'duplicate'; storageKey: string }
  | { status: 'rejected'; reason: IngestRejection };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

/**
 * One PBX recording → one verified, transcoded, checksummed file in the store and one `recordings` row. Never
 * touches the `calls` row: a bad recording is logged and skipped, the call record stays what its events say.
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

  async ingest(callId: string, pbxFile: string): Promise<IngestOutcome> {
    const log = this.log.child({ callId, pbxFile });
    const reject = (reason: IngestRejection, detail?: string): IngestOutcome => {
      log.warn({ reason, detail }, `recording not ingested: ${reason}${detail ? ` (${detail})` : ''}`);
      return { status: 'rejected', reason };
    };

    const source = localRecordingPath(this.options.recordingsDir, pbxFile);
    if (!source) return reject('unsafe-path', 'file name would leave RECORDINGS_DIR');
    const calls: { started_at: Date }[] = await this.dataSource.query('SELECT started_at FROM calls WHERE id = $1', [
      callId,
    ]);
    if (!calls[0]) return reject('unknown-call');
    const storageKey = recordingStorageKey(callId, calls[0].started_at, pbxFile);
    if (await this.exists(storageKey)) return { status: 'duplicate', storageKey };

    const settled = await this.waitUntilClosed(source);
    if (settled !== 'ok') return reject(settled, source);
    const { size } = await stat(source);
    const header = checkWavHeader(await readHead(source, 4096), size);
    if (!header.ok) return reject(header.reason, header.detail);
    const probe = await this.media.probeAudio(source);
    if (!probe || probe.durationSeconds <= 0) return reject('no-audio', 'ffprobe found no readable audio stream');

    const target = storedFilePath(this.options.storeDir, storageKey)!;
    await mkdir(path.dirname(target), { recursive: true });
    // Written beside the target and renamed, so a crash never leaves a half file under a key the database knows.
    const partial = `${target}.${randomBytes(4).toString('hex')}.part`;
    let sha256: string;
    let sizeBytes: number;
    try {
      await this.media.toOpus(source, partial);
      const encoded = await this.media.probeAudio(partial);
      if (encoded?.codec !== 'opus') throw new Error(`encoder produced ${encoded?.codec ?? 'nothing readable'}`);
      [sha256, { size: sizeBytes }] = await Promise.all([sha256Of(partial), stat(partial)]);
      await rename(partial, target);
    } catch (err) {
      await rm(partial, { force: true });
      log.error({ err }, 'recording not ingested: transcode-failed');
      return { status: 'rejected', reason: 'transcode-failed' };
    }
    // Outside the try: a database failure throws, so the caller retries instead of calling the file bad.
    const inserted: { id: string }[] = await this.dataSource.query(
      `INSERT INTO recordings (call_id, storage_key, duration_seconds, size_bytes, sha256, mime)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (storage_key) DO NOTHING RETURNING id`,
      [callId, storageKey, Math.round(probe.durationSeconds), sizeBytes, sha256, RECORDING_MIME],
    );
    // Another node ingested the same file meanwhile: same source, same bytes, one row.
    if (!inserted[0]) return { status: 'duplicate', storageKey };
    log.info(
      { recordingId: inserted[0].id, storageKey, durationSeconds: probe.durationSeconds, sizeBytes },
      'recording stored',
    );
    return { status: 'stored', recordingId: inserted[0].id, storageKey };
  }

  private async exists(storageKey: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM recordings WHERE storage_key = $1', [
      storageKey,
    ]);
    return rows.length > 0;
  }

  /**
   * MixMonitor writes until the recorded channel is gone and patches the WAV header on close; the event may come
   * first. Waits for the file to appear, then until it stops changing. lstat, so a symlink planted in the spool
   * cannot make us read (and serve) a file from elsewhere.
   */
  private async waitUntilClosed(file: string): Promise<'ok' | 'missing' | 'not-a-file' | 'still-growing'> {
    const poll = this.options.pollMs ?? 250;
    const settle = this.options.settleMs ?? 1000;
    const started = Date.now();
    let last: { size: number; mtimeMs: number; since: number } | null = null;
    for (;;) {
      const now = Date.now();
      const st = await lstat(file).catch(() => null);
      if (!st) {
        if (now - started >= (this.options.appearTimeoutMs ?? 10_000)) return 'missing';
      } else if (!st.isFile()) {
        return 'not-a-file';
      } else if (last && last.size === st.size && last.mtimeMs === st.mtimeMs) {
        if (now - last.since >= settle) return 'ok';
      } else {
        last = { size: st.size, mtimeMs: st.mtimeMs, since: now };
      }
      if (now - started >= (this.options.maxWaitMs ?? 300_000)) return 'still-growing';
      await sleep(poll);
    }
  }
}
