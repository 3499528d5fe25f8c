import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import pg from 'pg';
import { type DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Database, createDatabase } from '@server/db/data-source';
import { runCallDataMaintenance } from '@server/modules/calls/call-data.job';
import { purgeRecordingsOfCalls } from '@server/modules/recordings/recording-retention.job';
import { recordingStorageKey, storedFilePath } from '@server/modules/recordings/recording-paths';
import { timeOrderedId, uuidV5 } from '@telephony';
import { requireDatabaseUrl, testLogger } from '@test/support/api-server';
import { waitFor } from '@test/support/services/ports';

import { migrations } from '@migrations';

/** First day (UTC) of the month `plus` months from `at`. */
const month = (at: Date, plus: number) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + plus, 1));
const yyyymm = (d: Date) => d.toISOString().slice(0, 7).replace('-', '');
const NOW = new Date();
const PARTITIONING = 'PartitionCallsByMonth1764003800000';

interface Seeded {
  id: string;
  startedAt: Date;
  legacy: boolean;
}

describe('calls and call_events partitioned by month on the call id (real Postgres, throwaway database)', () => {
  let db: Database;
  let admin: Database;
  let ds: DataSource;
  let storeDir: string;
  let databaseUrl: string;
  const name = `zvonok_part_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const seeded: Seeded[] = [];
  const logger = testLogger('call-partitions');
  const errors: unknown[] = [];
  const spyLogger = Object.assign(Object.create(logger) as typeof logger, {
    error: (obj: unknown) => void errors.push(obj),
  });

  const where = async (table: string, key: string, id: string) => {
    const [row] = (await ds.query(`SELECT tableoid::regclass::text AS part FROM ${table} WHERE ${key} = $1`, [id])) as {
      part: string;
    }[];
    return row?.part;
  };
  const count = async (sql: string, params: unknown[] = []) =>
    Number(((await ds.query(sql, params)) as { n: string }[])[0]?.n);
  /** Undoes the migrations newer than the partitioning (they do not touch it), then the partitioning itself. */
  const undoPartitioning = async () => {
    for (;;) {
      const [last] = (await ds.query(`SELECT name FROM migrations ORDER BY timestamp DESC LIMIT 1`)) as {
        name: string;
      }[];
      await ds.undoLastMigration({ transaction: 'each' });
      if (last?.name === PARTITIONING) return;
    }
  };

  beforeAll(async () => {
    const url = new URL(requireDatabaseUrl());
    admin = await createDatabase({ databaseUrl: url.toString(), dataDir: os.tmpdir() });
    await admin.dataSource.initialize();
    await admin.dataSource.query(`CREATE DATABASE ${name}`);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    db = await createDatabase({ databaseUrl: url.toString(), dataDir: os.tmpdir() });
    ds = db.dataSource;
    await ds.initialize();
    storeDir = await fs.mkdtemp(path.join(os.tmpdir(), 'zvonok-part-store-'));
  });
  afterAll(async () => {
    await db?.close();
    await admin?.dataSource.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin?.close();
    await fs.rm(storeDir, { recursive: true, force: true });
  });

  it('migrates existing calls (legacy version-5 ids and time-ordered ones, three months) with their children', async () => {
    await ds.runMigrations({ transaction: 'each' });
    expect(migrations.map((m) => m.name)).toContain(PARTITIONING);
    await undoPartitioning();
    expect(await count(`SELECT count(*) AS n FROM pg_partitioned_table`)).toBe(0);

    for (const back of [2, 1, 0]) {
      for (let i = 0; i < 4; i++) {
        const startedAt = new Date(month(NOW, -back).getTime() + (i + 1) * 3_600_000);
        const legacy = i % 2 === 1;
        const id = legacy
          ? uuidV5(`ami:spec-${back}-${i}`)
          : timeOrderedId(`ami:spec-${back}-${i}`, startedAt.getTime());
        seeded.push({ id, startedAt, legacy });
      }
    }
    for (const c of seeded) {
      await ds.query(
        `INSERT INTO calls (id, source, direction, from_raw, to_raw, queue, status, started_at, ended_at, disposition,
           wait_seconds, talk_seconds)
         VALUES ($1, 'ami', 'inbound', '+74950000001', '7000', 'partq', 'ended', $2, $2, 'answered', 3, 30)`,
        [c.id, c.startedAt],
      );
      await ds.query(
        `INSERT INTO call_events (call_id, seq, type, occurred_at, payload)
         VALUES ($1, 1, 'call.created', $2, '{}'), ($1, 2, 'call.ended', $2, '{}')`,
        [c.id, c.startedAt],
      );
      await ds.query(`INSERT INTO call_legs (id, call_id, started_at) VALUES (gen_random_uuid(), $1, $2)`, [
        c.id,
        c.startedAt,
      ]);
      await ds.query(`INSERT INTO tasks (title, kind, call_id) VALUES ('partitions spec', 'callback', $1)`, [c.id]);
      const key = recordingStorageKey(c.id, c.startedAt, `/rec/${c.id}.wav`);
      await fs.mkdir(path.dirname(storedFilePath(storeDir, key)!), { recursive: true });
      await fs.writeFile(storedFilePath(storeDir, key)!, 'ogg');
      await ds.query(
        `INSERT INTO recordings (call_id, storage_key, size_bytes, sha256, mime) VALUES ($1, $2, 3, $3, 'audio/ogg')`,
        [c.id, key, 'a'.repeat(64)],
      );
    }

    await ds.query(`SELECT zv_analytics_refresh_bins(array(SELECT started_at FROM calls))`);
    await ds.runMigrations({ transaction: 'each' });

    expect(await count(`SELECT count(*) AS n FROM calls`)).toBe(seeded.length);
    expect(await count(`SELECT count(*) AS n FROM call_events`)).toBe(seeded.length * 2);
    for (const c of seeded) {
      const part = c.legacy ? 'default' : `p${yyyymm(c.startedAt)}`;
      expect(await where('calls', 'id', c.id)).toBe(`calls_${part}`);
      expect(await where('call_events', 'call_id', c.id)).toBe(`call_events_${part}`);
    }
    // Made from the earliest time-ordered month through three months ahead, for both tables.
    for (let m = -2; m <= 3; m++) {
      expect(
        await count(`SELECT count(*) AS n FROM pg_class WHERE relname = $1`, [`calls_p${yyyymm(month(NOW, m))}`]),
      ).toBe(1);
      expect(
        await count(`SELECT count(*) AS n FROM pg_class WHERE relname = $1`, [`call_events_p${yyyymm(month(NOW, m))}`]),
      ).toBe(1);
    }
  });

  it('keeps the primary keys, the foreign keys and their cascades, the triggers and the pipeline upsert', async () => {
    const [c] = seeded;
    await expect(
      ds.query(`INSERT INTO call_legs (id, call_id, started_at) VALUES (gen_random_uuid(), $1, now())`, [randomUUID()]),
    ).rejects.toThrow(/foreign key/);
    await expect(
      ds.query(`INSERT INTO call_events (call_id, seq, type, occurred_at, payload) VALUES ($1, 1, 'x', now(), '{}')`, [
        c!.id,
      ]),
    ).rejects.toThrow(/duplicate key/);
    await ds.query(
      `INSERT INTO calls (id, source, direction, from_raw, to_raw, started_at) VALUES ($1, 'ami', 'inbound', 'x', 'y', now())
       ON CONFLICT (id) DO UPDATE SET last_seq = 9`,
      [c!.id],
    );
    expect(await count(`SELECT last_seq AS n FROM calls WHERE id = $1`, [c!.id])).toBe(9);
    const referencing = (await ds.query(
      `SELECT conrelid::regclass::text AS t FROM pg_constraint
        WHERE contype = 'f' AND confrelid = 'calls'::regclass AND conparentid = 0 AND confdeltype = 'c' ORDER BY 1`,
    )) as { t: string }[];
    expect(referencing.map((r) => r.t)).toEqual([
      'call_legs',
      'call_pops',
      'call_reviews',
      'callback_calls',
      'recording_ingests',
      'recordings',
      'tasks',
    ]);
    const triggers = (await ds.query(
      `SELECT tgname FROM pg_trigger WHERE tgrelid IN ('calls'::regclass, 'call_events'::regclass) AND NOT tgisinternal
       ORDER BY 1`,
    )) as { tgname: string }[];
    expect(triggers.map((t) => t.tgname)).toEqual([
      'tr_call_events_handlers',
      'tr_calls_analytics_bins',
      'tr_calls_card',
    ]);

    // The card trigger runs on the month's partition, and still names the call's contact to the card caches, not
    // `all` (which made every node forget every cached card and user whenever a call ended).
    const listener = new pg.Client({ connectionString: databaseUrl });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(n.payload ?? ''));
    await listener.query('LISTEN zvonok_cards');
    const [contact] = (await ds.query(`INSERT INTO contacts (name) VALUES ('Партиция') RETURNING id`)) as {
      id: string;
    }[];
    const heardUpTo = async (marker: string) => {
      await ds.query(`SELECT pg_notify('zvonok_cards', $1)`, [marker]);
      await waitFor(async () => heard.includes(marker), { what: `the ${marker} notification`, timeoutMs: 5_000 });
      return heard.indexOf(marker);
    };
    try {
      const start = await heardUpTo('before');
      await ds.query(`UPDATE calls SET status = 'ended', contact_id = $2 WHERE id = $1`, [c!.id, contact!.id]);
      const end = await heardUpTo('after');
      expect(heard.slice(start + 1, end)).toEqual([`contact:${contact!.id}`]);
    } finally {
      // An open listener would keep the throwaway database from being dropped.
      await listener.end();
    }

    // A call deleted through the parent takes its children with it (the cleanup tests rely on).
    const gone = randomUUID();
    await ds.query(
      `INSERT INTO calls (id, source, direction, from_raw, to_raw, started_at) VALUES ($1, 'sip', 'inbound', 'a', 'b', now())`,
      [gone],
    );
    await ds.query(`INSERT INTO call_legs (id, call_id, started_at) VALUES (gen_random_uuid(), $1, now())`, [gone]);
    await ds.query(`DELETE FROM calls WHERE id = $1`, [gone]);
    expect(await count(`SELECT count(*) AS n FROM call_legs WHERE call_id = $1`, [gone])).toBe(0);
  });

  it('reverts to plain tables with every row, and migrates up again', async () => {
    await undoPartitioning();
    expect(await count(`SELECT count(*) AS n FROM pg_partitioned_table`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM calls`)).toBe(seeded.length);
    expect(await count(`SELECT count(*) AS n FROM call_legs`)).toBe(seeded.length);
    await ds.runMigrations({ transaction: 'each' });
    expect(await where('calls', 'id', seeded[0]!.id)).toBe(`calls_p${yyyymm(seeded[0]!.startedAt)}`);
    expect(await count(`SELECT count(*) AS n FROM call_events`)).toBe(seeded.length * 2);
  });

  it('maintenance makes the months ahead once (idempotent) and logs, not throws, a month it cannot make', async () => {
    const later = month(NOW, 6);
    // A time-ordered call of a month not made yet lands in DEFAULT: that month cannot be made around it.
    const stray = timeOrderedId('ami:stray', month(NOW, 8).getTime() + 1000);
    await ds.query(
      `INSERT INTO calls (id, source, direction, from_raw, to_raw, started_at) VALUES ($1, 'ami', 'inbound', 'a', 'b', $2)`,
      [stray, month(NOW, 8)],
    );
    // A legacy id whose random prefix falls in month +7 is stepped around, and stays in DEFAULT.
    const prefix = month(NOW, 7).getTime().toString(16).padStart(12, '0');
    const legacy = `${prefix.slice(0, 8)}-${prefix.slice(8)}-5abc-8def-0123456789ab`;
    await ds.query(
      `INSERT INTO calls (id, source, direction, from_raw, to_raw, started_at) VALUES ($1, 'ami', 'inbound', 'a', 'b', $2)`,
      [legacy, new Date('2020-01-01T00:00:00Z')],
    );
    const deps = {
      dataSource: ds,
      logger: spyLogger,
      retentionMonths: 0,
      purgeRecordings: () => Promise.resolve({ complete: true }),
      now: () => later,
    };
    const first = await runCallDataMaintenance(deps);
    expect(first.created).toEqual([6, 7, 9].map((m) => month(NOW, m).toISOString().slice(0, 10)));
    expect(first.failed).toEqual([month(NOW, 8).toISOString().slice(0, 10)]);
    expect(errors).toHaveLength(1);
    expect(await where('calls', 'id', legacy)).toBe('calls_default');
    expect(await where('calls', 'id', stray)).toBe('calls_default');
    const inserted = timeOrderedId('ami:after', month(NOW, 7).getTime() + 5000);
    await ds.query(
      `INSERT INTO calls (id, source, direction, from_raw, to_raw, started_at) VALUES ($1, 'ami', 'inbound', 'a', 'b', now())`,
      [inserted],
    );
    expect(await where('calls', 'id', inserted)).toMatch(new RegExp(`^calls_p${yyyymm(month(NOW, 7))}(_\\d)?$`));

    const again = await runCallDataMaintenance(deps);
    expect(again.created).toEqual([]);
    expect(again.failed).toEqual([month(NOW, 8).toISOString().slice(0, 10)]);
    await ds.query(`DELETE FROM calls WHERE id = ANY($1)`, [[stray, legacy, inserted]]);
  });

  it('retention drops whole months older than it with their children and files, deletes old DEFAULT rows one by one', async () => {
    const dropped = seeded.filter((c) => c.startedAt < month(NOW, -1));
    const kept = seeded.filter((c) => c.startedAt >= month(NOW, -1));
    const files = async (cs: Seeded[]) => {
      const rows = (await ds.query(`SELECT storage_key AS k FROM recordings WHERE call_id = ANY($1)`, [
        cs.map((c) => c.id),
      ])) as { k: string }[];
      return rows.map((r) => storedFilePath(storeDir, r.k)!);
    };
    const droppedFiles = await files(dropped);
    expect(droppedFiles).toHaveLength(dropped.length);
    const oldBin = await count(`SELECT count(*) AS n FROM analytics_call_bins WHERE bin < $1 AND queue = 'partq'`, [
      month(NOW, -1),
    ]);
    expect(oldBin).toBeGreaterThan(0);

    const run = await runCallDataMaintenance({
      dataSource: ds,
      logger,
      retentionMonths: 1,
      purgeRecordings: (calls) => purgeRecordingsOfCalls({ dataSource: ds, logger, storeDir }, calls),
    });
    expect(run.dropped).toEqual([{ month: month(NOW, -2).toISOString().slice(0, 10), calls: 2 }]);
    // The legacy calls of that month are in DEFAULT: deleted row by row, by their start.
    expect(run.defaultDeleted).toBe(2);

    const ids = (cs: Seeded[]) => [cs.map((c) => c.id)];
    expect(await count(`SELECT count(*) AS n FROM calls WHERE id = ANY($1)`, ids(dropped))).toBe(0);
    for (const t of ['call_events', 'call_legs', 'tasks', 'recordings'])
      expect(await count(`SELECT count(*) AS n FROM ${t} WHERE call_id = ANY($1)`, ids(dropped))).toBe(0);
    for (const f of droppedFiles) await expect(fs.access(f)).rejects.toThrow();
    expect(
      await count(`SELECT count(*) AS n FROM pg_class WHERE relname LIKE $1`, [`%_p${yyyymm(month(NOW, -2))}%`]),
    ).toBe(0);
    expect(
      await count(`SELECT count(*) AS n FROM analytics_call_bins WHERE bin < $1 AND queue = 'partq'`, [month(NOW, -1)]),
    ).toBe(0);

    expect(await count(`SELECT count(*) AS n FROM calls WHERE id = ANY($1)`, ids(kept))).toBe(kept.length);
    expect(await count(`SELECT count(*) AS n FROM call_events WHERE call_id = ANY($1)`, ids(kept))).toBe(
      kept.length * 2,
    );
    for (const t of ['call_legs', 'tasks', 'recordings'])
      expect(await count(`SELECT count(*) AS n FROM ${t} WHERE call_id = ANY($1)`, ids(kept))).toBe(kept.length);
    for (const f of await files(kept)) await expect(fs.access(f)).resolves.toBeUndefined();
  });
});
