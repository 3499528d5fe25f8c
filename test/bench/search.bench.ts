import { type DataSource } from 'typeorm';

import { type UserDto } from '@contracts/dto/user';
import { createDatabase } from '@server/db/data-source';
import { SearchService } from '@server/modules/search/search.service';
import { type Figure, percentile } from '@test/bench/figure';
import { seedContacts } from '@test/support/seed-contacts';

/**
 * Global search at 200,000 contacts (test/support/seed-contacts.ts: 200k contacts with 260k numbers, 20k
 * companies, 50k deals, 20k leads, 200k calls), timed through SearchService (the code `GET /api/search` runs; all
 * four groups, each query once after a warm-up pass) for a supervisor (sees everything) and an operator (sees their
 * own clients and those who called them). Ten kinds of query, drawn from the seeded data: a whole number typed
 * `8 (9XX) XXX-XX-XX` and `+7 9XX XXX XX XX`, its last four digits, its last seven with dashes, a three-digit
 * operator code, a surname typed in lower case with `е` for `ё`, a full name, an e-mail's start, a company and a
 * deal title.
 *
 * Baseline, same run: the cheapest lookup any search box can make, one contact by its exact E.164 number through
 * the `contact_phones.e164` index (`SELECT … WHERE e164 = $1`). ratio = search p95 / baseline p95. Also in the
 * details: the contacts box as it was before issue #12 (whole numbers only; name and e-mail by ILIKE), for the
 * same whole numbers.
 *
 * $ZVONOK_BENCH_CONTACTS changes the size (default 200,000).
 */

const PER_KIND = 20;

type Kind =
  | 'number 8 (9XX)'
  | 'number +7'
  | 'last 4 digits'
  | 'last 7 digits'
  | 'operator code'
  | 'surname е/ё'
  | 'full name'
  | 'e-mail'
  | 'company'
  | 'deal title';

interface Sample {
  name: string;
  email: string | null;
  raw: string;
  e164: string;
  company: string | null;
  deal: string | null;
}

const fold = (s: string) => s.toLowerCase().replace(/ё/g, 'е');

function queriesOf(samples: Sample[]): { kind: Kind; q: string }[] {
  const out: { kind: Kind; q: string }[] = [];
  for (const s of samples) {
    const national = s.e164.slice(2);
    const surname = s.name.split(' ')[0]!;
    out.push(
      { kind: 'number 8 (9XX)', q: s.raw },
      {
        kind: 'number +7',
        q: `+7 ${national.slice(0, 3)} ${national.slice(3, 6)} ${national.slice(6, 8)} ${national.slice(8)}`,
      },
      { kind: 'last 4 digits', q: national.slice(-4) },
      { kind: 'last 7 digits', q: `${national.slice(3, 6)}-${national.slice(6, 8)}-${national.slice(8)}` },
      { kind: 'operator code', q: national.slice(0, 3) },
      { kind: 'surname е/ё', q: fold(surname) },
      { kind: 'full name', q: fold(s.name) },
    );
    if (s.email) out.push({ kind: 'e-mail', q: s.email.split('@')[0]! });
    if (s.company) out.push({ kind: 'company', q: fold(s.company.replace(/^ООО «|»$/g, '')) });
    if (s.deal) out.push({ kind: 'deal title', q: fold(s.deal) });
  }
  return out;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

export async function runSearchBench(databaseUrl: string, log: (m: string) => void = console.log): Promise<Figure[]> {
  const contacts = Number(process.env.ZVONOK_BENCH_CONTACTS ?? 200_000);
  const seed = await seedContacts(databaseUrl, { contacts, log: (m) => log(`[search bench] ${m}`) });
  const database = await createDatabase({ databaseUrl, dataDir: 'unused-with-database-url' });
  await database.dataSource.initialize();
  try {
    const ds = database.dataSource;
    const service = new SearchService(ds, () => 'RU');
    const samples = await sampleContacts(ds, PER_KIND);
    const queries = queriesOf(samples);
    const [supervisor] = (await ds.query(
      `SELECT id FROM users WHERE role IN ('supervisor', 'manager', 'admin') ORDER BY created_at LIMIT 1`,
    )) as { id: string }[];
    const supervisorViewer = viewer(supervisor?.id ?? '00000000-0000-0000-0000-000000000000', 'supervisor');
    const [operatorRow] = (await ds.query(`SELECT id FROM users WHERE login = 'search-op-01'`)) as { id: string }[];
    const operatorViewer = viewer(operatorRow!.id, 'operator');

    const run = async (who: UserDto) => {
      for (const { q } of queries) await service.search(who, { q });
      const byKind = new Map<Kind, number[]>();
      const all: number[] = [];
      for (const { kind, q } of queries) {
        const ms = await timed(() => service.search(who, { q }));
        all.push(ms);
        byKind.set(kind, [...(byKind.get(kind) ?? []), ms]);
      }
      return { all: sorted(all), byKind };
    };
    const exact = samples.map((s) => s.e164);
    const baselineRuns: number[] = [];
    const oldRuns: number[] = [];
    for (const e164 of [...exact, ...exact]) {
      baselineRuns.push(
        await timed(() =>
          ds.query(
            `SELECT c.id, c.name FROM contact_phones p JOIN contacts c ON c.id = p.contact_id WHERE p.e164 = $1`,
            [e164],
          ),
        ),
      );
      oldRuns.push(await timed(() => oldContactsSearch(ds, e164)));
    }
    const baseline = sorted(baselineRuns.slice(exact.length));
    const old = sorted(oldRuns.slice(exact.length));
    const baselineP95 = percentile(baseline, 95);

    const figures: Figure[] = [];
    for (const [label, who] of [
      ['supervisor', supervisorViewer],
      ['operator', operatorViewer],
    ] as const) {
      const { all, byKind } = await run(who);
      const p95 = percentile(all, 95);
      log(
        `[search bench] ${label}: p50 ${percentile(all, 50).toFixed(1)} / p95 ${p95.toFixed(1)} / ` +
          `p99 ${percentile(all, 99).toFixed(1)} ms over ${all.length} queries`,
      );
      figures.push({
        figure: `global search p95 at ${seed.contacts.toLocaleString('en-US')} contacts, as ${label}`,
        value: p95,
        baseline: baselineP95,
        unit: 'ms',
        ratio: p95 / baselineP95,
        details: {
          p50Ms: percentile(all, 50),
          p99Ms: percentile(all, 99),
          maxMs: all.at(-1),
          queries: all.length,
          p95ByKindMs: Object.fromEntries([...byKind].map(([k, xs]) => [k, percentile(sorted(xs), 95)])),
          baselineP50Ms: percentile(baseline, 50),
          oldContactsSearchWholeNumberP95Ms: percentile(old, 95),
        },
      });
    }
    return figures;
  } finally {
    await database.close();
  }
}

const viewer = (id: string, role: UserDto['role']): UserDto => ({
  id,
  role,
  login: role,
  name: role,
  extension: null,
  locale: 'ru',
  teamId: null,
});

async function sampleContacts(ds: DataSource, n: number): Promise<Sample[]> {
  return (await ds.query(
    `SELECT c.name, c.email, p.raw, p.e164, co.name AS company,
       (SELECT d.title FROM deals d WHERE d.contact_id = c.id LIMIT 1) AS deal
     FROM contacts c TABLESAMPLE SYSTEM (1)
     JOIN contact_phones p ON p.contact_id = c.id AND p.position = 0
     LEFT JOIN companies co ON co.id = c.company_id
     WHERE p.raw LIKE '8 (%' ORDER BY random() LIMIT $1`,
    [n],
  )) as Sample[];
}

/** `GET /api/contacts?q=<whole number>` before issue #12: ILIKE on name and e-mail, exact number keys, a count. */
async function oldContactsSearch(ds: DataSource, e164: string): Promise<void> {
  const where = `(c.name ILIKE $1 OR c.email ILIKE $1
    OR EXISTS (SELECT 1 FROM contact_phones p WHERE p.contact_id = c.id AND p.e164 = $2)
    OR EXISTS (SELECT 1 FROM contact_phones p WHERE p.contact_id = c.id AND p.last10 = $3))`;
  const params = [`%${e164}%`, e164, e164.slice(-10)];
  await Promise.all([
    ds.query(`SELECT c.* FROM contacts c WHERE ${where} ORDER BY c.name, c.id LIMIT 20`, params),
    ds.query(`SELECT count(*) FROM contacts c WHERE ${where}`, params),
  ]);
}
