/*
 * Read model: a client's history as one stream. Reads contacts, contact_phones, companies, leads, deals,
 * deal_stage_history, tasks, notes, calls, call_legs, call_handlers, recordings, call_reviews, users and audit_log
 * (owner changes, `<entity>.reassign`); writes nothing.
 *
 * Each kind of item is one indexed query for the newest `limit + 1` items older than the cursor, the kinds run side
 * by side, and the streams are merged: a page costs the same for a client with 5 calls or 5,000.
 */
import { type DataSource } from 'typeorm';

import { type TimelineEntityType, type TimelineItem, type TimelineKind } from '@contracts/dto/timeline';
import {
  companyVisible,
  contactVisible,
  dealVisible,
  leadVisible,
  scopeIds,
  seesAll,
  taskVisible,
  type Viewer,
} from '@server/common/access/visibility';
import { handledByAnySql, reachedByAnySql } from '@server/modules/calls/call-access.read-model';
import { mayListen } from '@server/modules/recordings/recordings.service';

import { type TimelinePosition } from './timeline-cursor';

/** A supervisor's `teamScope` widens what they see to their teams' records, like everywhere else. */
export type TimelineViewer = Pick<Viewer, 'id' | 'role' | 'teamScope'>;

/** The records whose items make up a stream, already narrowed to what the viewer may see. */
export interface TimelineSubject {
  entityType: TimelineEntityType;
  entityId: string;
  contactIds: string[];
  companyIds: string[];
  leadIds: string[];
  dealIds: string[];
  /** E.164 numbers whose calls belong to the stream (calls before the number was linked count too). */
  phones: string[];
}

export interface TimelineEntry {
  item: TimelineItem;
  pos: TimelinePosition;
}

export interface TimelineSlice {
  entries: TimelineEntry[];
  /** True when older items exist beyond `entries`. */
  more: boolean;
}

/** Reassignments are audited as `<entity>.reassign` with `details {from, to}` (modules/ownership). */
export const OWNER_CHANGE_ACTIONS = [
  'contact.reassign',
  'company.reassign',
  'lead.reassign',
  'deal.reassign',
  'task.reassign',
];

type Stamp = Date | string;
const iso = (d: Stamp) => (d instanceof Date ? d : new Date(d)).toISOString();
const ref = (id: string | null, name: string | null) => (id ? { id, name: name ?? '' } : null);
/** Microsecond UTC text: the cursor's time, exact, and ordered like the timestamps when compared as text. */
const sortAt = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Items strictly older than the cursor in (time, key) order; `key` compared byte-wise on both sides. */
const olderThan = (at: string, key: string, cursor: boolean) =>
  cursor ? `AND ${at} <= :curAt::timestamptz AND (${at} < :curAt::timestamptz OR (${key}) COLLATE "C" < :curKey)` : '';

/** The name a record is shown by; `type` and `id` are SQL expressions. */
const recordName = (type: string, id: string) => `CASE ${type}
  WHEN 'contact' THEN (SELECT rn.name FROM contacts rn WHERE rn.id = ${id})
  WHEN 'company' THEN (SELECT rn.name FROM companies rn WHERE rn.id = ${id})
  WHEN 'lead' THEN (SELECT COALESCE(rn.name, rn.phone_e164, rn.phone_raw, '') FROM leads rn WHERE rn.id = ${id})
  WHEN 'deal' THEN (SELECT rn.title FROM deals rn WHERE rn.id = ${id})
  WHEN 'task' THEN (SELECT rn.title FROM tasks rn WHERE rn.id = ${id})
END`;

/** Tasks and notes hang off records by (entity_type, entity_id); these are the subject's. */
const linkedTo = (alias: string) => `(
  (${alias}.entity_type = 'contact' AND ${alias}.entity_id = ANY(:contactIds::uuid[]))
  OR (${alias}.entity_type = 'company' AND ${alias}.entity_id = ANY(:companyIds::uuid[]))
  OR (${alias}.entity_type = 'lead' AND ${alias}.entity_id = ANY(:leadIds::uuid[]))
  OR (${alias}.entity_type = 'deal' AND ${alias}.entity_id = ANY(:dealIds::uuid[])))`;

interface Row {
  sort_at: string;
  sort_key: string;
}

export class TimelineReadModel {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The subject's records as the viewer may see them; null when the record does not exist or is hidden. `trusted`:
   * the caller already decided the viewer may see the record itself (a pop card rings whoever the call reaches), so
   * only what hangs off it is filtered.
   */
  async subject(
    entityType: TimelineEntityType,
    entityId: string,
    viewer: TimelineViewer,
    opts: { trusted?: boolean } = {},
  ): Promise<TimelineSubject | null> {
    const only = (visible: string) => (seesAll(viewer) ? '' : `AND ${visible}`);
    const root = (visible: string) => (opts.trusted ? '' : only(visible));
    const sql: Record<TimelineEntityType, string> = {
      contact: `SELECT ARRAY[c.id] AS contact_ids, ARRAY[]::uuid[] AS company_ids,
          ARRAY(SELECT p.e164 FROM contact_phones p WHERE p.contact_id = c.id AND p.e164 IS NOT NULL) AS phones,
          ARRAY(SELECT l.id FROM leads l WHERE l.contact_id = c.id ${only(leadVisible('l'))}) AS lead_ids,
          ARRAY(SELECT d.id FROM deals d WHERE d.contact_id = c.id) AS deal_ids
        FROM contacts c WHERE c.id = :entityId ${root(contactVisible('c'))}`,
      // A company's stream includes its contacts' (only those an operator may see: never a colleague's client).
      company: `WITH ct AS (SELECT c.id FROM contacts c WHERE c.company_id = :entityId ${only(contactVisible('c'))})
        SELECT ARRAY(SELECT id FROM ct) AS contact_ids, ARRAY[co.id] AS company_ids,
          ARRAY(SELECT DISTINCT p.e164 FROM contact_phones p WHERE p.contact_id IN (SELECT id FROM ct)
            AND p.e164 IS NOT NULL UNION SELECT co.phone_e164 WHERE co.phone_e164 IS NOT NULL) AS phones,
          ARRAY(SELECT l.id FROM leads l WHERE l.contact_id IN (SELECT id FROM ct) ${only(leadVisible('l'))})
            AS lead_ids,
          ARRAY(SELECT d.id FROM deals d WHERE (d.company_id = co.id OR d.contact_id IN (SELECT id FROM ct))
            ${only(dealVisible('d'))}) AS deal_ids
        FROM companies co WHERE co.id = :entityId ${root(companyVisible('co'))}`,
      lead: `SELECT ARRAY[]::uuid[] AS contact_ids, ARRAY[]::uuid[] AS company_ids, ARRAY[l.id] AS lead_ids,
          ARRAY[]::uuid[] AS deal_ids,
          CASE WHEN l.phone_e164 IS NULL THEN ARRAY[]::text[] ELSE ARRAY[l.phone_e164] END AS phones
        FROM leads l WHERE l.id = :entityId ${root(leadVisible('l'))}`,
    };
    const [row] = await this.query<{
      contact_ids: string[];
      company_ids: string[];
      lead_ids: string[];
      deal_ids: string[];
      phones: string[];
    }>(sql[entityType], { entityId, scopeIds: scopeIds(viewer) });
    if (!row) return null;
    return {
      entityType,
      entityId,
      contactIds: row.contact_ids,
      companyIds: row.company_ids,
      leadIds: row.lead_ids,
      dealIds: row.deal_ids,
      phones: row.phones,
    };
  }

  /** The newest `limit` items older than `before` (all kinds unless `kinds` says otherwise), newest first. */
  async slice(
    subject: TimelineSubject,
    viewer: TimelineViewer,
    opts: { limit: number; before?: TimelinePosition; kinds?: readonly TimelineKind[] },
  ): Promise<TimelineSlice> {
    const wanted = new Set(opts.kinds ?? KINDS);
    const ctx: Ctx = {
      subject,
      viewer,
      all: seesAll(viewer),
      cursor: opts.before !== undefined,
      params: {
        contactIds: subject.contactIds,
        companyIds: subject.companyIds,
        leadIds: subject.leadIds,
        dealIds: subject.dealIds,
        phones: subject.phones,
        scopeIds: scopeIds(viewer),
        lim: opts.limit + 1,
        curAt: opts.before?.at ?? null,
        curKey: opts.before?.key ?? null,
      },
    };
    const readers: Record<TimelineKind, (ctx: Ctx) => Promise<TimelineEntry[]>> = {
      call: (c) => this.calls(c),
      note: (c) => this.notes(c),
      task: (c) => this.tasks(c),
      deal: (c) => this.deals(c),
      lead: (c) => this.leads(c),
      owner: (c) => this.owners(c),
    };
    const streams = await Promise.all(KINDS.filter((k) => wanted.has(k)).map((k) => readers[k](ctx)));
    const merged = streams.flat().sort((a, b) => compare(b.pos, a.pos));
    return { entries: merged.slice(0, opts.limit), more: merged.length > opts.limit };
  }

  private async calls(ctx: Ctx): Promise<TimelineEntry[]> {
    const { subject, viewer } = ctx;
    if (!subject.contactIds.length && !subject.leadIds.length && !subject.phones.length) return [];
    const reached = ctx.all ? '' : `AND ${reachedByAnySql('c', ':scopeIds::uuid[]')}`;
    // One ordered index scan per linked record and number (a LATERAL each), so the newest calls are read first
    // and no more than a page of them; an OR over the columns would read every call of the client and sort them.
    // A number the contact shares with others: its calls that are another contact's (the pipeline's match, or the
    // operator's choice on the card) are not this contact's history.
    const ownCalls =
      subject.entityType === 'contact' ? 'AND (c.contact_id IS NULL OR c.contact_id = ANY(:contactIds::uuid[]))' : '';
    const source = (values: string, type: string, column: string) => `
      SELECT k.id FROM unnest(${values}::${type}[]) s(v), LATERAL (
        SELECT c.id FROM calls c WHERE c.${column} = s.v ${olderThan('c.started_at', `'call:' || c.id`, ctx.cursor)}
          ${reached} ${type === 'text' ? ownCalls : ''}
        ORDER BY c.started_at DESC, c.id DESC LIMIT :lim) k`;
    const rows = await this.query<
      Row & {
        id: string;
        direction: 'inbound' | 'outbound' | 'internal';
        queue: string | null;
        from_e164: string | null;
        from_raw: string;
        to_e164: string | null;
        to_raw: string;
        wait_seconds: number | null;
        talk_seconds: number | null;
        disposition: 'answered' | 'missed' | 'abandoned' | 'failed' | null;
        wrap_up_outcome: NonNullable<TimelineCallItem['call']['wrapUp']>['outcome'] | null;
        wrap_up_note: string | null;
        wrap_up_at: Stamp | null;
        wrap_up_by_id: string | null;
        wrap_up_by_name: string | null;
        operator_id: string | null;
        operator_name: string | null;
        recording_id: string | null;
        qa_score: number | null;
        qa_reviews: number;
        handled: boolean;
      }
    >(
      `WITH hits AS (
         ${source(':contactIds', 'uuid', 'contact_id')} UNION ${source(':leadIds', 'uuid', 'lead_id')}
         UNION ${source(':phones', 'text', 'from_e164')} UNION ${source(':phones', 'text', 'to_e164')})
       SELECT c.id, c.direction, c.queue, c.from_e164, c.from_raw, c.to_e164, c.to_raw, c.wait_seconds,
         c.talk_seconds, c.disposition, c.wrap_up_outcome, c.wrap_up_note, c.wrap_up_at,
         wb.id AS wrap_up_by_id, wb.name AS wrap_up_by_name, u.id AS operator_id, u.name AS operator_name,
         (SELECT r.id FROM recordings r WHERE r.call_id = c.id ORDER BY r.created_at DESC, r.id LIMIT 1) AS recording_id,
         q.score AS qa_score, q.reviews AS qa_reviews, ${handledByAnySql('c', ':scopeIds::uuid[]')} AS handled,
         ${sortAt('c.started_at')} AS sort_at, 'call:' || c.id AS sort_key
       FROM calls c JOIN hits h ON h.id = c.id
         LEFT JOIN users u ON u.id = c.operator_id LEFT JOIN users wb ON wb.id = c.wrap_up_by
         LEFT JOIN LATERAL (SELECT avg(cr.score)::float8 AS score, count(*)::int AS reviews
           FROM call_reviews cr WHERE cr.call_id = c.id) q ON true
       ORDER BY c.started_at DESC, c.id DESC LIMIT :lim`,
      ctx.params,
    );
    return rows.map((c) => ({
      pos: pos(c),
      item: {
        kind: 'call',
        key: c.sort_key,
        at: iso(c.sort_at),
        call: {
          id: c.id,
          direction: c.direction,
          number:
            c.direction === 'inbound'
              ? (c.from_e164 ?? c.from_raw)
              : c.direction === 'outbound'
                ? (c.to_e164 ?? c.to_raw)
                : null,
          queue: c.queue,
          operator: ref(c.operator_id, c.operator_name),
          waitSeconds: c.wait_seconds,
          talkSeconds: c.talk_seconds,
          disposition: c.disposition,
          wrapUp:
            c.wrap_up_outcome && c.wrap_up_at
              ? {
                  outcome: c.wrap_up_outcome,
                  note: c.wrap_up_note,
                  by: ref(c.wrap_up_by_id, c.wrap_up_by_name),
                  at: iso(c.wrap_up_at),
                }
              : null,
          qa: c.qa_reviews > 0 && c.qa_score !== null ? { score: c.qa_score, reviews: c.qa_reviews } : null,
          recordingUrl: c.recording_id && mayListen(viewer, c.handled) ? `/api/recordings/${c.recording_id}` : null,
        },
      },
    }));
  }

  private async notes(ctx: Ctx): Promise<TimelineEntry[]> {
    const rows = await this.query<
      Row & {
        id: string;
        body: string;
        entity_type: 'contact' | 'company' | 'lead' | 'deal';
        entity_id: string;
        record_name: string | null;
        author_id: string | null;
        author_name: string | null;
      }
    >(
      `SELECT n.id, n.body, n.entity_type, n.entity_id, ${recordName('n.entity_type', 'n.entity_id')} AS record_name,
         u.id AS author_id, u.name AS author_name,
         ${sortAt('n.created_at')} AS sort_at, 'note:' || n.id AS sort_key
       FROM notes n LEFT JOIN users u ON u.id = n.author_id
       WHERE ${linkedTo('n')} ${olderThan('n.created_at', `'note:' || n.id`, ctx.cursor)}
       ORDER BY n.created_at DESC, n.id DESC LIMIT :lim`,
      ctx.params,
    );
    return rows.map((n) => ({
      pos: pos(n),
      item: {
        kind: 'note',
        key: n.sort_key,
        at: iso(n.sort_at),
        note: { id: n.id, body: n.body, author: ref(n.author_id, n.author_name) },
        record: { entityType: n.entity_type, id: n.entity_id, name: n.record_name ?? '' },
      },
    }));
  }

  private async tasks(ctx: Ctx): Promise<TimelineEntry[]> {
    const visible = ctx.all ? '' : `AND ${taskVisible('t')}`;
    const event = (name: 'created' | 'done', at: string, by: string, prefix: string) => `(
      SELECT '${name}' AS event, t.id, t.title, t.kind, t.callback_phone, t.callback_attempts, t.due_at, t.done_at,
        t.entity_type, t.entity_id, ${recordName('t.entity_type', 't.entity_id')} AS record_name,
        a.id AS assignee_id, a.name AS assignee_name, b.id AS by_id, b.name AS by_name,
        ${sortAt(at)} AS sort_at, '${prefix}:' || t.id AS sort_key
      FROM tasks t LEFT JOIN users a ON a.id = t.assignee_id LEFT JOIN users b ON b.id = ${by}
      WHERE ${linkedTo('t')} AND ${at} IS NOT NULL ${visible} ${olderThan(at, `'${prefix}:' || t.id`, ctx.cursor)}
      ORDER BY ${at} DESC, t.id DESC LIMIT :lim)`;
    const rows = await this.query<
      Row & {
        event: 'created' | 'done';
        id: string;
        title: string;
        kind: 'todo' | 'callback' | 'meeting' | 'email';
        callback_phone: string | null;
        callback_attempts: number | null;
        due_at: Stamp | null;
        done_at: Stamp | null;
        entity_type: 'contact' | 'company' | 'lead' | 'deal';
        entity_id: string;
        record_name: string | null;
        assignee_id: string | null;
        assignee_name: string | null;
        by_id: string | null;
        by_name: string | null;
      }
    >(
      `${event('created', 't.created_at', 't.created_by_id', 'task')}
       UNION ALL ${event('done', 't.done_at', 't.done_by_id', 'task-done')}`,
      ctx.params,
    );
    return rows.map((t) => ({
      pos: pos(t),
      item: {
        kind: 'task',
        key: t.sort_key,
        at: iso(t.sort_at),
        event: t.event,
        task: {
          id: t.id,
          title: t.title,
          kind: t.kind,
          callbackPhone: t.callback_phone,
          callbackAttempts: t.callback_attempts,
          dueAt: t.due_at ? iso(t.due_at) : null,
          doneAt: t.done_at ? iso(t.done_at) : null,
          assignee: ref(t.assignee_id, t.assignee_name),
        },
        by: ref(t.by_id, t.by_name),
        record: { entityType: t.entity_type, id: t.entity_id, name: t.record_name ?? '' },
      },
    }));
  }

  private async deals(ctx: Ctx): Promise<TimelineEntry[]> {
    if (!ctx.subject.dealIds.length) return [];
    const rows = await this.query<
      Row & {
        deal_id: string;
        title: string;
        amount: string;
        currency: string;
        from_pipeline_id: string | null;
        from_stage: string | null;
        to_pipeline_id: string;
        to_stage: string;
        by_id: string | null;
        by_name: string | null;
      }
    >(
      `SELECT d.id AS deal_id, d.title, d.amount::text AS amount, d.currency, h.from_pipeline_id, h.from_stage,
         h.to_pipeline_id, h.to_stage, u.id AS by_id, u.name AS by_name, ${sortAt('h.changed_at')} AS sort_at, 'deal:' || h.id AS sort_key
       FROM deal_stage_history h JOIN deals d ON d.id = h.deal_id LEFT JOIN users u ON u.id = h.changed_by
       WHERE h.deal_id = ANY(:dealIds::uuid[]) ${olderThan('h.changed_at', `'deal:' || h.id`, ctx.cursor)}
       ORDER BY h.changed_at DESC, h.id DESC LIMIT :lim`,
      ctx.params,
    );
    return rows.map((d) => ({
      pos: pos(d),
      item: {
        kind: 'deal',
        key: d.sort_key,
        at: iso(d.sort_at),
        event: d.from_stage === null ? 'created' : 'stage',
        deal: { id: d.deal_id, title: d.title, amount: d.amount, currency: d.currency.trim() },
        fromPipelineId: d.from_pipeline_id,
        fromStage: d.from_stage,
        toPipelineId: d.to_pipeline_id,
        toStage: d.to_stage,
        by: ref(d.by_id, d.by_name),
      },
    }));
  }

  private async leads(ctx: Ctx): Promise<TimelineEntry[]> {
    if (!ctx.subject.leadIds.length) return [];
    const event = (name: 'created' | 'converted', at: string, prefix: string) => `(
      SELECT '${name}' AS event, l.id, l.name, l.source, l.phone_e164, l.source_call_id,
        c.id AS contact_id, c.name AS contact_name, ${sortAt(at)} AS sort_at, '${prefix}:' || l.id AS sort_key
      FROM leads l LEFT JOIN contacts c ON c.id = l.contact_id
      WHERE l.id = ANY(:leadIds::uuid[]) AND ${at} IS NOT NULL ${olderThan(at, `'${prefix}:' || l.id`, ctx.cursor)}
      ORDER BY ${at} DESC, l.id DESC LIMIT :lim)`;
    const rows = await this.query<
      Row & {
        event: 'created' | 'converted';
        id: string;
        name: string | null;
        source: 'call' | 'web' | 'manual' | 'import';
        phone_e164: string | null;
        source_call_id: string | null;
        contact_id: string | null;
        contact_name: string | null;
      }
    >(
      `${event('created', 'l.created_at', 'lead')} UNION ALL ${event('converted', 'l.converted_at', 'lead-converted')}`,
      ctx.params,
    );
    return rows.map((l) => ({
      pos: pos(l),
      item: {
        kind: 'lead',
        key: l.sort_key,
        at: iso(l.sort_at),
        event: l.event,
        lead: {
          id: l.id,
          name: l.name,
          source: l.source,
          phoneE164: l.phone_e164,
          sourceCallId: l.source_call_id,
        },
        contact: ref(l.contact_id, l.contact_name),
      },
    }));
  }

  private async owners(ctx: Ctx): Promise<TimelineEntry[]> {
    const visibleTasks = ctx.all ? '' : `AND ${taskVisible('t')}`;
    const rows = await this.query<
      Row & {
        entity: 'contact' | 'company' | 'lead' | 'deal' | 'task';
        entity_id: string;
        record_name: string | null;
        from_id: string | null;
        from_name: string | null;
        to_id: string | null;
        to_name: string | null;
        by_id: string | null;
        by_name: string | null;
      }
    >(
      `SELECT a.entity, a.entity_id, ${recordName('a.entity', 'a.entity_id::uuid')} AS record_name,
         f.id AS from_id, f.name AS from_name, t2.id AS to_id, t2.name AS to_name, b.id AS by_id, b.name AS by_name,
         ${sortAt('a.at')} AS sort_at, 'owner:' || lpad(a.id::text, 20, '0') AS sort_key
       FROM audit_log a
         LEFT JOIN users f ON f.id::text = a.details->>'from' LEFT JOIN users t2 ON t2.id::text = a.details->>'to'
         LEFT JOIN users b ON b.id = a.actor_id
       WHERE a.action = ANY(:actions::text[]) AND (
           (a.entity = 'contact' AND a.entity_id = ANY(:contactIds::text[]))
           OR (a.entity = 'company' AND a.entity_id = ANY(:companyIds::text[]))
           OR (a.entity = 'lead' AND a.entity_id = ANY(:leadIds::text[]))
           OR (a.entity = 'deal' AND a.entity_id = ANY(:dealIds::text[]))
           OR (a.entity = 'task' AND a.entity_id IN (SELECT t.id::text FROM tasks t WHERE ${linkedTo('t')} ${visibleTasks})))
         ${olderThan('a.at', `'owner:' || lpad(a.id::text, 20, '0')`, ctx.cursor)}
       ORDER BY a.at DESC, a.id DESC LIMIT :lim`,
      { ...ctx.params, actions: OWNER_CHANGE_ACTIONS },
    );
    return rows.map((o) => ({
      pos: pos(o),
      item: {
        kind: 'owner',
        key: o.sort_key,
        at: iso(o.sort_at),
        record: { entityType: o.entity, id: o.entity_id, name: o.record_name ?? '' },
        from: ref(o.from_id, o.from_name),
        to: ref(o.to_id, o.to_name),
        by: ref(o.by_id, o.by_name),
      },
    }));
  }

  private query<T>(sql: string, params: Record<string, unknown>): Promise<T[]> {
    const [text, values] = this.dataSource.driver.escapeQueryWithParameters(sql, params);
    return this.dataSource.query(text, values) as Promise<T[]>;
  }
}

type TimelineCallItem = Extract<TimelineItem, { kind: 'call' }>;

interface Ctx {
  subject: TimelineSubject;
  viewer: TimelineViewer;
  all: boolean;
  cursor: boolean;
  params: Record<string, unknown>;
}

const KINDS: readonly TimelineKind[] = ['call', 'note', 'task', 'deal', 'lead', 'owner'];

const pos = (r: Row): TimelinePosition => ({ at: r.sort_at, key: r.sort_key });

/** Time first, then key, byte-wise: the order of `ORDER BY at, key COLLATE "C"`. */
export const compare = (a: TimelinePosition, b: TimelinePosition): number =>
  a.at < b.at ? -1 : a.at > b.at ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
