import { type DataSource, type EntityManager } from 'typeorm';

import { type LeadDto } from '@contracts/dto/lead';
import { phoneKeys } from '@server/common/phone/phone-keys';
import { type LeadsService } from '@server/modules/leads/leads.service';

import { type CallProjection } from './call-projection';

/** Who is on the other end of a call, as far as the CRM can tell. */
export type CallerLink =
  | { kind: 'contact'; contactId: string }
  /** `createdNow` is set for exactly one resolve() of exactly one call: the one that created the lead. */
  | { kind: 'lead'; leadId: string; createdByThisCall: boolean; createdNow: LeadDto | null }
  /** Withheld caller id, or a number too broken to look up: nothing can be found or created. */
  | { kind: 'withheld' }
  /** An internal call, or an outbound call to a number that is no contact: no card, no lead. */
  | { kind: 'none' };

interface LinkRow {
  contact_id: string | null;
  lead_id: string | null;
  lead_created: boolean;
}

/**
 * Links a call to its contact, or for an unknown inbound number to its open lead (created here, once per number),
 * and remembers the link on the `calls` row so every later event of the call reuses it.
 *
 * Two guarantees: one lead per number comes from the partial unique index behind `ensureOpenLeadForCall`; one
 * decision per call comes from a per-call advisory lock, so the created/ringing reactions of the same call running
 * on two web nodes cannot both believe they created the lead. The lead is settled on the lock transaction's own
 * connection: asking the pool for a second one while holding the lock deadlocks once every connection waits
 * (200 simultaneous calls did; so would the embedded database's single connection).
 */
export class CallerLinkService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly leads: LeadsService,
    private readonly defaultCountry: string,
    /** Called once per created lead, after the link is committed (announces `lead:created`). */
    private readonly onLeadCreated?: (lead: LeadDto, callId: string) => void,
  ) {}

  async resolve(call: CallProjection): Promise<CallerLink> {
    if (call.direction === 'internal') return { kind: 'none' };
    if (call.anonymous && call.direction === 'inbound') return { kind: 'withheld' };
    const raw = call.direction === 'inbound' ? call.fromRaw : call.toRaw;
    const e164 = call.direction === 'inbound' ? call.fromE164 : call.toE164;
    const keys = phoneKeys(e164 ?? raw, this.defaultCountry);
    if (!keys.e164 && !keys.last10) return call.direction === 'inbound' ? { kind: 'withheld' } : { kind: 'none' };

    // Once linked, a call stays linked: most events of a call take this one read and no lock.
    const [known] = (await this.dataSource.query('SELECT contact_id, lead_id, lead_created FROM calls WHERE id = $1', [
      call.id,
    ])) as LinkRow[];
    if (known) {
      const linked = linkOf(known);
      if (linked) return linked;
    }
    const link = await this.dataSource.transaction(async (em): Promise<CallerLink> => {
      // Seed 1: the recorder locks the same call id with seed 0, and must not wait for a pop.
      await em.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 1))', [call.id]);
      const [row] = (await em.query('SELECT contact_id, lead_id, lead_created FROM calls WHERE id = $1', [
        call.id,
      ])) as LinkRow[];
      if (!row) throw new Error(`call ${call.id} has no record yet`);
      const linked = linkOf(row);
      if (linked) return linked;
      const contactId = await findContactId(em, keys.e164, keys.last10);
      if (contactId) {
        await em.query('UPDATE calls SET contact_id = $2 WHERE id = $1', [call.id, contactId]);
        return { kind: 'contact', contactId };
      }
      if (call.direction !== 'inbound') return { kind: 'none' };
      const ensured = await this.leads.ensureOpenLeadForCall(keys.e164 ?? raw, null, em);
      if (!ensured) return { kind: 'withheld' };
      await em.query('UPDATE calls SET lead_id = $2, lead_created = $3 WHERE id = $1', [
        call.id,
        ensured.lead.id,
        ensured.created,
      ]);
      return {
        kind: 'lead',
        leadId: ensured.lead.id,
        createdByThisCall: ensured.created,
        createdNow: ensured.created ? ensured.lead : null,
      };
    });
    if (link.kind === 'lead' && link.createdNow) this.onLeadCreated?.(link.createdNow, call.id);
    return link;
  }
}

function linkOf(row: LinkRow): CallerLink | null {
  if (row.contact_id) return { kind: 'contact', contactId: row.contact_id };
  if (row.lead_id) return { kind: 'lead', leadId: row.lead_id, createdByThisCall: row.lead_created, createdNow: null };
  return null;
}

/** Exact E.164 first; the RU last-ten-digits key catches numbers stored in odd national forms. */
async function findContactId(em: EntityManager, e164: string | null, last10: string | null): Promise<string | null> {
  const rows = (await em.query(
    `SELECT p.contact_id FROM contact_phones p JOIN contacts c ON c.id = p.contact_id
     WHERE p.e164 = $1 OR ($2::text IS NOT NULL AND p.last10 = $2)
     ORDER BY (p.e164 IS NOT DISTINCT FROM $1) DESC, c.updated_at DESC LIMIT 1`,
    [e164, last10],
  )) as { contact_id: string }[];
  return rows[0]?.contact_id ?? null;
}
