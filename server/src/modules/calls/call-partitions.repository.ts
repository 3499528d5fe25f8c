import { type DataSource, type EntityManager } from 'typeorm';

/** The tables partitioned by month on the call id (migration PartitionCallsByMonth): a call and its events. */
const TABLES = ['calls', 'call_events'] as const;

/** A month's id range: [fromId, toId) in the UUIDv7 layout of call ids. */
export interface MonthRange {
  fromId: string;
  toId: string;
}

/**
 * Partitions of `calls` and `call_events` (the calls module owns both). A month is `YYYY-MM-01` (UTC); its
 * partitions are `<table>_pYYYYMM` and, when legacy ids had to be stepped around, `<table>_pYYYYMM_<n>`.
 */
export class CallPartitionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Makes the month's partitions of both tables in one transaction; how many were made (0: already there). */
  async createMonth(month: string): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      let made = 0;
      for (const table of TABLES) {
        const [row] = (await m.query(`SELECT zv_partition_month($1::text::regclass, $1::text, $2::date) AS made`, [
          table,
          month,
        ])) as {
          made: number;
        }[];
        made += Number(row?.made ?? 0);
      }
      return made;
    });
  }

  /** The months that have partitions, oldest first. */
  async months(): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT to_date(substring(c.relname FROM '_p(\\d{6})'), 'YYYYMM')::text AS month
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = ANY($1::regclass[]) AND c.relname ~ '_p\\d{6}(_\\d+)?$'
        ORDER BY 1`,
      [TABLES],
    )) as { month: string }[];
    return rows.map((r) => r.month);
  }

  async range(month: string): Promise<MonthRange> {
    const [row] = (await this.dataSource.query(
      `SELECT zv_month_id($1::date)::text AS "fromId", zv_month_id(($1::date + interval '1 month')::date)::text AS "toId"`,
      [month],
    )) as MonthRange[];
    if (!row) throw new Error(`no id range for ${month}`);
    return row;
  }

  /**
   * Drops the month's partitions of both tables in one transaction. Dropping a partition fires no
   * `ON DELETE CASCADE`, and PostgreSQL refuses to detach one that rows elsewhere still reference, so the rows of
   * every table with a foreign key to `calls` (found in the catalog, so a new one is not missed) go first, in the
   * same transaction. The rollups of the month's bins are recomputed from the calls left, as the delete trigger
   * on `calls` does for deleted calls. Returns the calls dropped.
   */
  async dropMonth(month: string): Promise<number> {
    const { fromId, toId } = await this.range(month);
    return this.dataSource.transaction(async (m) => {
      const [counted] = (await m.query(
        `SELECT count(*)::int AS n,
                array(SELECT DISTINCT date_bin('15 minutes', started_at, TIMESTAMPTZ '2000-01-01 00:00:00+00')
                        FROM calls WHERE id >= $1 AND id < $2 AND disposition IS NOT NULL) AS bins
           FROM calls WHERE id >= $1 AND id < $2`,
        [fromId, toId],
      )) as { n: number; bins: Date[] }[];
      for (const fk of await referencing(m)) {
        await m.query(`DELETE FROM ${fk.table} WHERE ${fk.column} >= $1 AND ${fk.column} < $2`, [fromId, toId]);
      }
      for (const table of TABLES) {
        for (const piece of await pieces(m, table, month)) {
          await m.query(`ALTER TABLE ${table} DETACH PARTITION ${piece}`);
          await m.query(`DROP TABLE ${piece}`);
        }
      }
      if (counted?.bins.length) {
        await m.query(
          `SELECT zv_analytics_refresh_bins($1::timestamptz[]), zv_analytics_refresh_operator_bins($1::timestamptz[])`,
          [counted.bins],
        );
      }
      return counted?.n ?? 0;
    });
  }

  /** Up to `limit` calls of the DEFAULT partition (legacy ids) started before `cutoff`. */
  async defaultCallsBefore(cutoff: Date, limit: number): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT id FROM calls_default WHERE started_at < $1 ORDER BY started_at LIMIT $2`,
      [cutoff, limit],
    )) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /**
   * Deletes calls row by row, through `calls` so the foreign keys cascade and the rollups' delete trigger runs,
   * with their events (no foreign key there).
   */
  async deleteCalls(ids: string[]): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.query(`DELETE FROM calls WHERE id = ANY($1)`, [ids]);
      await m.query(`DELETE FROM call_events WHERE call_id = ANY($1)`, [ids]);
    });
  }

  /** Events in the DEFAULT partition from before `cutoff` whose call is gone (none is expected; kept tidy). */
  async deleteOrphanDefaultEvents(cutoff: Date): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM call_events_default e
        WHERE occurred_at < $1 AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.id = e.call_id)`,
      [cutoff],
    );
  }
}

async function referencing(m: EntityManager): Promise<{ table: string; column: string }[]> {
  return (await m.query(
    `SELECT c.conrelid::regclass::text AS "table", quote_ident(a.attname) AS "column"
       FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
      WHERE c.contype = 'f' AND c.confrelid = 'calls'::regclass AND c.conparentid = 0 AND cardinality(c.conkey) = 1
      ORDER BY 1`,
  )) as { table: string; column: string }[];
}

async function pieces(m: EntityManager, table: string, month: string): Promise<string[]> {
  const rows = (await m.query(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = $1::regclass AND c.relname ~ ('^' || $1 || '_p' || to_char($2::date, 'YYYYMM') || '(_\\d+)?$')`,
    [table, month],
  )) as { name: string }[];
  return rows.map((r) => r.name);
}
