import { type DataSource } from 'typeorm';

import { createDatabase } from '@server/db/data-source';
import { AuditViewerService } from '@server/modules/audit/audit-viewer.service';
import { type Figure } from '@test/bench/figure';

/**
 * The audit log viewer at 1M rows (`$ZVONOK_BENCH_AUDIT_ROWS`): pages and filters timed through AuditViewerService
 * (the code `GET /api/audit` runs), each the median of RUNS after a warm-up, beside a forced sequential count of the
 * same table in the same run (the cheapest pass over every row). A page deep in the log continues after a position
 * (keyset), so it should cost what the first page does; the OFFSET it replaces is timed as a figure too.
 */
const RUNS = 7;
const ACTIONS = ['auth.login', 'recording.listen', 'user.update', 'call.originate', 'contact.delete'];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function time(fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return median(out);
}

async function seed(ds: DataSource, rows: number): Promise<string[]> {
  const actors: { id: string }[] = await ds.query(
    `INSERT INTO users (login, password_hash, name, role)
     SELECT 'bench-audit-' || g, 'x', 'Bench ' || g, 'operator' FROM generate_series(1, 100) g
     ON CONFLICT (login) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
  );
  // A year of rows, a row every ~30 s; `bench.` actions so a shared database can drop them again.
  await ds.query(
    `INSERT INTO audit_log (actor_id, action, entity, entity_id, details, at)
     SELECT ($3::uuid[])[1 + g % 100], 'bench.' || ($4::text[])[1 + g % 5], 'recording', md5(g::text),
            jsonb_build_object('callId', md5((g * 7)::text)), $2::timestamptz - (g * interval '31.5 seconds')
     FROM generate_series(1, $1) g`,
    [rows, new Date(), actors.map((a) => a.id), ACTIONS],
  );
  await ds.query(`ANALYZE audit_log`);
  return actors.map((a) => a.id);
}

export async function runAuditBench(databaseUrl: string): Promise<Figure[]> {
  const rows = Number(process.env.ZVONOK_BENCH_AUDIT_ROWS ?? 1_000_000);
  const db = await createDatabase({ databaseUrl, dataDir: 'unused' });
  await db.dataSource.initialize();
  const ds = db.dataSource;
  try {
    const actors = await seed(ds, rows);
    const viewer = new AuditViewerService(ds);
    const baseline = await time(() =>
      ds.query(`SET enable_indexscan = off; SET enable_bitmapscan = off;
      SELECT count(*) FROM audit_log; RESET enable_indexscan; RESET enable_bitmapscan;`),
    );
    // The position half-way down the log, as a client holding page 10,000's cursor would send it.
    let deep = await viewer.list({ limit: 50 });
    for (let i = 0; i < 3; i++) deep = await viewer.list({ limit: 50, cursor: deep.nextCursor! });
    const [middle]: { at_us: string; id: string }[] = await ds.query(
      `SELECT (extract(epoch FROM at) * 1000000)::bigint::text AS at_us, id::text FROM audit_log
       ORDER BY at DESC, id DESC OFFSET $1 LIMIT 1`,
      [Math.floor(rows / 2)],
    );
    const deepCursor = Buffer.from(`${middle!.at_us}:${middle!.id}`).toString('base64url');
    const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    const monthAgoEnd = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
    const cases: [string, () => Promise<unknown>][] = [
      ['first page (50 newest)', () => viewer.list({ limit: 50 })],
      [
        `a page half-way down (after ${Math.floor(rows / 2).toLocaleString('en-US')} rows, keyset)`,
        () => viewer.list({ limit: 50, cursor: deepCursor }),
      ],
      [
        'same page with OFFSET (what keyset replaces)',
        () => ds.query(`SELECT * FROM audit_log ORDER BY at DESC, id DESC OFFSET $1 LIMIT 50`, [Math.floor(rows / 2)]),
      ],
      ['filter by actor (one of 100)', () => viewer.list({ limit: 50, actorId: actors[42] })],
      ['filter by action (one of 5)', () => viewer.list({ limit: 50, action: 'bench.recording.listen' })],
      ['filter by record (entity + id)', () => viewer.list({ limit: 50, entity: 'recording', entityId: 'abc' })],
      ['one day a month ago', () => viewer.list({ limit: 50, from: monthAgo, to: monthAgoEnd })],
      [
        'CSV export of one day (~2,700 rows)',
        async () => {
          let bytes = 0;
          await viewer.exportCsv(
            { from: monthAgo, to: monthAgo },
            {
              write: (chunk) => ((bytes += chunk.length), true),
              drained: async () => undefined,
            },
          );
          return bytes;
        },
      ],
    ];
    const figures: Figure[] = [];
    for (const [figure, fn] of cases) {
      const value = await time(fn);
      figures.push({
        figure: `${figure}, ${rows.toLocaleString('en-US')} rows`,
        value,
        baseline,
        unit: 'ms',
        ratio: value / baseline,
      });
    }
    return figures;
  } finally {
    await ds.query(`DELETE FROM audit_log WHERE action LIKE 'bench.%'`).catch(() => undefined);
    await db.close();
  }
}
