import { type DataSource, type EntityManager } from 'typeorm';

import { type WrapUpOutcome } from '@contracts/dto/call';
import { handledByAnySql, reachedByAnySql } from '@server/modules/calls/call-access.read-model';

export interface CallListRow {
  id: string;
  direction: 'inbound' | 'outbound' | 'internal';
  status: string;
  from_raw: string;
  from_e164: string | null;
  anonymous: boolean;
  to_raw: string;
  to_e164: string | null;
  queue: string | null;
  agent_extension: string | null;
  operator_id: string | null;
  started_at: Date;
  answered_at: Date | null;
  ended_at: Date | null;
  wait_seconds: number | null;
  talk_seconds: number | null;
  hold_seconds: number;
  disposition: 'answered' | 'missed' | 'abandoned' | 'failed' | 'blocked' | null;
  hangup_cause: string | null;
  contact_id: string | null;
  lead_id: string | null;
  wrap_up_outcome: WrapUpOutcome | null;
  wrap_up_note: string | null;
  wrap_up_by: string | null;
  wrap_up_at: Date | null;
  /** Newest recording of the call. */
  recording_id: string | null;
  /** Whether the viewer (or, for a team supervisor, one of their teams) answered it or received it by transfer. */
  on_call: boolean;
  /** Whether the call reached the viewer (`reachedByAnySql`); only `findOne` selects it. */
  reached?: boolean;
  total?: string;
}

/** The columns of a call's row that say who calls whom and how far it got (the open and the live calls read them). */
export type CallPartiesRow = Pick<
  CallListRow,
  | 'id'
  | 'direction'
  | 'from_raw'
  | 'from_e164'
  | 'anonymous'
  | 'to_raw'
  | 'to_e164'
  | 'queue'
  | 'agent_extension'
  | 'started_at'
  | 'answered_at'
>;

/** Those columns as the API names them (the call list's `CallDto` and the live calls both start from this). */
export function callParties(r: CallPartiesRow) {
  return {
    id: r.id,
    direction: r.direction,
    fromRaw: r.from_raw,
    fromE164: r.from_e164,
    anonymous: r.anonymous,
    toRaw: r.to_raw,
    toE164: r.to_e164,
    queue: r.queue,
    agentExtension: r.agent_extension,
    startedAt: r.started_at.toISOString(),
    answeredAt: r.answered_at?.toISOString() ?? null,
  };
}

/** What a stored call's card is built from, and whether it reached the viewer. */
export type CardCallRow = Pick<
  CallListRow,
  'id' | 'direction' | 'queue' | 'started_at' | 'from_raw' | 'from_e164' | 'anonymous' | 'to_raw' | 'to_e164'
> & { contact_id: string | null; lead_id: string | null; lead_created: boolean; reached: boolean };

export interface CallFilter {
  /** E.164 keys matched against either party. */
  phones?: string[];
  from?: Date;
  to?: Date;
  direction?: CallListRow['direction'];
  disposition?: NonNullable<CallListRow['disposition']>;
  /** Calls this user handled (answered or received by transfer). */
  operatorId?: string;
  /** Calls one of these users handled (a team's members). */
  handledByAnyOf?: string[];
  /** Restrict to calls the viewer's scope handled (operators: themselves; team supervisors: their teams). */
  onlyInScope?: boolean;
  limit: number;
  offset: number;
}

const COLUMNS = `c.id, c.direction, c.status, c.from_raw, c.from_e164, c.anonymous, c.to_raw, c.to_e164, c.queue,
  c.agent_extension, c.operator_id, c.started_at, c.answered_at, c.ended_at, c.wait_seconds, c.talk_seconds,
  c.hold_seconds, c.disposition, c.hangup_cause, c.contact_id, c.lead_id, c.wrap_up_outcome, c.wrap_up_note,
  c.wrap_up_by, c.wrap_up_at,
  (SELECT r.id FROM recordings r WHERE r.call_id = c.id ORDER BY r.created_at DESC, r.id LIMIT 1) AS recording_id`;

/** Raw SQL: the call list is a reporting query (filters, a correlated recording, a scope predicate). */
export class CallsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** `scope`: the users whose calls count as the viewer's own (`on_call`, `onlyInScope`). */
  async list(f: CallFilter, scope: string[]): Promise<[CallListRow[], number]> {
    const params: unknown[] = [scope];
    const where: string[] = [];
    const add = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (f.phones?.length) {
      const p = add(f.phones);
      where.push(`(c.from_e164 = ANY(${p}) OR c.to_e164 = ANY(${p}))`);
    }
    if (f.from) where.push(`c.started_at >= ${add(f.from)}`);
    if (f.to) where.push(`c.started_at < ${add(f.to)}`);
    if (f.direction) where.push(`c.direction = ${add(f.direction)}`);
    if (f.disposition) where.push(`c.disposition = ${add(f.disposition)}`);
    if (f.operatorId) where.push(handledByAnySql('c', `ARRAY[${add(f.operatorId)}::uuid]`));
    if (f.handledByAnyOf) where.push(handledByAnySql('c', `${add(f.handledByAnyOf)}::uuid[]`));
    if (f.onlyInScope) where.push(reachedByAnySql('c', '$1::uuid[]'));
    const sql = `SELECT ${COLUMNS}, ${handledByAnySql('c', '$1::uuid[]')} AS on_call, count(*) OVER () AS total
      FROM calls c ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY c.started_at DESC, c.id LIMIT ${add(f.limit)} OFFSET ${add(f.offset)}`;
    const rows: CallListRow[] = await this.dataSource.query(sql, params);
    let total = Number(rows[0]?.total ?? 0);
    if (rows.length === 0 && f.offset > 0) {
      // Past the last page the window count is gone; count separately so the UI can still paginate back.
      // $1 is selected so Postgres can type it even when no filter mentions the viewer.
      const countSql = `SELECT count(*) AS n, $1::uuid[] AS v FROM calls c
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
      const counted: { n: string }[] = await this.dataSource.query(countSql, params.slice(0, -2));
      total = Number(counted[0]?.n ?? 0);
    }
    return [rows, total];
  }

  async findOne(id: string, scope: string[]): Promise<CallListRow | null> {
    const rows: CallListRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS}, ${handledByAnySql('c', '$2::uuid[]')} AS on_call, ${reachedByAnySql('c', '$2::uuid[]')} AS reached
       FROM calls c WHERE c.id = $1`,
      [id, scope],
    );
    return rows[0] ?? null;
  }

  async findCardCall(id: string, scope: string[]): Promise<CardCallRow | null> {
    const rows: CardCallRow[] = await this.dataSource.query(
      `SELECT c.id, c.direction, c.queue, c.started_at, c.from_raw, c.from_e164, c.anonymous, c.to_raw, c.to_e164,
         c.contact_id, c.lead_id, c.lead_created, ${reachedByAnySql('c', '$2::uuid[]')} AS reached
       FROM calls c WHERE c.id = $1`,
      [id, scope],
    );
    return rows[0] ?? null;
  }

  /**
   * The operator's pick of the caller, in the caller's transaction. The card change feed tells the new contact's
   * cards (its trigger sees `contact_id` change); the contact the call leaves is told here, so its cached card and
   * history drop the call too.
   */
  async chooseContact(em: EntityManager, id: string, contactId: string, byUserId: string, from: string): Promise<void> {
    await em.query(
      `UPDATE calls SET contact_id = $2, contact_chosen_by = $3, contact_chosen_at = now(), updated_at = now()
       WHERE id = $1`,
      [id, contactId, byUserId],
    );
    await em.query(`SELECT zv_card_notify('contact', $1::uuid)`, [from]);
  }

  async chosenContact(id: string): Promise<string | null> {
    const rows: { contact_id: string }[] = await this.dataSource.query(
      `SELECT contact_id FROM calls WHERE id = $1 AND contact_chosen_at IS NOT NULL AND contact_id IS NOT NULL`,
      [id],
    );
    return rows[0]?.contact_id ?? null;
  }

  async setWrapUp(id: string, outcome: WrapUpOutcome, note: string | null, byUserId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE calls SET wrap_up_outcome = $2, wrap_up_note = $3, wrap_up_by = $4, wrap_up_at = now() WHERE id = $1`,
      [id, outcome, note, byUserId],
    );
  }
}
