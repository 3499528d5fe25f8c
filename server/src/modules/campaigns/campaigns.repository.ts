import { type DataSource, type EntityManager } from 'typeorm';

import {
  type CampaignAttemptOutcome,
  type CampaignMode,
  type CampaignRecordState,
  type CampaignStatus,
  type RetryRules,
} from '@contracts/dto/campaign';
import { type WeekHours } from '@contracts/dto/business-hours';
import { PG_UNIQUE_VIOLATION, pgErrorCode } from '@server/common/errors/app-error';

export interface CampaignRow {
  id: string;
  name: string;
  mode: CampaignMode;
  queue: string | null;
  caller_id: string;
  ratio: string;
  abandon_cap_percent: string;
  abandon_window_minutes: number;
  schedule: WeekHours | null;
  call_window: { from: string; to: string };
  retry_rules: RetryRules;
  closing_dispositions: string[];
  dispositions: string[];
  script: string;
  status: CampaignStatus;
  operator_ids: string[];
  created_at: Date;
  updated_at: Date;
}

export interface RecordRow {
  id: string;
  campaign_id: string;
  phone_e164: string;
  name: string | null;
  entity_type: 'contact' | 'lead' | 'deal' | null;
  entity_id: string | null;
  state: CampaignRecordState;
  attempts: number;
  next_due_at: Date;
  last_outcome: string | null;
  disposition: string | null;
  excluded_reason: string | null;
}

export interface AttemptRow {
  id: string;
  campaign_id: string;
  record_id: string;
  phone_e164: string;
  user_id: string | null;
  started_at: Date;
  dialled_at: Date | null;
  connected_at: Date | null;
  ended_at: Date | null;
  outcome: CampaignAttemptOutcome | null;
  call_id: string | null;
  disposition: string | null;
}

/** Campaign columns as the service writes them (snake_case, jsonb as objects). */
export interface CampaignWrite {
  name?: string;
  mode?: CampaignMode;
  queue?: string | null;
  caller_id?: string;
  ratio?: number;
  abandon_cap_percent?: number;
  abandon_window_minutes?: number;
  schedule?: WeekHours | null;
  call_window?: { from: string; to: string };
  retry_rules?: RetryRules;
  closing_dispositions?: string[];
  dispositions?: string[];
  script?: string;
}

export interface NewRecord {
  phone: string;
  name: string | null;
  entityType: 'contact' | 'lead' | 'deal' | null;
  entityId: string | null;
  excludedReason: string | null;
}

const JSON_COLUMNS = new Set(['schedule', 'call_window', 'retry_rules']);
const CAMPAIGN_SELECT = `SELECT c.*, coalesce(
    (SELECT array_agg(o.user_id ORDER BY o.user_id) FROM campaign_operators o WHERE o.campaign_id = c.id), '{}'
  ) AS operator_ids FROM campaigns c`;
/** Outcomes of attempts that dialled the customer (the ones retry rules count). */
export const COUNTED_OUTCOMES = ['answered', 'busy', 'no-answer', 'failed', 'abandoned'] as const;

/** TypeORM answers an UPDATE with `[rows, affected]`. */
const rowsOf = <T>(result: unknown): T[] =>
  (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];

/** The only writer of campaigns, campaign_operators, campaign_records and campaign_attempts. */
export class CampaignsRepository {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async insert(fields: Required<CampaignWrite>, operatorIds: string[], createdBy: string): Promise<string> {
    return this.dataSource.transaction(async (em) => {
      const columns = Object.keys(fields);
      const values = columns.map((c) => toParam(c, fields[c as keyof CampaignWrite]));
      const [row] = (await em.query(
        `INSERT INTO campaigns (${columns.join(', ')}, created_by)
         VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}, $${columns.length + 1}) RETURNING id`,
        [...values, createdBy],
      )) as { id: string }[];
      await setOperators(em, row!.id, operatorIds);
      return row!.id;
    });
  }

  async update(id: string, fields: CampaignWrite, operatorIds: string[] | undefined): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const columns = Object.keys(fields).filter((c) => fields[c as keyof CampaignWrite] !== undefined);
      const values = columns.map((c) => toParam(c, fields[c as keyof CampaignWrite]));
      await em.query(
        `UPDATE campaigns SET ${[...columns.map((c, i) => `${c} = $${i + 2}`), 'updated_at = now()'].join(', ')}
         WHERE id = $1`,
        [id, ...values],
      );
      if (operatorIds) await setOperators(em, id, operatorIds);
    });
  }

  async remove(id: string): Promise<boolean> {
    return rowsOf(await this.dataSource.query(`DELETE FROM campaigns WHERE id = $1 RETURNING id`, [id])).length > 0;
  }

  async find(id: string): Promise<CampaignRow | null> {
    const [row] = (await this.dataSource.query(`${CAMPAIGN_SELECT} WHERE c.id = $1`, [id])) as CampaignRow[];
    return row ?? null;
  }

  list(): Promise<CampaignRow[]> {
    return this.dataSource.query(`${CAMPAIGN_SELECT} ORDER BY c.created_at DESC`);
  }

  running(mode: CampaignMode): Promise<CampaignRow[]> {
    return this.dataSource.query(`${CAMPAIGN_SELECT} WHERE c.status = 'running' AND c.mode = $1`, [mode]);
  }

  async status(id: string): Promise<CampaignStatus | null> {
    const [row] = (await this.dataSource.query(`SELECT status FROM campaigns WHERE id = $1`, [id])) as {
      status: CampaignStatus;
    }[];
    return row?.status ?? null;
  }

  /** The transition is the guard: only from one of `from`. */
  async setStatus(id: string, from: readonly CampaignStatus[], to: CampaignStatus): Promise<boolean> {
    const rows = rowsOf(
      await this.dataSource.query(
        `UPDATE campaigns SET status = $3, updated_at = now() WHERE id = $1 AND status = ANY($2) RETURNING id`,
        [id, from, to],
      ),
    );
    return rows.length > 0;
  }

  /** Adds records, skipping numbers the list has; returns how many were added. */
  async addRecords(campaignId: string, records: readonly NewRecord[]): Promise<number> {
    let added = 0;
    for (let i = 0; i < records.length; i += 1000) {
      const chunk = records.slice(i, i + 1000);
      const rows = rowsOf(
        await this.dataSource.query(
          `INSERT INTO campaign_records (campaign_id, phone_e164, name, entity_type, entity_id, state, excluded_reason)
           SELECT $1, x.phone, x.name, x.entity_type, x.entity_id,
                  CASE WHEN x.excluded_reason IS NULL THEN 'pending' ELSE 'excluded' END, x.excluded_reason
           FROM unnest($2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[])
             AS x(phone, name, entity_type, entity_id, excluded_reason)
           ON CONFLICT (campaign_id, phone_e164) DO NOTHING RETURNING id`,
          [
            campaignId,
            chunk.map((r) => r.phone),
            chunk.map((r) => r.name),
            chunk.map((r) => r.entityType),
            chunk.map((r) => r.entityId),
            chunk.map((r) => r.excludedReason),
          ],
        ),
      );
      added += rows.length;
    }
    return added;
  }

  async existingPhones(campaignId: string, phones: readonly string[]): Promise<Set<string>> {
    const rows = (await this.dataSource.query(
      `SELECT phone_e164 FROM campaign_records WHERE campaign_id = $1 AND phone_e164 = ANY($2)`,
      [campaignId, phones],
    )) as { phone_e164: string }[];
    return new Set(rows.map((r) => r.phone_e164));
  }

  async hasPending(campaignId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `SELECT 1 FROM campaign_records WHERE campaign_id = $1 AND state IN ('pending', 'dialling') LIMIT 1`,
      [campaignId],
    )) as unknown[];
    return rows.length > 0;
  }

  async records(
    campaignId: string,
    q: { state?: CampaignRecordState; limit: number; offset: number },
  ): Promise<[RecordRow[], number]> {
    const params = [campaignId, q.state ?? null];
    const where = `campaign_id = $1 AND ($2::text IS NULL OR state = $2)`;
    const rows = (await this.dataSource.query(
      `SELECT * FROM campaign_records WHERE ${where} ORDER BY next_due_at, id LIMIT ${q.limit} OFFSET ${q.offset}`,
      params,
    )) as RecordRow[];
    const [{ total }] = (await this.dataSource.query(
      `SELECT count(*)::int AS total FROM campaign_records WHERE ${where}`,
      params,
    )) as [{ total: number }];
    return [rows, total];
  }

  async record(id: string): Promise<RecordRow | null> {
    const [row] = (await this.dataSource.query(`SELECT * FROM campaign_records WHERE id = $1`, [id])) as RecordRow[];
    return row ?? null;
  }

  async attempt(id: string): Promise<AttemptRow | null> {
    const [row] = (await this.dataSource.query(`SELECT * FROM campaign_attempts WHERE id = $1`, [id])) as AttemptRow[];
    return row ?? null;
  }

  /**
   * Takes the campaign's next due record for `userId` and opens its attempt, in one transaction: the record goes
   * `dialling`, and the attempt's row holds the number and the operator (the partial unique indexes refuse a second
   * live attempt for either, on any node). Null when nothing is due, or another node won the number or the operator.
   */
  async claim(campaignId: string, userId: string | null, now: Date, nodeId: string): Promise<ClaimedAttempt | null> {
    try {
      return await this.dataSource.transaction(async (em) => {
        const [record] = rowsOf<RecordRow>(
          await em.query(
            // A scalar subquery runs once. As a FROM item a nested loop may rescan it, and each rescan skips the rows
            // just taken: one UPDATE then set several records to dialling, and all but the first had no attempt.
            `UPDATE campaign_records r SET state = 'dialling', updated_at = now()
             WHERE r.id = (SELECT id FROM campaign_records x
                   WHERE x.campaign_id = $1 AND x.state = 'pending' AND x.next_due_at <= $2
                     AND NOT EXISTS (SELECT 1 FROM campaign_attempts a
                                     WHERE a.phone_e164 = x.phone_e164 AND a.ended_at IS NULL)
                   ORDER BY x.next_due_at, x.id LIMIT 1 FOR UPDATE SKIP LOCKED)
               AND EXISTS (SELECT 1 FROM campaigns c WHERE c.id = $1 AND c.status = 'running')
             RETURNING r.*`,
            [campaignId, now],
          ),
        );
        if (!record) return null;
        const [attempt] = (await em.query(
          `INSERT INTO campaign_attempts (campaign_id, record_id, phone_e164, user_id, node_id)
           VALUES ($1, $2, $3, $4, $5) RETURNING *`,
          [campaignId, record.id, record.phone_e164, userId, nodeId],
        )) as AttemptRow[];
        return { record, attempt: attempt! };
      });
    } catch (err) {
      // A unique violation: the number or the operator has a live attempt elsewhere; the record stays pending.
      if (pgErrorCode(err) === PG_UNIQUE_VIOLATION) return null;
      throw err;
    }
  }

  /** Customer-first calls of the campaign ringing or waiting for an operator (no operator took them yet). */
  async unassignedLive(campaignId: string): Promise<number> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*)::int AS n FROM campaign_attempts WHERE campaign_id = $1 AND ended_at IS NULL AND user_id IS NULL`,
      [campaignId],
    )) as { n: number }[];
    return row?.n ?? 0;
  }

  /** A customer-first call was answered by this operator (once: an attempt keeps its first operator). */
  async assignOperator(phone: string, userId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE campaign_attempts SET user_id = $2 WHERE phone_e164 = $1 AND ended_at IS NULL AND user_id IS NULL`,
      [phone, userId],
    );
  }

  /** The Originate is being sent: from now on the operator's ringing phone is this attempt's call. */
  async markDialled(attemptId: string): Promise<void> {
    await this.dataSource.query(`UPDATE campaign_attempts SET dialled_at = now() WHERE id = $1 AND ended_at IS NULL`, [
      attemptId,
    ]);
  }

  async markConnected(attemptId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE campaign_attempts SET connected_at = now() WHERE id = $1 AND ended_at IS NULL`,
      [attemptId],
    );
  }

  /**
   * Ends a live attempt (once: a second end is a no-op, null) and moves its record as `next` decides from the
   * record's attempt count after this one.
   */
  async endAttempt(
    attemptId: string,
    outcome: CampaignAttemptOutcome,
    callId: string | null,
    next: (attempts: number) => RecordMove,
  ): Promise<AttemptRow | null> {
    return this.dataSource.transaction(async (em) => {
      const [attempt] = rowsOf<AttemptRow>(
        await em.query(
          `UPDATE campaign_attempts SET ended_at = now(), outcome = $2, call_id = coalesce($3, call_id)
           WHERE id = $1 AND ended_at IS NULL RETURNING *`,
          [attemptId, outcome, callId],
        ),
      );
      if (!attempt) return null;
      const counted = (COUNTED_OUTCOMES as readonly string[]).includes(outcome) ? 1 : 0;
      const [record] = (await em.query(`SELECT attempts FROM campaign_records WHERE id = $1 FOR UPDATE`, [
        attempt.record_id,
      ])) as { attempts: number }[];
      const move = next((record?.attempts ?? 0) + counted);
      await em.query(
        `UPDATE campaign_records SET attempts = attempts + $2, state = $3, next_due_at = coalesce($4, next_due_at),
           last_outcome = $5, excluded_reason = coalesce($6, excluded_reason), updated_at = now()
         WHERE id = $1`,
        [attempt.record_id, counted, move.state, move.nextDueAt, outcome, move.reason ?? null],
      );
      return attempt;
    });
  }

  /** Drops an attempt that never dialled (deferred, campaign stopped, skipped) and gives its record back. */
  async dropAttempt(attemptId: string, move: RecordMove): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const [attempt] = rowsOf<AttemptRow>(
        await em.query(`DELETE FROM campaign_attempts WHERE id = $1 AND ended_at IS NULL RETURNING *`, [attemptId]),
      );
      if (!attempt) return;
      await em.query(
        `UPDATE campaign_records SET state = $2, next_due_at = coalesce($3, next_due_at), updated_at = now()
         WHERE id = $1`,
        [attempt.record_id, move.state, move.nextDueAt],
      );
    });
  }

  /** A record given back without an attempt ending (deferred to its window, refused at dial time). */
  async moveRecord(recordId: string, move: RecordMove): Promise<void> {
    await this.dataSource.query(
      `UPDATE campaign_records SET state = $2, next_due_at = coalesce($3, next_due_at),
         excluded_reason = coalesce($4, excluded_reason), updated_at = now() WHERE id = $1`,
      [recordId, move.state, move.nextDueAt, move.reason ?? null],
    );
  }

  async liveAttemptOf(userId: string): Promise<AttemptRow | null> {
    const [row] = (await this.dataSource.query(
      `SELECT * FROM campaign_attempts WHERE user_id = $1 AND ended_at IS NULL`,
      [userId],
    )) as AttemptRow[];
    return row ?? null;
  }

  /** The live attempt for a number whose call the PBX reports (one at most: uq_campaign_attempts_live_phone). */
  async liveAttemptFor(phone: string): Promise<AttemptRow | null> {
    const [row] = (await this.dataSource.query(
      `SELECT * FROM campaign_attempts WHERE phone_e164 = $1 AND ended_at IS NULL`,
      [phone],
    )) as AttemptRow[];
    return row ?? null;
  }

  async setDisposition(attemptId: string, disposition: string, move: RecordMove): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const [attempt] = rowsOf<AttemptRow>(
        await em.query(`UPDATE campaign_attempts SET disposition = $2 WHERE id = $1 RETURNING *`, [
          attemptId,
          disposition,
        ]),
      );
      if (!attempt) return;
      await em.query(
        `UPDATE campaign_records SET disposition = $2, state = $3, next_due_at = coalesce($4, next_due_at),
           updated_at = now() WHERE id = $1`,
        [attempt.record_id, disposition, move.state, move.nextDueAt],
      );
    });
  }

  /** Operators of the campaign with no live attempt whose last one ended at least `wrapUpSeconds` ago. */
  async idleOperators(campaignId: string, wrapUpSeconds: number, now: Date): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT o.user_id FROM campaign_operators o
       WHERE o.campaign_id = $1
         AND NOT EXISTS (SELECT 1 FROM campaign_attempts a WHERE a.user_id = o.user_id AND a.ended_at IS NULL)
         AND NOT EXISTS (SELECT 1 FROM campaign_attempts a WHERE a.user_id = o.user_id
                         AND a.ended_at > $2::timestamptz - make_interval(secs => $3))`,
      [campaignId, now, wrapUpSeconds],
    )) as { user_id: string }[];
    return rows.map((r) => r.user_id);
  }

  /** Abandoned / (answered + abandoned) over the window, and the attempts started in the last `recentMs`. */
  async pacing(
    campaignId: string,
    windowMinutes: number,
    recentMs: number,
    now: Date,
  ): Promise<{ abandonRate: number | null; recentStarts: number }> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE outcome = 'abandoned')::int AS abandoned,
              count(*) FILTER (WHERE outcome IN ('answered', 'abandoned'))::int AS answered,
              count(*) FILTER (WHERE started_at > $2::timestamptz - make_interval(secs => $4 / 1000.0))::int AS recent
       FROM campaign_attempts
       WHERE campaign_id = $1 AND started_at > $2::timestamptz - make_interval(mins => $3)`,
      [campaignId, now, windowMinutes, recentMs],
    )) as { abandoned: number; answered: number; recent: number }[];
    return {
      abandonRate: row && row.answered > 0 ? row.abandoned / row.answered : null,
      recentStarts: row?.recent ?? 0,
    };
  }

  /** Live attempts left by a node that died (no call ever ended them): ended as failed, their numbers freed. */
  async staleAttempts(maxAgeMinutes: number): Promise<AttemptRow[]> {
    return this.dataSource.query(
      `SELECT * FROM campaign_attempts WHERE ended_at IS NULL
         AND started_at < now() - make_interval(mins => $1)`,
      [maxAgeMinutes],
    );
  }

  async progress(campaignId: string, windowMinutes: number): Promise<ProgressRows> {
    const q = <T>(sql: string, params: unknown[] = [campaignId]) => this.dataSource.query(sql, params) as Promise<T>;
    const [states, totals, dispositions, operators] = await Promise.all([
      q<{ state: CampaignRecordState; n: number }[]>(
        `SELECT state, count(*)::int AS n FROM campaign_records WHERE campaign_id = $1 GROUP BY state`,
      ),
      q<ProgressTotals[]>(
        `SELECT count(*) FILTER (WHERE outcome = ANY($2))::int AS attempts,
                count(*) FILTER (WHERE outcome = 'answered')::int AS answered,
                count(DISTINCT record_id) FILTER (WHERE outcome = 'answered')::int AS contacted,
                count(DISTINCT record_id) FILTER (WHERE outcome = ANY($2))::int AS reached,
                count(*) FILTER (WHERE outcome = 'abandoned'
                                 AND started_at > now() - make_interval(mins => $3))::int AS window_abandoned,
                count(*) FILTER (WHERE outcome IN ('answered', 'abandoned')
                                 AND started_at > now() - make_interval(mins => $3))::int AS window_answered
         FROM campaign_attempts WHERE campaign_id = $1`,
        [campaignId, COUNTED_OUTCOMES, windowMinutes],
      ),
      q<{ disposition: string; n: number }[]>(
        `SELECT disposition, count(*)::int AS n FROM campaign_attempts
         WHERE campaign_id = $1 AND disposition IS NOT NULL GROUP BY disposition`,
      ),
      q<{ user_id: string; name: string; attempts: number; answered: number }[]>(
        `SELECT a.user_id, coalesce(u.name, '') AS name,
                count(*) FILTER (WHERE a.outcome = ANY($2))::int AS attempts,
                count(*) FILTER (WHERE a.outcome = 'answered')::int AS answered
         FROM campaign_attempts a LEFT JOIN users u ON u.id = a.user_id
         WHERE a.campaign_id = $1 AND a.user_id IS NOT NULL GROUP BY a.user_id, u.name ORDER BY u.name`,
        [campaignId, COUNTED_OUTCOMES],
      ),
    ]);
    return { states, totals: totals[0]!, dispositions, operators };
  }
}

export interface ClaimedAttempt {
  record: RecordRow;
  attempt: AttemptRow;
}

export interface RecordMove {
  state: CampaignRecordState;
  nextDueAt: Date | null;
  reason?: string;
}

interface ProgressTotals {
  attempts: number;
  answered: number;
  contacted: number;
  reached: number;
  window_abandoned: number;
  window_answered: number;
}

export interface ProgressRows {
  states: { state: CampaignRecordState; n: number }[];
  totals: ProgressTotals;
  dispositions: { disposition: string; n: number }[];
  operators: { user_id: string; name: string; attempts: number; answered: number }[];
}

const toParam = (column: string, value: unknown) => (JSON_COLUMNS.has(column) ? JSON.stringify(value) : value);

async function setOperators(em: EntityManager, campaignId: string, userIds: string[]): Promise<void> {
  await em.query(`DELETE FROM campaign_operators WHERE campaign_id = $1`, [campaignId]);
  await em.query(
    `INSERT INTO campaign_operators (campaign_id, user_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
    [campaignId, userIds],
  );
}
