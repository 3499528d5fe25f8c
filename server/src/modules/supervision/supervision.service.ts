import { type DataSource } from 'typeorm';

import { TelephonyError, type SpyMode, type TelephonyProvider } from '@telephony';
import { type SpyResponse } from '@contracts/dto/supervision';
import { type UserDto } from '@contracts/dto/user';
import { type Logger } from '@server/common/logger/logger';
import { type AuditService } from '@server/modules/audit/audit.service';

import { supervisionError } from './supervision.errors';

interface Session {
  callId: string;
  mode: SpyMode;
}

/**
 * Live monitoring: rings the supervisor's own phone with a ChanSpy leg on the call (listen / whisper / barge).
 * Asking for another mode on the call already monitored switches the running leg in place when the provider can
 * (ChanSpy `d` option: DTMF 4 listen, 5 whisper, 6 barge — the supervisor can also press them on the phone), so
 * nothing is dropped; otherwise (leg gone, provider without switching) a new leg is originated.
 * Every session and every switch goes to the audit log.
 */
export class SupervisionService {
  /** Last monitoring session per supervisor on this node; only a hint, the PBX has the truth. */
  private readonly sessions = new Map<string, Session>();

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

    const previous = this.sessions.get(actor.id);
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
      throw supervisionError('MONITOR_FAILED', err);
    }
    this.sessions.set(actor.id, { callId, mode });
    await this.record(actor, callId, {
      mode,
      extension,
      outcome: action,
      ...(action === 'switched' && previous ? { from: previous.mode } : {}),
    });
    return { callId, mode, extension, action };
  }

  private record(actor: UserDto, callId: string, details: Record<string, unknown>): Promise<void> {
    return this.audit.record({ actorId: actor.id, action: 'call.spy', entity: 'call', entityId: callId, details });
  }
}
