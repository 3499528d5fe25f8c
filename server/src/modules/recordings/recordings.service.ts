import { type DataSource } from 'typeorm';

import { type UserDto } from '@contracts/dto/user';
import { type AuditService } from '@server/modules/audit/audit.service';

import { storedFilePath } from './recording-paths';
import { recordingsError } from './recordings.errors';
import { RecordingsRepository } from './recordings.repository';

export interface PlayableRecording {
  id: string;
  /** Absolute path under the store, built from our own storage key, never from the request. */
  file: string;
  mime: string;
}

/**
 * Who may listen: the call's operators (the one who answered and anyone who received it by transfer), supervisors
 * and managers. Admins may not: they run accounts and settings, and listening to customers is a supervision task
 * (an admin who needs it gives themselves the supervisor role, which is audited).
 */
export const mayListenByRole = (role: UserDto['role']) => role === 'supervisor' || role === 'manager';

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
   * Checks access and audits. `startsPlayback` is true for a request whose range includes byte 0: every playback and
   * every full download starts there (the Ogg headers are at the start), while seeks and the browser's follow-up
   * chunks do not — so the log gets one `recording.listen` per playback, not one per chunk. Refusals are audited
   * too, since probing other people's recordings is what the log is for.
   */
  async openForListen(viewer: UserDto, id: string, startsPlayback: boolean): Promise<PlayableRecording> {
    const row = await this.repo.findForViewer(id, viewer.id);
    if (!row) throw recordingsError('RECORDING_NOT_FOUND');
    const allowed = mayListenByRole(viewer.role) || (viewer.role === 'operator' && row.onCall);
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
    if (startsPlayback) {
      await this.audit.record({
        actorId: viewer.id,
        action: 'recording.listen',
        entity: 'recording',
        entityId: row.id,
        details: { callId: row.callId, role: viewer.role },
      });
    }
    return { id: row.id, file, mime: row.mime };
  }
}

/** True when an HTTP Range header is absent or asks for byte 0 (a suffix range may cover it too). */
export function rangeIncludesStart(range: string | undefined): boolean {
  if (!range) return true;
  const match = /^bytes=(.+)$/.exec(range.trim());
  if (!match) return true;
  return match[1]!.split(',').some((spec) => {
    const start = spec.trim().split('-')[0]!.trim();
    return start === '' || Number(start) === 0;
  });
}
