import { type DataSource } from 'typeorm';

import { type BuildListRequest } from '@contracts/dto/campaign';

/*
 * Read model: where call lists come from and who may take campaign calls. Reads users, contacts, contact_phones,
 * leads, deals and blocked_numbers; writes nothing (campaign_records are written by the campaigns repository).
 */

export interface SourceRow {
  phone_e164: string;
  name: string | null;
  entity_type: 'contact' | 'lead' | 'deal';
  entity_id: string;
  /** Do-not-call or blocked as the list is built: added as excluded (the dialer checks again anyway). */
  refused: boolean;
}

export interface CampaignOperator {
  id: string;
  name: string;
  extension: string;
}

const BLOCKED = `EXISTS (SELECT 1 FROM blocked_numbers b WHERE b.e164 = p.e164)`;
/** At most this many records per build; a bigger list is built in several filtered steps. */
export const BUILD_MAX_ROWS = 100_000;

export class CampaignSourcesReadModel {
  constructor(private readonly dataSource: DataSource) {}

  /** The active users with an extension among `ids`. */
  async operators(ids: readonly string[]): Promise<CampaignOperator[]> {
    if (ids.length === 0) return [];
    return this.dataSource.query(
      `SELECT id, name, extension FROM users WHERE id = ANY($1) AND active AND extension IS NOT NULL`,
      [ids],
    );
  }

  /** Every number of the records the filter selects, one row per number, in the records' creation order. */
  async select(filter: BuildListRequest): Promise<SourceRow[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    switch (filter.source) {
      case 'contacts': {
        if (filter.ownerId) add('c.owner_id = ?', filter.ownerId);
        if (filter.tag) add('? = ANY(c.tags)', filter.tag);
        return this.dataSource.query(
          `SELECT DISTINCT ON (p.e164) p.e164 AS phone_e164, c.name, 'contact' AS entity_type, c.id AS entity_id,
                  (c.do_not_call OR ${BLOCKED}) AS refused
           FROM contacts c JOIN contact_phones p ON p.contact_id = c.id
           WHERE p.e164 IS NOT NULL ${where.map((w) => `AND ${w}`).join(' ')}
           ORDER BY p.e164, c.created_at LIMIT ${BUILD_MAX_ROWS}`,
          params,
        );
      }
      case 'leads': {
        if (filter.ownerId) add('l.owner_id = ?', filter.ownerId);
        if (filter.status) add('l.status = ?', filter.status);
        else where.push(`l.status NOT IN ('converted', 'junk')`);
        return this.dataSource.query(
          `SELECT DISTINCT ON (l.phone_e164) l.phone_e164, l.name, 'lead' AS entity_type, l.id AS entity_id,
                  EXISTS (SELECT 1 FROM blocked_numbers b WHERE b.e164 = l.phone_e164) AS refused
           FROM leads l WHERE l.phone_e164 IS NOT NULL ${where.map((w) => `AND ${w}`).join(' ')}
           ORDER BY l.phone_e164, l.created_at LIMIT ${BUILD_MAX_ROWS}`,
          params,
        );
      }
      case 'deals': {
        if (filter.ownerId) add('d.owner_id = ?', filter.ownerId);
        if (filter.pipelineId) add('d.pipeline_id = ?', filter.pipelineId);
        if (filter.stage) add('d.stage = ?', filter.stage);
        return this.dataSource.query(
          `SELECT DISTINCT ON (p.e164) p.e164 AS phone_e164, c.name, 'deal' AS entity_type, d.id AS entity_id,
                  (c.do_not_call OR ${BLOCKED}) AS refused
           FROM deals d JOIN contacts c ON c.id = d.contact_id JOIN contact_phones p ON p.contact_id = c.id
           WHERE p.e164 IS NOT NULL ${where.map((w) => `AND ${w}`).join(' ')}
           ORDER BY p.e164, d.created_at LIMIT ${BUILD_MAX_ROWS}`,
          params,
        );
      }
    }
  }
}
