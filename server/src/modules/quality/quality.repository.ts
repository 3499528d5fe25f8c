import { type DataSource } from 'typeorm';

import { handledByAnySql } from '@server/modules/calls/call-access.read-model';

export interface ReviewFilter {
  operatorId?: string;
  /** Only calls these users handled (a team supervisor's scope). */
  scope?: string[];
  queue?: string;
  from?: Date;
  to?: Date;
  minDuration?: number;
  maxDuration?: number;
  disposition?: string;
  direction?: string;
  reviewed?: boolean;
}

export interface ReviewCallRow {
  id: string;
  direction: 'inbound' | 'outbound' | 'internal';
  from_raw: string;
  from_e164: string | null;
  to_raw: string;
  to_e164: string | null;
  caller_name: string | null;
  anonymous: boolean;
  queue: string | null;
  operator_id: string | null;
  operator_name: string | null;
  agent_extension: string | null;
  started_at: Date;
  talk_seconds: number | null;
  disposition: 'answered' | 'missed' | 'abandoned' | 'failed' | 'blocked' | null;
  wrap_up_outcome: string | null;
  wrap_up_note: string | null;
  recording_id: string;
  recording_seconds: number | null;
  total?: string;
}

export interface ReviewRow {
  call_id: string;
  reviewer_id: string;
  reviewer_name: string;
  score: number;
  script_followed: boolean;
  comment: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface ReviewInput {
  score: number;
  scriptFollowed: boolean;
  comment: string | null;
}

/**
 * Raw SQL, like the call log: a filtered report over calls joined to their newest recording and their reviews.
 * Reads calls, recordings, call_reviews, call_handlers, users, and (for the client's name) contacts and leads.
 */
export class QualityRepository {
  constructor(private readonly dataSource: DataSource) {}

  private where(f: ReviewFilter, params: unknown[]): string {
    const add = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where: string[] = [];
    if (f.operatorId) where.push(handledByAnySql('c', `ARRAY[${add(f.operatorId)}::uuid]`));
    if (f.scope) where.push(handledByAnySql('c', `${add(f.scope)}::uuid[]`));
    if (f.queue) where.push(`c.queue = ${add(f.queue)}`);
    if (f.from) where.push(`c.started_at >= ${add(f.from)}`);
    if (f.to) where.push(`c.started_at < ${add(f.to)}`);
    if (f.minDuration !== undefined) where.push(`coalesce(c.talk_seconds, 0) >= ${add(f.minDuration)}`);
    if (f.maxDuration !== undefined) where.push(`coalesce(c.talk_seconds, 0) <= ${add(f.maxDuration)}`);
    if (f.disposition) where.push(`c.disposition = ${add(f.disposition)}`);
    if (f.direction) where.push(`c.direction = ${add(f.direction)}`);
    if (f.reviewed !== undefined) {
      where.push(`${f.reviewed ? '' : 'NOT '}EXISTS (SELECT 1 FROM call_reviews cr WHERE cr.call_id = c.id)`);
    }
    return where.length ? `WHERE ${where.join(' AND ')}` : '';
  }

  /** Calls with at least one recording, newest first. */
  async list(f: ReviewFilter, limit: number, offset: number): Promise<[ReviewCallRow[], number]> {
    const params: unknown[] = [];
    const where = this.where(f, params);
    const from = `FROM calls c
      JOIN LATERAL (SELECT r.id, r.duration_seconds FROM recordings r WHERE r.call_id = c.id
                    ORDER BY r.created_at DESC, r.id LIMIT 1) rec ON true
      LEFT JOIN users u ON u.id = c.operator_id
      LEFT JOIN contacts ct ON ct.id = c.contact_id
      LEFT JOIN leads ld ON ld.id = c.lead_id
      ${where}`;
    const rows: ReviewCallRow[] = await this.dataSource.query(
      `SELECT c.id, c.direction, c.from_raw, c.from_e164, c.to_raw, c.to_e164, COALESCE(ct.name, ld.name) AS caller_name,
              c.anonymous, c.queue, c.operator_id,
              u.name AS operator_name, c.agent_extension, c.started_at, c.talk_seconds, c.disposition,
              c.wrap_up_outcome, c.wrap_up_note, rec.id AS recording_id, rec.duration_seconds AS recording_seconds,
              count(*) OVER () AS total
       ${from}
       ORDER BY c.started_at DESC, c.id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, limit, offset],
    );
    let total = Number(rows[0]?.total ?? 0);
    if (rows.length === 0 && offset > 0) {
      // Past the last page the window count is gone; count separately so the UI can page back.
      const counted: { n: string }[] = await this.dataSource.query(`SELECT count(*) AS n ${from}`, params);
      total = Number(counted[0]?.n ?? 0);
    }
    return [rows, total];
  }

  async reviewsOf(callIds: string[]): Promise<ReviewRow[]> {
    if (callIds.length === 0) return [];
    return this.dataSource.query(
      `SELECT cr.call_id, cr.reviewer_id, u.name AS reviewer_name, cr.score, cr.script_followed, cr.comment,
              cr.created_at, cr.updated_at
       FROM call_reviews cr JOIN users u ON u.id = cr.reviewer_id
       WHERE cr.call_id = ANY($1) ORDER BY cr.created_at, cr.reviewer_id`,
      [callIds],
    );
  }

  async callState(callId: string): Promise<{ hasRecording: boolean } | null> {
    const rows: { has_recording: boolean }[] = await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM recordings r WHERE r.call_id = c.id) AS has_recording FROM calls c WHERE c.id = $1`,
      [callId],
    );
    return rows[0] ? { hasRecording: rows[0].has_recording } : null;
  }

  async handledByAny(callId: string, users: string[]): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM calls c WHERE c.id = $1 AND ${handledByAnySql('c', '$2::uuid[]')}`,
      [callId, users],
    );
    return rows.length > 0;
  }

  /**
   * Inserts or updates the reviewer's review. Returns `changed: false` when the stored review already said exactly
   * this (the row, its `updated_at` and the audit trail then stay as they were), so a repeated PUT is a no-op.
   */
  async upsert(
    callId: string,
    reviewerId: string,
    input: ReviewInput,
  ): Promise<{ created: boolean; changed: boolean }> {
    const rows: { inserted: boolean }[] = await this.dataSource.query(
      `INSERT INTO call_reviews (call_id, reviewer_id, score, script_followed, comment)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (call_id, reviewer_id) DO UPDATE
         SET score = EXCLUDED.score, script_followed = EXCLUDED.script_followed, comment = EXCLUDED.comment,
             updated_at = now()
         WHERE (call_reviews.score, call_reviews.script_followed, call_reviews.comment)
               IS DISTINCT FROM (EXCLUDED.score, EXCLUDED.script_followed, EXCLUDED.comment)
       RETURNING (xmax = 0) AS inserted`,
      [callId, reviewerId, input.score, input.scriptFollowed, input.comment],
    );
    const row = rows[0];
    return { created: row?.inserted ?? false, changed: row !== undefined };
  }

  async findReview(callId: string, reviewerId: string): Promise<ReviewRow | null> {
    const rows: ReviewRow[] = await this.dataSource.query(
      `SELECT cr.call_id, cr.reviewer_id, u.name AS reviewer_name, cr.score, cr.script_followed, cr.comment,
              cr.created_at, cr.updated_at
       FROM call_reviews cr JOIN users u ON u.id = cr.reviewer_id WHERE cr.call_id = $1 AND cr.reviewer_id = $2`,
      [callId, reviewerId],
    );
    return rows[0] ?? null;
  }
}
