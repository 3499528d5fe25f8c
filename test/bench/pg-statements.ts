import pg from 'pg';

/**
 * ZVONOK_BENCH_PG_STATEMENTS=1: the bench's PostgreSQL loads pg_stat_statements, and the run ends with the statements
 * that took the most of its time (all benches of the run together), to find what a consumer asks too often or too
 * slowly. Off by default: the extension costs a little on every statement.
 */
export const PG_STATEMENTS = process.env.ZVONOK_BENCH_PG_STATEMENTS === '1';

/** The server settings that load the extension (none when off). */
export function statementSettings(): Record<string, string> {
  return PG_STATEMENTS ? { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' } : {};
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function enableStatements(url: string): Promise<void> {
  if (PG_STATEMENTS) await withClient(url, (c) => c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements'));
}

/** Prints the `limit` statements with the most total execution time: ms, calls, ms per call, the statement. */
export async function printTopStatements(url: string, limit = 30): Promise<void> {
  if (!PG_STATEMENTS) return;
  const { rows } = await withClient(url, (c) =>
    c.query<{ ms: string; calls: string; per: string; query: string }>(
      `SELECT round(total_exec_time::numeric) AS ms, calls, round((total_exec_time / calls)::numeric, 3) AS per,
              left(regexp_replace(query, '\\s+', ' ', 'g'), 120) AS query
       FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT $1`,
      [limit],
    ),
  );
  console.log('\nPostgreSQL statements by total time (ms, calls, ms per call):');
  for (const r of rows) console.log(`${r.ms.padStart(7)} ${r.calls.padStart(7)} ${r.per.padStart(9)}  ${r.query}`);
}
