import { type DataSource } from 'typeorm';

import { lastTenDigits } from '@telephony';
import {
  type CallCard,
  type CallCardCustomField,
  type CallCardMatches,
  type CallCardPastCall,
  type CallCardRef,
  type CallCardTask,
  callCardSchema,
} from '@contracts/dto/call-card';
import { type ChangeCache } from '@server/common/cache/change-cache';
import { type CallerLink } from '@server/common/calls/call-change';
import { type CallProjection } from '@server/common/calls/call-projection';
import { type WrapUpOutcome } from '@contracts/dto/call';
import { type CallCardCampaign } from '@contracts/dto/campaign';
import { type TimelineItem } from '@contracts/dto/timeline';
import { type UserDto } from '@contracts/dto/user';
import { handledByAnySql, reachedByAnySql } from '@server/modules/calls/call-access.read-model';
import { mayListenByRole } from '@server/modules/recordings/recordings.service';
import { TimelineReadModel } from '@server/modules/timeline/timeline.read-model';

/*
 * Read model: the screen-pop card and the lookups the call pipeline decides with. Reads contacts, contact_phones,
 * companies, users, deals, pipeline_stages, custom_fields, tasks, notes, leads, calls, recordings,
 * blocked_numbers, campaigns and campaign_attempts (an outbound campaign call's mark), and the client's newest
 * timeline items through the timeline read model (which also reads deal_stage_history, call_reviews and audit_log);
 * writes nothing. Every read goes through the change cache (but the campaign mark), so a card for a known caller
 * costs no query: the database's `zvonok_cards` notifications (migrations CardChangeFeed, CreateTimeline) evict
 * exactly what a write changed, on every node.
 */

const LAST_CALLS = 5;
const OPEN_ITEMS = 10;
const NOTES = 3;
/** Contacts listed on a card whose number several contacts share. */
const MATCHES = 20;
/** Timeline items on the card; the client's page has the rest. */
const HISTORY = 5;
/** The newest notes of entity $2 with id $1, newest first, as one text (null: none). */
const NEWEST_NOTES = `SELECT string_agg(n.body, E'\\n\\n' ORDER BY n.created_at DESC) FROM (
    SELECT body, created_at FROM notes WHERE entity_type = $2 AND entity_id = $1 ORDER BY created_at DESC LIMIT ${NOTES}
  ) n`;

type Stamp = Date | string;
const iso = (d: Stamp) => (d instanceof Date ? d : new Date(d)).toISOString();
const ref = (id: string | null, name: string | null): CallCardRef | null => (id ? { id, name: name ?? '' } : null);

/** Whose screen the card is for: operators see the past calls their call log shows, and hear what they handled. */
export type CardViewer = Pick<UserDto, 'id' | 'role'>;

/**
 * Whose number it is: a contact's (the first of `contactIds`, the up to 20 contacts with the number, of `total`), a
 * blocked number (no lead may be made for it), an open lead's (and which call created that lead), or nobody's yet.
 */
export type CallerMatch =
  | { contactId: string; contactIds: string[]; total: number }
  | { blocked: true }
  | { leadId: string; sourceCallId: string | null }
  | null;

interface ContactPart {
  contact: Extract<CallCard, { kind: 'contact' }>['contact'];
  openDeals: Extract<CallCard, { kind: 'contact' }>['openDeals'];
  openTasks: CallCardTask[];
  phones: string[];
}

interface LeadPart {
  lead: Omit<Extract<CallCard, { kind: 'lead' }>['lead'], 'createdByThisCall'>;
  phone: string | null;
  /** The contact the lead was converted into, if it was. */
  convertedTo: string | null;
}

/** What of a call its card shows. */
export type CardCall = Pick<
  CallProjection,
  'id' | 'direction' | 'queue' | 'startedAt' | 'fromRaw' | 'fromE164' | 'toRaw' | 'toE164'
>;

export class CallCardReadModel {
  private readonly timeline: TimelineReadModel;

  constructor(
    private readonly dataSource: DataSource,
    /** Public for its hit and miss counts (metrics, tests). */
    readonly cache: ChangeCache,
    /** The users' own lookup (UsersService or its repository): the active user an extension belongs to. */
    private readonly users: { findByExtension(extension: string): Promise<CardViewer | null> },
  ) {
    this.timeline = new TimelineReadModel(dataSource);
  }

  /**
   * Exact E.164 first; the RU last-ten-digits key catches numbers stored in odd national forms. Several contacts
   * with the number: the exact matches first, then the most recently updated (the card's pick until the operator's).
   */
  callerOf(e164: string | null, last10: string | null): Promise<CallerMatch> {
    return this.cache.get('phones', `${e164}|${last10}`, async () => {
      // One round trip for a new caller: the contacts with the number, whether it is blocked, and its open lead.
      const rows = (await this.dataSource.query(
        `WITH m AS (
           SELECT p.contact_id, bool_or(p.e164 IS NOT DISTINCT FROM $1) AS exact, max(c.updated_at) AS updated_at
           FROM contact_phones p JOIN contacts c ON c.id = p.contact_id
           WHERE p.e164 = $1 OR ($2::text IS NOT NULL AND p.last10 = $2)
           GROUP BY p.contact_id),
         picked AS (
           SELECT m.contact_id, count(*) OVER () AS total,
                  row_number() OVER (ORDER BY m.exact DESC, m.updated_at DESC, m.contact_id) AS n
           FROM m ORDER BY n LIMIT ${MATCHES})
         SELECT 1 AS rank, n, contact_id AS id, total, NULL::uuid AS source_call_id FROM picked
         UNION ALL
         SELECT 2, 1, NULL, NULL, NULL
         WHERE EXISTS (SELECT 1 FROM blocked_numbers WHERE e164 = $1 OR ($2::text IS NOT NULL AND last10 = $2))
         UNION ALL
         (SELECT 3, 1, id, NULL, source_call_id FROM leads
          WHERE $1::text IS NOT NULL AND phone_e164 = $1 AND status NOT IN ('converted', 'junk') LIMIT 1)
         ORDER BY rank, n`,
        [e164, last10],
      )) as { rank: number; id: string | null; total: string | null; source_call_id: string | null }[];
      const contacts = rows.filter((r) => r.rank === 1);
      if (contacts[0]) {
        return {
          contactId: contacts[0].id!,
          contactIds: contacts.map((c) => c.id!),
          total: Number(contacts[0].total),
        };
      }
      if (rows.some((r) => r.rank === 2)) return { blocked: true };
      const lead = rows.find((r) => r.rank === 3);
      return lead ? { leadId: lead.id!, sourceCallId: lead.source_call_id } : null;
    });
  }

  /**
   * The campaign an outbound call is dialling for: the attempt settled with this call, or the number's live attempt
   * (the card pops while the operator's phone rings, before the call is tied to the attempt). Not cached: only
   * outbound cards ask, and an attempt lives for one call.
   */
  private async campaignOf(callId: string, e164: string | null): Promise<CallCardCampaign | null> {
    const [row] = (await this.dataSource.query(
      `SELECT c.id, c.name, c.script, c.dispositions, a.id AS attempt_id
       FROM campaign_attempts a JOIN campaigns c ON c.id = a.campaign_id
       WHERE a.call_id = $1 OR (a.phone_e164 = $2 AND a.ended_at IS NULL)
       ORDER BY (a.call_id = $1) DESC NULLS LAST LIMIT 1`,
      [callId, e164],
    )) as { id: string; name: string; script: string; dispositions: string[]; attempt_id: string }[];
    return row
      ? { id: row.id, name: row.name, script: row.script, dispositions: row.dispositions, attemptId: row.attempt_id }
      : null;
  }

  /**
   * The number a campaign is dialling through this operator: the PBX rings the operator's phone first and names the
   * customer only once they answered, so the ring that pops the card has no number of its own. A preview offer only
   * reserved (not dialled) is not one. Not cached, like the campaign mark.
   */
  async campaignDialOf(userId: string): Promise<string | null> {
    const [row] = (await this.dataSource.query(
      `SELECT phone_e164 FROM campaign_attempts
       WHERE user_id = $1 AND ended_at IS NULL AND dialled_at IS NOT NULL LIMIT 1`,
      [userId],
    )) as { phone_e164: string }[];
    return row?.phone_e164 ?? null;
  }

  /** The active user an extension rings, with the role their card is built for. */
  async userByExtension(extension: string): Promise<CardViewer | null> {
    return this.cache.get('users', extension, async () => {
      const user = await this.users.findByExtension(extension);
      return user ? { id: user.id, role: user.role } : null;
    });
  }

  /** Null for calls that get no card (internal calls, outbound calls to unknown numbers). */
  async card(call: CardCall, link: CallerLink, viewer: CardViewer): Promise<CallCard | null> {
    const campaign = call.direction === 'outbound' ? await this.campaignOf(call.id, call.toE164) : null;
    const base = {
      callId: call.id,
      direction: call.direction,
      queue: call.queue,
      occurredAt: call.startedAt,
      ...(campaign ? { campaign } : {}),
    };
    const number = {
      raw: call.direction === 'inbound' ? call.fromRaw : call.toRaw,
      e164: call.direction === 'inbound' ? call.fromE164 : call.toE164,
    };
    const lastCalls = (recent: CallCardPastCall[]) => recent.filter((c) => c.id !== call.id).slice(0, LAST_CALLS);
    // Per viewer: an operator's card lists the calls their own call log shows (see recentCalls), and the timeline
    // items they may see.
    const viewerKey = viewer.role === 'operator' ? viewer.id : viewer.role;
    const recent = async (scope: string, column: 'contact_id' | 'lead_id', id: string, e164s: string[]) => {
      // A caller with no other call (every new caller) lists none to anyone: one read for all the phones that ring,
      // not one per operator.
      const anyone = await this.cache.get(scope, 'recent:*', () => this.recentCalls(column, id, e164s, null));
      if (!anyone.some((c) => c.id !== call.id)) return [];
      return this.cache.get(scope, `recent:${viewerKey}`, () => this.recentCalls(column, id, e164s, viewer));
    };
    const history = async (entityType: 'contact' | 'lead', id: string) =>
      (await this.cache.get(`${entityType}:${id}`, `history:${viewerKey}`, () => this.history(entityType, id, viewer)))
        .filter((item) => !(item.kind === 'call' && item.call.id === call.id))
        .slice(0, HISTORY);
    switch (link.kind) {
      case 'none':
      case 'blocked':
        return null;
      case 'withheld':
        return callCardSchema.parse({ ...base, kind: 'withheld', raw: call.fromRaw });
      case 'contact': {
        const shared = await this.sharedNumber(call.id, number.e164, link.contactId);
        const contactId = shared?.chosenId ?? link.contactId;
        const part = await this.contactPart(contactId);
        if (!part) return null;
        const { phones, ...rest } = part;
        const [calls, items] = await Promise.all([
          recent(`contact:${contactId}`, 'contact_id', contactId, phones),
          history('contact', contactId),
        ]);
        return callCardSchema.parse({
          ...base,
          kind: 'contact',
          number,
          ...rest,
          lastCalls: lastCalls(calls),
          history: items,
          matches: shared?.matches ?? null,
        });
      }
      case 'lead': {
        const part = await this.leadPart(link.leadId);
        if (!part) return null;
        // Converted (during this call, maybe): the caller is that contact now, on every card shown from here on.
        if (part.convertedTo) return this.card(call, { kind: 'contact', contactId: part.convertedTo }, viewer);
        const [calls, items] = await Promise.all([
          recent(`lead:${link.leadId}`, 'lead_id', link.leadId, part.phone ? [part.phone] : []),
          // A lead this very call created has no notes, tasks or deals yet, and its one call is this one: every
          // new caller would otherwise cost the timeline's queries on the pop's path.
          link.createdByThisCall ? [] : history('lead', link.leadId),
        ]);
        return callCardSchema.parse({
          ...base,
          kind: 'lead',
          number,
          lead: { ...part.lead, createdByThisCall: link.createdByThisCall },
          lastCalls: lastCalls(calls),
          history: items,
        });
      }
    }
  }

  /**
   * Null unless several contacts have the number. Then the contacts to pick from (uncached: their last calls change
   * with every call, and only a shared number pays these two reads) and the contact an operator chose for this call,
   * which wins over the link the pipeline decided at the first ring (it keeps that one in memory).
   */
  private async sharedNumber(
    callId: string,
    e164: string | null,
    linked: string,
  ): Promise<{ matches: CallCardMatches; chosenId: string | null } | null> {
    if (!e164) return null;
    // The keys the pipeline matched the caller by (phoneKeys of an E.164 number), so this is the cached lookup.
    const match = await this.callerOf(e164, e164.startsWith('+7') ? lastTenDigits(e164) : null);
    if (!match || !('contactId' in match) || match.total < 2 || !match.contactIds.includes(linked)) return null;
    const [rows, [chosen]] = await Promise.all([
      this.dataSource.query(
        `SELECT c.id, c.name, co.id AS company_id, co.name AS company_name,
           (SELECT max(k.started_at) FROM calls k WHERE k.contact_id = c.id AND k.id <> $2) AS last_call_at
         FROM contacts c LEFT JOIN companies co ON co.id = c.company_id WHERE c.id = ANY($1::uuid[])`,
        [match.contactIds, callId],
      ) as Promise<
        { id: string; name: string; company_id: string | null; company_name: string | null; last_call_at: Stamp }[]
      >,
      this.dataSource.query(
        `SELECT contact_id FROM calls WHERE id = $1 AND contact_chosen_at IS NOT NULL AND contact_id IS NOT NULL`,
        [callId],
      ) as Promise<{ contact_id: string }[]>,
    ]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const contacts = match.contactIds.flatMap((id) => {
      const r = byId.get(id);
      if (!r) return [];
      return [
        {
          id: r.id,
          name: r.name,
          company: ref(r.company_id, r.company_name),
          lastCallAt: r.last_call_at ? iso(r.last_call_at) : null,
        },
      ];
    });
    const chosenId = chosen?.contact_id ?? null;
    return { matches: { total: match.total, contacts, chosen: chosenId !== null }, chosenId };
  }

  private contactPart(contactId: string): Promise<ContactPart | null> {
    return this.cache.get(`contact:${contactId}`, '', async () => {
      const q = <T>(sql: string, params: unknown[]) => this.dataSource.query(sql, params) as Promise<T[]>;
      const [contacts, notes, deals, tasks, phones, cardFields] = await Promise.all([
        q<{
          id: string;
          name: string;
          do_not_call: boolean;
          tags: string[];
          company_id: string | null;
          company_name: string | null;
          owner_id: string | null;
          owner_name: string | null;
          custom: Record<string, unknown>;
        }>(
          `SELECT c.id, c.name, c.do_not_call, c.tags, c.custom, co.id AS company_id, co.name AS company_name,
                  u.id AS owner_id, u.name AS owner_name
           FROM contacts c LEFT JOIN companies co ON co.id = c.company_id LEFT JOIN users u ON u.id = c.owner_id
           WHERE c.id = $1`,
          [contactId],
        ),
        this.notes('contact', contactId),
        q<{
          id: string;
          title: string;
          stage: string;
          amount: string | null;
          currency: string;
          ru: string;
          en: string;
        }>(
          `SELECT d.id, d.title, d.stage, d.amount::text AS amount, d.currency, s.name_ru AS ru, s.name_en AS en
           FROM deals d JOIN pipeline_stages s ON s.pipeline_id = d.pipeline_id AND s.key = d.stage
           WHERE d.contact_id = $1 AND s.kind = 'open' AND d.closed_at IS NULL
           ORDER BY d.updated_at DESC LIMIT ${OPEN_ITEMS}`,
          [contactId],
        ),
        this.openTasks(
          `(t.entity_type = 'contact' AND t.entity_id = $1)
           OR (t.entity_type = 'deal' AND t.entity_id IN (SELECT id FROM deals WHERE contact_id = $1))`,
          contactId,
        ),
        q<{ e164: string }>('SELECT e164 FROM contact_phones WHERE contact_id = $1 AND e164 IS NOT NULL', [contactId]),
        // Definitions change rarely and say so on the card channel ('all'), so the cached card follows them.
        q<Omit<CallCardCustomField, 'value'>>(
          `SELECT key, label_ru AS "labelRu", label_en AS "labelEn", type, options FROM custom_fields
           WHERE entity = 'contact' AND on_card AND removed_at IS NULL ORDER BY position, created_at`,
          [],
        ),
      ]);
      const c = contacts[0];
      if (!c) return null; // deleted since the caller was matched: no card rather than a wrong one
      return {
        contact: {
          id: c.id,
          name: c.name,
          company: ref(c.company_id, c.company_name),
          owner: ref(c.owner_id, c.owner_name),
          doNotCall: c.do_not_call,
          tags: c.tags,
          notes,
          custom: cardFields.flatMap((f) => (c.custom[f.key] === undefined ? [] : [{ ...f, value: c.custom[f.key] }])),
        },
        openDeals: deals.map(({ ru, en, ...d }) => ({ ...d, currency: d.currency.trim(), stageName: { ru, en } })),
        openTasks: tasks,
        phones: phones.map((p) => p.e164),
      };
    });
  }

  private leadPart(leadId: string): Promise<LeadPart | null> {
    return this.cache.get(`lead:${leadId}`, '', async () => {
      // One round trip, notes included: every new caller's card asks for its lead.
      const leads = (await this.dataSource.query(
        `SELECT l.id, l.name, l.status, l.created_at, l.phone_e164, l.contact_id, u.id AS owner_id,
                u.name AS owner_name, (${NEWEST_NOTES}) AS notes
         FROM leads l LEFT JOIN users u ON u.id = l.owner_id WHERE l.id = $1`,
        [leadId, 'lead'],
      )) as {
        id: string;
        name: string | null;
        status: string;
        created_at: Stamp;
        phone_e164: string | null;
        contact_id: string | null;
        owner_id: string | null;
        owner_name: string | null;
        notes: string | null;
      }[];
      const l = leads[0];
      if (!l) return null;
      return {
        lead: {
          id: l.id,
          name: l.name,
          status: l.status,
          createdAt: iso(l.created_at),
          owner: ref(l.owner_id, l.owner_name),
          notes: l.notes,
        },
        phone: l.phone_e164,
        convertedTo: l.status === 'converted' ? l.contact_id : null,
      };
    });
  }

  /**
   * The newest timeline items, one more than shown (the call being carried may be among them). The card is the
   * ringing user's: the record is shown whoever owns it (the call reached them), each item by the timeline's rules.
   */
  private async history(entityType: 'contact' | 'lead', id: string, viewer: CardViewer): Promise<TimelineItem[]> {
    const subject = await this.timeline.subject(entityType, id, viewer, { trusted: true });
    if (!subject) return [];
    const { entries } = await this.timeline.slice(subject, viewer, { limit: HISTORY + 1 });
    return entries.map((e) => e.item);
  }

  /** The newest few notes, newest first, as one text (the card shows a preview, the CRM page the rest). */
  private async notes(entityType: 'contact' | 'lead', entityId: string): Promise<string | null> {
    const [row] = (await this.dataSource.query(`SELECT (${NEWEST_NOTES}) AS notes`, [entityId, entityType])) as {
      notes: string | null;
    }[];
    return row?.notes ?? null;
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
   * Calls linked to the record or from/to any of its numbers (calls before the link existed count too; for a
   * contact not those of a number it shares that are another contact's), one more than
   * shown (the call being carried may be among them). For an operator, only the calls their call log shows
   * (`reachedByAnySql`), with a recording link only where they may listen — the same rules as `GET /api/calls`, so the
   * card never lists a call the log leaves out.
   */
  private async recentCalls(
    column: 'contact_id' | 'lead_id',
    id: string,
    e164s: string[],
    /** Null: every call, for whether there are any (its recording links are nobody's to show). */
    viewer: CardViewer | null,
  ): Promise<CallCardPastCall[]> {
    const operator = viewer?.role === 'operator';
    const rows = (await this.dataSource.query(
      `SELECT k.id, k.started_at, k.direction, (k.answered_at IS NOT NULL) AS answered,
              COALESCE(k.talk_seconds, 0) AS talk_seconds, u.id AS agent_id, u.name AS agent_name,
              ${handledByAnySql('k', 'ARRAY[$3::uuid]')} AS handled, k.wrap_up_outcome, k.wrap_up_note,
              (SELECT r.id FROM recordings r WHERE r.call_id = k.id ORDER BY r.created_at DESC LIMIT 1) AS recording_id
       FROM calls k LEFT JOIN users u ON u.id = k.operator_id
       WHERE (k.${column} = $1 OR ((k.from_e164 = ANY($2::text[]) OR k.to_e164 = ANY($2::text[]))
         ${column === 'contact_id' ? 'AND (k.contact_id IS NULL OR k.contact_id = $1)' : ''}))
         ${operator ? `AND ${reachedByAnySql('k', 'ARRAY[$3::uuid]')}` : ''}
       ORDER BY k.started_at DESC LIMIT ${LAST_CALLS + 1}`,
      [id, e164s, viewer?.id ?? null],
    )) as {
      id: string;
      started_at: Stamp;
      direction: 'inbound' | 'outbound' | 'internal';
      answered: boolean;
      talk_seconds: number;
      agent_id: string | null;
      agent_name: string | null;
      handled: boolean;
      wrap_up_outcome: WrapUpOutcome | null;
      wrap_up_note: string | null;
      recording_id: string | null;
    }[];
    const mayListen = (handled: boolean) => !viewer || mayListenByRole(viewer.role) || (operator && handled);
    return rows.map((k) => ({
      id: k.id,
      startedAt: iso(k.started_at),
      direction: k.direction,
      answered: k.answered,
      talkSeconds: k.talk_seconds,
      agent: ref(k.agent_id, k.agent_name),
      recordingUrl: k.recording_id && mayListen(k.handled) ? `/api/recordings/${k.recording_id}` : null,
      wrapUp: k.wrap_up_outcome ? { outcome: k.wrap_up_outcome, note: k.wrap_up_note } : null,
    }));
  }
}
