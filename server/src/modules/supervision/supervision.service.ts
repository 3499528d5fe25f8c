import { type DataSource } from 'typeorm';

import { TelephonyError, type SpyMode, type TelephonyProvider } from '@telephony';
import { type SpyResponse } from '@contracts/dto/supervision';
import { type UserDto } from '@contracts/dto/user';
import { type Logger } from '@server/common/logger/logger';
import { type AuditService } from '@server/modules/audit/audit.service';

import { supervisionError } from './supervision.errors';

/**
 * Live monitoring: rings the supervisor's own phone with a ChanSpy leg on the call (listen / whisper / barge).
 * Asking for another mode on the call already monitored switches the running leg in place when the provider can
 * (ChanSpy `d` option: DTMF 4 listen, 5 whisper, 6 barge — the supervisor can also press them on the phone), so
 * nothing is dropped; otherwise (leg gone, provider without switching) a new leg is originated.
 * Every session and every switch goes to the audit log, which is also where any web node finds the supervisor's
 * last session (only a hint: the PBX has the truth, and a failed switch falls back to a new leg).
 */
export class SupervisionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly telephony: TelephonyProvider | null,
    private readonly logger: Logger,
  ) {}

  async spy(actor: UserDto, callId: string, mode: SpyMode): Promise<SpyResponse> {
    const rows: { status: string }[] = await this.dataSource.query(`SELECT status FROM calls WHERE id = $1`, [callId]);
    const call = rows[0];
    if (!call) throw supervisionError('NOT_FOUND');
    if (call.status === 'ended') throw supervisionError('CALL_NOT_LIVE');
    if (!actor.extension) throw supervisionError('MONITOR_NEEDS_EXTENSION');
    const telephony = this.telephony;
    if (!telephony?.isUp()) throw supervisionError('MONITOR_UNAVAILABLE');
    const extension = actor.extension;

    const previous = await this.lastSession(actor.id);
    let action: SpyResponse['action'] = 'originated';
    try {
      if (previous?.callId === callId && telephony.setSpyMode) {
        action = await telephony.setSpyMode(extension, mode).then(
          () => 'switched' as const,
          (err: unknown) => {
            // The supervisor hung up (or the leg never came up): start over with a new leg.
            this.logger.info({ err, callId }, 'no running spy leg to switch; originating a new one');
            return 'originated' as const;
          },
        );
      }
      if (action === 'originated') await telephony.spy(extension, callId, mode);
    } catch (err) {
      await this.record(actor, callId, { mode, extension, outcome: 'failed', error: String(err) });
      if (err instanceof TelephonyError && err.code === 'UNKNOWN_CALL') throw supervisionError('CALL_NOT_LIVE', err);
      if (err instanceof TelephonyError && err.code === 'NOT_SUPPORTED')
        throw supervisionError('NOT_SUPPORTED_ON_SIP', err);
      throw supervisionError('MONITOR_FAILED', err);
    }
    await this.record(actor, callId, {
      mode,
      extension,
      outcome: action,
      ...(action === 'switched' && previous ? { from: previous.mode } : {}),
    });
    return { callId, mode, extension, action };
  }

  private async lastSession(actorId: string): Promise<{ callId: string; mode: SpyMode } | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT entity_id AS "callId", details->>'mode' AS mode FROM audit_log
       WHERE actor_id = $1 AND action = 'call.spy' AND details->>'outcome' IN ('originated', 'switched')
       ORDER BY at DESC, id DESC LIMIT 1`,
      [actorId],
    )) as { callId: string; mode: SpyMode }[];
    return rows[0];
  }

  private record(actor: UserDto, callId: string, details: Record<string, unknown>): Promise<void> {
    return this.audit.record({ actorId: actor.id, action: 'call.spy', entity: 'call', entityId: callId, details });
  }
}
