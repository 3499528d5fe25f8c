import fs from 'node:fs/promises';

import { type DataSource } from 'typeorm';

import { type UserDto } from '@contracts/dto/user';
import { scopeIds, seesAll, type Viewer } from '@server/common/access/visibility';
import { type AuditService } from '@server/modules/audit/audit.service';

import { storedFilePath } from './recording-paths';
import { recordingsError } from './recordings.errors';
import { RecordingsRepository } from './recordings.repository';

export interface PlayableRecording {
  id: string;
  callId: string;
  /** Absolute path under the store, built from our own storage key, never from the request. */
  file: string;
  mime: string;
  size: number;
}

/** The bytes a GET answers with: the whole file (200) or one range of it (206); both ends inclusive. */
export interface ServedBytes {
  status: 200 | 206;
  start: number;
  end: number;
}

/**
 * A listen that did not start at byte 0 is the same playback (a seek, the player's next chunk) when the listener
 * was audited for this recording this recently; otherwise it is a listen of its own.
 */
export const LISTEN_SESSION_MS = 30 * 60_000;

/**
 * Who may listen: the call's operators (the one who answered and anyone who received it by transfer), supervisors
 * and managers. Admins may not: they run accounts and settings, and listening to customers is a supervision task
 * (an admin who needs it gives themselves the supervisor role, which is audited).
 */
export const mayListenByRole = (role: UserDto['role']) => role === 'supervisor' || role === 'manager';

/**
 * Whether the viewer may hear a call's recording, `inScope` being whether someone of the viewer's scope handled the
 * call (the operator themselves; a team supervisor's teams): a supervisor who leads teams hears their teams' calls.
 */
export const mayListen = (viewer: Pick<Viewer, 'role' | 'teamScope'>, inScope: boolean) =>
  mayListenByRole(viewer.role) ? seesAll(viewer) || inScope : viewer.role === 'operator' && inScope;

export class RecordingsService {
  private readonly repo: RecordingsRepository;

  constructor(
    dataSource: DataSource,
    private readonly storeDir: string,
    private readonly audit: AuditService,
  ) {
    this.repo = new RecordingsRepository(dataSource);
  }

  /**
   * Checks access; refusals are audited, since probing other people's recordings is what the log is for. The
   * listen itself is audited by `auditListen` once it is known what will be served.
   */
  async openForListen(viewer: Viewer, id: string): Promise<PlayableRecording> {
    const row = await this.repo.findForViewer(id, scopeIds(viewer));
    if (!row) throw recordingsError('RECORDING_NOT_FOUND');
    const allowed = mayListen(viewer, row.onCall);
    if (!allowed) {
      await this.audit.record({
        actorId: viewer.id,
        action: 'recording.listen-denied',
        entity: 'recording',
        entityId: row.id,
        details: { callId: row.callId, role: viewer.role },
      });
      throw recordingsError('FORBIDDEN');
    }
    const file = storedFilePath(this.storeDir, row.storageKey);
    if (!file) throw recordingsError('RECORDING_NOT_FOUND');
    const size = await fs.stat(file).then(
      (stat) => stat.size,
      () => null,
    );
    if (size === null) throw recordingsError('RECORDING_NOT_FOUND');
    return { id: row.id, callId: row.callId, file, mime: row.mime, size };
  }

  /**
   * Audits the bytes about to be served, not the Range that was asked for: whatever serves byte 0 (every playback
   * and full download starts there, the Ogg headers are at the start) is a listen, and so is any other piece unless
   * the same listener was audited for this recording within LISTEN_SESSION_MS — then it is that playback's seek or
   * next chunk. So the log holds one `recording.listen` per playback, and no download escapes it.
   */
  async auditListen(viewer: UserDto, rec: PlayableRecording, served: ServedBytes): Promise<void> {
    const entry = { actorId: viewer.id, action: 'recording.listen', entity: 'recording', entityId: rec.id };
    if (served.start > 0 && (await this.audit.hasRecent(entry, LISTEN_SESSION_MS))) return;
    await this.audit.record({
      ...entry,
      details: { callId: rec.callId, role: viewer.role, served: `bytes ${served.start}-${served.end}/${rec.size}` },
    });
  }
}

/**
 * What a GET of a `size`-byte file serves, given express's `req.range(size, { combine: true })` (range-parser) and
 * whether an If-Range came: null when the range is unsatisfiable (416). No ETag or Last-Modified is ever sent, so an
 * If-Range can never match and the whole file is served (RFC 9110 §13.1.5); so it is for a malformed Range and for
 * several ranges (no multipart/byteranges here).
 */
export function servedBytes(
  size: number,
  ranges: number | readonly { start: number; end: number }[] | undefined,
  ifRange: boolean,
): ServedBytes | null {
  const whole: ServedBytes = { status: 200, start: 0, end: size - 1 };
  if (ranges === -1) return null;
  if (ifRange || ranges === undefined || typeof ranges === 'number' || ranges.length !== 1) return whole;
  const [range] = ranges as [{ start: number; end: number }];
  return { status: 206, start: range.start, end: range.end };
}
