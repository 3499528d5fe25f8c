import { type DataSource } from 'typeorm';

import {
  SEARCH_COUNT_CAP,
  type SearchCompanyHit,
  type SearchContactHit,
  type SearchDealHit,
  type SearchGroup,
  type SearchLeadHit,
} from '@contracts/dto/search';
import {
  companyVisible,
  contactVisible,
  dealVisible,
  leadVisible,
  scopeParams,
  seesAll,
  type Viewer,
} from '@server/common/access/visibility';
import { type Match, type SearchTerms } from '@server/common/search/search-terms';
import { companyMatch } from '@server/modules/companies/companies.service';
import { contactMatch } from '@server/modules/contacts/contacts.service';
import { dealMatch } from '@server/modules/deals/deals.service';
import { leadMatch } from '@server/modules/leads/leads.service';

/*
 * Read model: the global search's groups. Reads contacts, contact_phones, companies, leads and deals (their
 * normalized search columns, migration CreateSearchColumns), and calls and call_legs through the visibility rules;
 * writes nothing. Which rows match is each owning module's rule (`contactMatch`, `companyMatch`…); this only
 * bounds, orders and counts them.
 *
 * Each group first takes at most SEARCH_COUNT_CAP + 1 matching ids the viewer may see (`m`), so a query as broad as
 * `916` costs the same however many contacts hold it; the page of hits is then ordered by name within those.
 */

type Params = Record<string, unknown>;

const EMPTY = { items: [], total: 0, capped: false };

export class SearchReadModel {
  constructor(private readonly dataSource: DataSource) {}

  async contacts(viewer: Viewer, terms: SearchTerms, limit: number): Promise<SearchGroup<SearchContactHit>> {
    const match = contactMatch(terms);
    if (!match) return EMPTY;
    // A whole number's owners come first even when the capped sample would leave them out.
    const exactKeys = [
      terms.e164 ? 'ep.e164 = :exactE164' : null,
      terms.last10 ? 'ep.last10 = :exactLast10' : null,
    ].filter(Boolean);
    const exact = exactKeys.length
      ? `SELECT c.id FROM contacts c WHERE c.id IN (SELECT ep.contact_id FROM contact_phones ep
           WHERE ${exactKeys.join(' OR ')}) ${this.visible(viewer, contactVisible('c'))}`
      : 'SELECT NULL::uuid AS id WHERE false';
    const rows = await this.query<{
      id: string;
      name: string;
      email: string | null;
      company_name: string | null;
      phones: string[];
      exact: boolean;
      total: number;
    }>(
      `WITH m AS MATERIALIZED (
         SELECT c.id FROM contacts c WHERE ${match.sql} ${this.visible(viewer, contactVisible('c'))}
         LIMIT ${SEARCH_COUNT_CAP + 1}),
       x AS MATERIALIZED (${exact}),
       u AS MATERIALIZED (SELECT id FROM m UNION SELECT id FROM x)
       SELECT c.id, c.name, c.email, co.name AS company_name,
         ARRAY(SELECT coalesce(p.e164, p.raw) FROM contact_phones p WHERE p.contact_id = c.id
               ORDER BY p.position, p.id) AS phones,
         (c.id IN (SELECT id FROM x)) AS exact,
         (SELECT count(*)::int FROM u) AS total
       FROM contacts c LEFT JOIN companies co ON co.id = c.company_id
       WHERE c.id IN (SELECT id FROM u)
       ORDER BY exact DESC, c.name, c.id LIMIT ${limit}`,
      { ...match.params, exactE164: terms.e164, exactLast10: terms.last10, ...scopeParams(viewer) },
    );
    return group(rows, (r) => ({
      id: r.id,
      name: r.name,
      email: r.email,
      companyName: r.company_name,
      phones: r.phones,
      exact: r.exact,
    }));
  }

  async companies(viewer: Viewer, terms: SearchTerms, limit: number): Promise<SearchGroup<SearchCompanyHit>> {
    const rows = await this.capped<{ id: string; name: string; inn: string | null; phone_e164: string | null }>(
      { table: 'companies', alias: 'co', match: companyMatch(terms), visible: companyVisible },
      viewer,
      'co.id, co.name, co.inn, co.phone_e164',
      'co.name, co.id',
      limit,
    );
    return group(rows, (r) => ({ id: r.id, name: r.name, inn: r.inn, phoneE164: r.phone_e164 }));
  }

  async leads(viewer: Viewer, terms: SearchTerms, limit: number): Promise<SearchGroup<SearchLeadHit>> {
    const rows = await this.capped<{
      id: string;
      name: string | null;
      phone_e164: string | null;
      status: SearchLeadHit['status'];
    }>(
      { table: 'leads', alias: 'l', match: leadMatch(terms), visible: leadVisible },
      viewer,
      'l.id, l.name, l.phone_e164, l.status',
      // The number's own lead first, then open leads before closed ones, newest first.
      `(l.phone_e164 IS NOT DISTINCT FROM :leadExact) DESC, (l.status IN ('converted', 'junk')), l.created_at DESC, l.id`,
      limit,
      { leadExact: terms.e164 ?? '' },
    );
    return group(rows, (r) => ({ id: r.id, name: r.name, phoneE164: r.phone_e164, status: r.status }));
  }

  async deals(viewer: Viewer, terms: SearchTerms, limit: number): Promise<SearchGroup<SearchDealHit>> {
    const rows = await this.capped<{
      id: string;
      title: string;
      pipeline_id: string;
      stage: string;
      amount: string;
      currency: string;
      contact_name: string | null;
    }>(
      { table: 'deals', alias: 'd', match: dealMatch(terms), visible: dealVisible },
      viewer,
      `d.id, d.title, d.pipeline_id, d.stage, d.amount::text AS amount, d.currency,
       (SELECT dc.name FROM contacts dc WHERE dc.id = d.contact_id) AS contact_name`,
      // Open deals first (a closed one sits on a won or lost stage), then by title.
      `(d.closed_at IS NOT NULL), d.title, d.id`,
      limit,
    );
    return group(rows, (r) => ({
      id: r.id,
      title: r.title,
      pipelineId: r.pipeline_id,
      stage: r.stage,
      amount: r.amount,
      currency: r.currency.trim(),
      contactName: r.contact_name,
    }));
  }

  /** One group: up to the cap of matching visible ids, then the page of them in `order`, with the count. */
  private capped<R>(
    source: { table: string; alias: string; match: Match | null; visible: (alias: string) => string },
    viewer: Viewer,
    columns: string,
    order: string,
    limit: number,
    extra: Params = {},
  ): Promise<(R & { total: number })[]> {
    const { table, alias: a, match } = source;
    if (!match) return Promise.resolve([]);
    return this.query<R & { total: number }>(
      `WITH m AS MATERIALIZED (
         SELECT ${a}.id FROM ${table} ${a} WHERE ${match.sql} ${this.visible(viewer, source.visible(a))}
         LIMIT ${SEARCH_COUNT_CAP + 1})
       SELECT ${columns}, (SELECT count(*)::int FROM m) AS total
       FROM ${table} ${a} WHERE ${a}.id IN (SELECT id FROM m)
       ORDER BY ${order} LIMIT ${limit}`,
      { ...match.params, ...extra, ...scopeParams(viewer) },
    );
  }

  private visible(viewer: Viewer, rule: string): string {
    return seesAll(viewer) ? '' : `AND ${rule}`;
  }

  /** Named `:params` (as the visibility rules and the match fragments write them) to the driver's `$n`. */
  private query<R>(sql: string, params: Params): Promise<R[]> {
    const [text, values] = this.dataSource.driver.escapeQueryWithParameters(sql, params);
    return this.dataSource.query(text, values) as Promise<R[]>;
  }
}

function group<R extends { total: number }, T>(rows: R[], map: (row: R) => T): SearchGroup<T> {
  const total = rows[0]?.total ?? 0;
  return { items: rows.map(map), total: Math.min(total, SEARCH_COUNT_CAP), capped: total > SEARCH_COUNT_CAP };
}
