import { createHash } from 'node:crypto';
import path from 'node:path';

/**
 * Where a PBX recording is on this host. MixMonitor reports the path inside the PBX (e.g.
 * `/var/spool/asterisk/monitor/<file>.wav`); the same directory is mounted (or chrooted) here as RECORDINGS_DIR, so
 * only the basename carries over. Returns null for anything that could name a file outside that directory — the
 * path comes from a PBX event, which we treat as untrusted input.
 */
export function localRecordingPath(recordingsDir: string, pbxPath: string): string | null {
  const name = pbxPath.split(/[\\/]/).at(-1) ?? '';
  // Asterisk names files from dates, Linkedids and Uniqueids: letters, digits, dot, dash, underscore.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/.test(name)) return null;
  const dir = path.resolve(recordingsDir);
  const file = path.resolve(dir, name);
  return path.dirname(file) === dir ? file : null;
}

/**
 * Storage key of a transcoded recording: day of the call, call id and a short digest of the PBX file name. Derived
 * only from the event, so a redelivered event maps to the same key (the unique key then refuses a duplicate row),
 * while a call with two recordings (one per answering leg) keeps both.
 */
export function recordingStorageKey(callId: string, startedAt: Date, pbxPath: string): string {
  const day = startedAt.toISOString().slice(0, 10).replaceAll('-', '/');
  const digest = createHash('sha256').update(pbxPath).digest('hex').slice(0, 8);
  return `${day}/${callId}-${digest}.ogg`;
}

/** Absolute path of a storage key under the store; null if the key (from our own database) would escape it. */
export function storedFilePath(storeDir: string, storageKey: string): string | null {
  if (!/^\d{4}\/\d{2}\/\d{2}\/[0-9a-f-]{36}-[0-9a-f]{8}\.ogg$/.test(storageKey)) return null;
  const root = path.resolve(storeDir);
  const file = path.resolve(root, storageKey);
  return file.startsWith(root + path.sep) ? file : null;
}
