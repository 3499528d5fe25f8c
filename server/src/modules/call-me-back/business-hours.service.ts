import { type DataSource } from 'typeorm';

import {
  type BusinessHoursDto,
  type PutBusinessHoursRequest,
  putBusinessHoursRequestSchema,
  type WeekHours,
} from '@contracts/dto/business-hours';
import { type UserDto } from '@contracts/dto/user';
import { type AuditService } from '@server/modules/audit/audit.service';

import { type Hours } from './business-hours';

/** Campaigns dial only within the same hours as call-me-back. */
export { type Hours, nextOpening } from './business-hours';

const COLUMNS = 'queue, time_zone, week, holidays::text[] AS holidays, callback_wait_seconds, updated_at';

interface HoursRow {
  queue: string;
  time_zone: string;
  week: WeekHours;
  holidays: string[];
  callback_wait_seconds: number;
  updated_at: Date;
}

/** Without a row: open around the clock, and a callback waits this long for a free operator. */
export const DEFAULT_CALLBACK_WAIT_SECONDS = 120;

/** Owner of queue_business_hours: opening hours and holidays per queue, set by admins (audited). */
export class BusinessHoursService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<BusinessHoursDto[]> {
    const rows = await this.dataSource.query<HoursRow[]>(`SELECT ${COLUMNS} FROM queue_business_hours ORDER BY queue`);
    return rows.map(toDto);
  }

  async put(actor: UserDto, queue: string, input: PutBusinessHoursRequest): Promise<BusinessHoursDto> {
    const req = putBusinessHoursRequestSchema.parse(input);
    const rows = await this.dataSource.query<HoursRow[]>(
      `INSERT INTO queue_business_hours (queue, time_zone, week, holidays, callback_wait_seconds)
       VALUES ($1, $2, $3, $4::date[], $5)
       ON CONFLICT (queue) DO UPDATE SET time_zone = $2, week = $3, holidays = $4::date[],
         callback_wait_seconds = $5, updated_at = now()
       RETURNING ${COLUMNS}`,
      [queue, req.timeZone, JSON.stringify(req.week), req.holidays, req.callbackWaitSeconds],
    );
    const dto = toDto(rows[0]!);
    await this.audit.record({
      actorId: actor.id,
      action: 'business-hours.set',
      entity: 'queue',
      entityId: null,
      details: { queue, timeZone: dto.timeZone, week: dto.week, holidays: dto.holidays, wait: dto.callbackWaitSeconds },
    });
    return dto;
  }

  /** A queue's hours (null: open around the clock) and how long its callbacks wait. */
  async of(queue: string): Promise<{ hours: Hours | null; waitSeconds: number }> {
    const [row] = await this.dataSource.query<HoursRow[]>(
      `SELECT ${COLUMNS} FROM queue_business_hours WHERE queue = $1`,
      [queue],
    );
    if (!row) return { hours: null, waitSeconds: DEFAULT_CALLBACK_WAIT_SECONDS };
    const dto = toDto(row);
    return {
      hours: { timeZone: dto.timeZone, week: dto.week, holidays: dto.holidays },
      waitSeconds: dto.callbackWaitSeconds,
    };
  }
}

function toDto(r: HoursRow): BusinessHoursDto {
  return {
    queue: r.queue,
    timeZone: r.time_zone,
    week: r.week,
    holidays: [...r.holidays].sort(),
    callbackWaitSeconds: r.callback_wait_seconds,
    updatedAt: r.updated_at.toISOString(),
  };
}
