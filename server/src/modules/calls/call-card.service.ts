import { type DataSource } from 'typeorm';

import {
  type CallCard,
  type CallCardPastCall,
  type CallCardRef,
  type CallCardTask,
  callCardSchema,
} from '@contracts/dto/call-card';

import { type UserDto } from '@contracts/dto/user';
import { handledBySql } from '@server/modules/recordings/recordings.repository';
import { mayListenByRole } from '@server/modules/recordings/recordings.service';

import { type CallProjection } from './call-projection';
import { reachedBySql } from './calls.repository';
import { type CallerLink } from './caller-link.service';

/** Whose screen the card is for: operators see the past calls their call log shows, and hear what they handled. */
export type CardViewer = Pick<UserDto, 'id' | 'role'>;

const LAST_CALLS = 5;
const OPEN_ITEMS = 10;
const NOTES = 3;

type Stamp = Date | string;
const iso = (d: Stamp) => (d instanceof Date ? d : new Date(d)).toISOString();
const ref = (id: string | null, name: string | null): CallCardRef | null => (id ? { id, name: name ?? '' } : null);

/**
 * Builds the screen-pop card for a call from its caller link. Read-only; every card is checked against the
 * contract schema before it leaves, so a drifted query fails here, loudly, instead of in the operator's browser.
 */
export class CallCardService {
  constructor(private readonly dataSource: DataSource) {}

  /** Null for calls that get no card (internal calls, outbound calls to unknown numbers). */
  async build(call: CallProjection, link: CallerLink, viewer: CardViewer): Promise<CallCard | null> {
    const base = {
      callId: call.id,
      direction: call.direction,
      queue: call.queue,
      occurredAt: call.startedAt,
    };
    const number = {
      raw: call.direction === 'inbound' ? call.fromRaw : call.toRaw,
      e164: call.direction === 'inbound' ? call.fromE164 : call.toE164,
    };
    switch (link.kind) {
      case 'none':
        return null;
      case 'withheld':
        return callCardSchema.parse({ ...base, kind: 'withheld', raw: call.fromRaw });
      case 'contact':
        return callCardSchema.parse({
          ...base,
          kind: 'contact',
          number,
          ...(await this.contactPart(call, link, viewer)),
        });
      case 'lead':
        return callCardSchema.parse({ ...base, kind: 'lead', number, ...(await this.leadPart(call, link, viewer)) });
    }
  }

  private async contactPart(call: CallProjection, link: Extract<CallerLink, { kind: 'contact' }>, viewer: CardViewer) {
    const q = <T>(sql: string, params: unknown[]) => this.dataSource.query(sql, params) as Promise<T[]>;
    const [contacts, notes, deals, tasks, phones] = await Promise.all([
      q<{
        id: string;
        name: string;
        do_not_call: boolean;
        tags: string[];
        company_id: string | null;
        company_name: string | null;
        owner_id: string | null;
        owner_name: string | null;
      }>(
        `SELECT c.id, c.name, c.do_not_call, c.tags, co.id AS company_id, co.name AS company_name,
                u.id AS owner_id, u.name AS owner_name
         FROM contacts c LEFT JOIN companies co ON co.id = c.company_id LEFT JOIN users u ON u.id = c.owner_id
         WHERE c.id = $1`,
        [link.contactId],
      ),
      this.notes('contact', link.contactId),
      q<{ id: string; title: string; stage: string; amount: string | null; currency: string }>(
        `SELECT id, title, stage, amount::text AS amount, currency FROM deals
         WHERE contact_id = $1 AND stage NOT IN ('won', 'lost') AND closed_at IS NULL
         ORDER BY updated_at DESC LIMIT ${OPEN_ITEMS}`,
        [link.contactId],
      ),
      this.openTasks(
        `(t.entity_type = 'contact' AND t.entity_id = $1)
         OR (t.entity_type = 'deal' AND t.entity_id IN (SELECT id FROM deals WHERE contact_id = $1))`,
        link.contactId,
      ),
      q<{ e164: string }>('SELECT e164 FROM contact_phones WHERE contact_id = $1 AND e164 IS NOT NULL', [
        link.contactId,
      ]),
    ]);
    const c = contacts[0];
    if (!c) throw new Error(`contact ${link.contactId} linked to call ${call.id} does not exist`);
    return {
      contact: {
        id: c.id,
        name: c.name,
        company: ref(c.company_id, c.company_name),
        owner: ref(c.owner_id, c.owner_name),
        doNotCall: c.do_not_call,
        tags: c.tags,
        notes,
      },
      openDeals: deals.map((d) => ({ ...d, currency: d.currency.trim() })),
      openTasks: tasks,
      lastCalls: await this.lastCalls(
        call.id,
        'contact_id',
        link.contactId,
        phones.map((p) => p.e164),
        viewer,
      ),
    };
  }

  private async leadPart(call: CallProjection, link: Extract<CallerLink, { kind: 'lead' }>, viewer: CardViewer) {
    const [leads, notes] = await Promise.all([
      this.dataSource.query(
        `SELECT l.id, l.status, l.created_at, l.phone_e164, u.id AS owner_id, u.name AS owner_name
         FROM leads l LEFT JOIN users u ON u.id = l.owner_id WHERE l.id = $1`,
        [link.leadId],
      ) as Promise<
        {
          id: string;
          status: string;
          created_at: Stamp;
          phone_e164: string | null;
          owner_id: string | null;
          owner_name: string | null;
        }[]
      >,
      this.notes('lead', link.leadId),
    ]);
    const l = leads[0];
    if (!l) throw new Error(`lead ${link.leadId} linked to call ${call.id} does not exist`);
    return {
      lead: {
        id: l.id,
        status: l.status,
        createdByThisCall: link.createdByThisCall,
        createdAt: iso(l.created_at),
        owner: ref(l.owner_id, l.owner_name),
        notes,
      },
      lastCalls: await this.lastCalls(call.id, 'lead_id', link.leadId, l.phone_e164 ? [l.phone_e164] : [], viewer),
    };
  }

  /** The newest few notes, newest first, as one text (the card shows a preview, the CRM page the rest). */
  private async notes(entityType: 'contact' | 'lead', entityId: string): Promise<string | null> {
    const rows = (await this.dataSource.query(
      `SELECT body FROM notes WHERE entity_type = $1 AND entity_id = $2 ORDER BY created_at DESC LIMIT ${NOTES}`,
      [entityType, entityId],
    )) as { body: string }[];
    return rows.length ? rows.map((r) => r.body).join('\n\n') : null;
  }

  private async openTasks(where: string, id: string): Promise<CallCardTask[]> {
    const rows = (await this.dataSource.query(
      `SELECT t.id, t.title, t.due_at, t.callback_phone, t.callback_attempts, u.id AS assignee_id,
              u.name AS assignee_name
       FROM tasks t LEFT JOIN users u ON u.id = t.assignee_id
       WHERE t.done_at IS NULL AND (${where})
       ORDER BY t.due_at ASC NULLS LAST, t.created_at DESC LIMIT ${OPEN_ITEMS}`,
      [id],
    )) as {
      id: string;
      title: string;
      due_at: Stamp | null;
      callback_phone: string | null;
      callback_attempts: number | null;
      assignee_id: string | null;
      assignee_name: string;
    }[];
    return rows.map((t) => ({
      id: t.id,
      title: t.title,
      callbackPhone: t.callback_phone,
      callbackAttempts: t.callback_attempts,
      dueAt: t.due_at ? iso(t.due_at) : null,
      assignee: ref(t.assignee_id, t.assignee_name),
    }));
  }

  /**
   * Earlier calls linked to the record or from/to any of its numbers (calls before the link existed count too). For
   * an operator, only the calls their call log shows (`reachedBySql`), with a recording link only where they may
   * listen — the same rules as `GET /api/calls`, so the card never lists a call the log leaves out.
   */
  private async lastCalls(
    callId: string,
    column: 'contact_id' | 'lead_id',
    id: string,
    e164s: string[],
    viewer: CardViewer,
  ): Promise<CallCardPastCall[]> {
    const operator = viewer.role === 'operator';
    const rows = (await this.dataSource.query(
      `SELECT k.id, k.started_at, k.direction, (k.answered_at IS NOT NULL) AS answered,
              COALESCE(k.talk_seconds, 0) AS talk_seconds, u.id AS agent_id, u.name AS agent_name,
              ${handledBySql('k', '$4::uuid')} AS handled,
              (SELECT r.id FROM recordings r WHERE r.call_id = k.id ORDER BY r.created_at DESC LIMIT 1) AS recording_id
       FROM calls k LEFT JOIN users u ON u.id = k.operator_id
       WHERE k.id <> $1 AND (k.${column} = $2 OR k.from_e164 = ANY($3::text[]) OR k.to_e164 = ANY($3::text[]))
         ${operator ? `AND ${reachedBySql('k', '$4::uuid')}` : ''}
       ORDER BY k.started_at DESC LIMIT ${LAST_CALLS}`,
      [callId, id, e164s, viewer.id],
    )) as {
      id: string;
      started_at: Stamp;
      direction: 'inbound' | 'outbound' | 'internal';
      answered: boolean;
      talk_seconds: number;
      agent_id: string | null;
      agent_name: string | null;
      handled: boolean;
      recording_id: string | null;
    }[];
    const mayListen = (handled: boolean) => mayListenByRole(viewer.role) || (operator && handled);
    return rows.map((k) => ({
      id: k.id,
      startedAt: iso(k.started_at),
      direction: k.direction,
      answered: k.answered,
      talkSeconds: k.talk_seconds,
      agent: ref(k.agent_id, k.agent_name),
      recordingUrl: k.recording_id && mayListen(k.handled) ? `/api/recordings/${k.recording_id}` : null,
    }));
  }
}
