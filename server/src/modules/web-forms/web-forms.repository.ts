import { type DataSource } from 'typeorm';

import { type LeadUtm } from '@contracts/dto/web-form';

export interface FormRow {
  id: string;
  key: string;
  name: string;
  allowed_origins: string[];
  callback_queue: string | null;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface SubmissionInsert {
  formId: string;
  leadId: string | null;
  contactId: string | null;
  createdLead: boolean;
  name: string | null;
  phoneRaw: string;
  phoneE164: string;
  email: string | null;
  message: string | null;
  utm: LeadUtm | null;
  page: string | null;
  referrer: string | null;
  ip: string | null;
  userAgent: string | null;
  callbackRequested: boolean;
}

const rowsOf = <T>(result: unknown): T[] =>
  (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];

/** Owner of web_forms and form_submissions. */
export class WebFormsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(f: {
    key: string;
    name: string;
    allowedOrigins: string[];
    callbackQueue: string | null;
    active: boolean;
    createdById: string;
  }): Promise<FormRow> {
    const rows = await this.dataSource.query<FormRow[]>(
      `INSERT INTO web_forms (key, name, allowed_origins, callback_queue, active, created_by_id)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [f.key, f.name, f.allowedOrigins, f.callbackQueue, f.active, f.createdById],
    );
    return rows[0]!;
  }

  list(): Promise<FormRow[]> {
    return this.dataSource.query(`SELECT * FROM web_forms ORDER BY created_at DESC, id`);
  }

  async findById(id: string): Promise<FormRow | null> {
    return (await this.dataSource.query<FormRow[]>(`SELECT * FROM web_forms WHERE id = $1`, [id]))[0] ?? null;
  }

  async findByKey(key: string): Promise<FormRow | null> {
    return (await this.dataSource.query<FormRow[]>(`SELECT * FROM web_forms WHERE key = $1`, [key]))[0] ?? null;
  }

  async update(
    id: string,
    p: { name?: string; allowedOrigins?: string[]; callbackQueue?: string | null; active?: boolean },
  ): Promise<FormRow | null> {
    const rows = rowsOf<FormRow>(
      await this.dataSource.query(
        `UPDATE web_forms SET name = coalesce($2, name), allowed_origins = coalesce($3, allowed_origins),
           callback_queue = CASE WHEN $4 THEN $5 ELSE callback_queue END, active = coalesce($6, active),
           updated_at = now()
         WHERE id = $1 RETURNING *`,
        [
          id,
          p.name ?? null,
          p.allowedOrigins ?? null,
          p.callbackQueue !== undefined,
          p.callbackQueue ?? null,
          p.active ?? null,
        ],
      ),
    );
    return rows[0] ?? null;
  }

  async remove(id: string): Promise<boolean> {
    return rowsOf(await this.dataSource.query(`DELETE FROM web_forms WHERE id = $1 RETURNING id`, [id])).length > 0;
  }

  async insertSubmission(s: SubmissionInsert): Promise<string> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `INSERT INTO form_submissions (form_id, lead_id, contact_id, created_lead, name, phone_raw, phone_e164, email,
         message, utm, page, referrer, ip, user_agent, callback_requested)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
      [
        s.formId,
        s.leadId,
        s.contactId,
        s.createdLead,
        s.name,
        s.phoneRaw,
        s.phoneE164,
        s.email,
        s.message,
        s.utm ? JSON.stringify(s.utm) : null,
        s.page,
        s.referrer,
        s.ip,
        s.userAgent,
        s.callbackRequested,
      ],
    );
    return rows[0]!.id;
  }
}
