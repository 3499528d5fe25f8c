import { randomUUID } from 'node:crypto';
import os from 'node:os';

import { type DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDatabase, type Database } from '@server/db/data-source';
import { requireDatabaseUrl } from '@test/support/api-server';

import { migrations } from '@migrations';

const PIPELINES = migrations.findIndex((m) => m.name === 'CreatePipelines1764000730000');

/**
 * The migration that turns the six fixed stages into the default pipeline, on a database that has deals: up keeps
 * every deal's stage, dates and amount; down puts the CHECK back (deals of other pipelines fall back to the old
 * stage their outcome matches); up again. A throwaway database next to the shared one.
 */
describe('migration CreatePipelines on a database with deals (up, down, up)', () => {
  let admin: Database;
  let db: Database;
  let ds: DataSource;
  const name = `zvonok_pipe_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const snapshot = () =>
    ds.query(`SELECT title, stage, amount::text, closed_at, created_at FROM deals ORDER BY title`) as Promise<
      Record<string, unknown>[]
    >;

  /** Reverts the newest migrations down to and including `name` (later migrations are reverted first). */
  const undoThrough = async (target: string) => {
    for (;;) {
      const [last]: { name: string }[] = await ds.query(`SELECT name FROM migrations ORDER BY id DESC LIMIT 1`);
      await ds.undoLastMigration({ transaction: 'each' });
      if (last?.name === target) return;
    }
  };

  beforeAll(async () => {
    admin = await createDatabase({ databaseUrl: requireDatabaseUrl(), dataDir: os.tmpdir() });
    await admin.dataSource.initialize();
    await admin.dataSource.query(`CREATE DATABASE ${name}`);
    const url = new URL(requireDatabaseUrl());
    url.pathname = `/${name}`;
    db = await createDatabase({ databaseUrl: url.toString(), dataDir: os.tmpdir() });
    ds = db.dataSource;
    await ds.initialize();
    // Everything before the pipelines migration, then the deals of a CRM that has been in use.
    await ds.runMigrations({ transaction: 'each' });
    await undoThrough(migrations[PIPELINES]!.name!);
    await ds.query(
      `INSERT INTO deals (title, stage, amount, currency, closed_at, created_at)
       SELECT 'deal ' || lpad(g::text, 2, '0'),
              (ARRAY['new','qualification','proposal','negotiation','won','lost'])[1 + g % 6],
              g * 1000.5, 'RUB',
              CASE WHEN g % 6 IN (4, 5) THEN timestamptz '2026-10-01 12:00+03' + g * interval '1 day' END,
              timestamptz '2026-09-01 09:00+03' + g * interval '1 hour'
       FROM generate_series(1, 30) g`,
    );
  });
  afterAll(async () => {
    await db?.close();
    await admin.dataSource.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.close();
  });

  it('up: every deal is in the default pipeline with the same stage, amount and dates', async () => {
    const before = await snapshot();
    await ds.runMigrations({ transaction: 'each' });
    expect(await snapshot()).toEqual(before);
    const [pipeline] = await ds.query(`SELECT id, name_en FROM pipelines WHERE is_default`);
    expect(pipeline.name_en).toBe('Sales');
    const counts = await ds.query(
      `SELECT s.kind, count(*)::int AS n FROM deals d
       JOIN pipeline_stages s ON s.pipeline_id = d.pipeline_id AND s.key = d.stage
       WHERE d.pipeline_id = $1 GROUP BY s.kind ORDER BY s.kind`,
      [pipeline.id],
    );
    expect(counts).toEqual([
      { kind: 'lost', n: 5 },
      { kind: 'open', n: 20 },
      { kind: 'won', n: 5 },
    ]);
    // A stage nobody defined is refused by the database now, as the CHECK did before.
    await expect(ds.query(`INSERT INTO deals (title, stage) VALUES ('x', 'archived')`)).rejects.toMatchObject({
      driverError: { code: '23503' },
    });
  });

  it('down: the fixed stages come back; deals of another pipeline keep their outcome; up again', async () => {
    const [{ id: other }] = await ds.query(
      `INSERT INTO pipelines (name_ru, name_en) VALUES ('Партнёры', 'Partners') RETURNING id`,
    );
    await ds.query(
      `INSERT INTO pipeline_stages (pipeline_id, key, name_ru, name_en, position, kind) VALUES
         ($1, 'demo', 'Демо', 'Demo', 0, 'open'), ($1, 'signed', 'Подписан', 'Signed', 1, 'won')`,
      [other],
    );
    await ds.query(
      `INSERT INTO deals (title, pipeline_id, stage, closed_at) VALUES
         ('partner a', $1, 'demo', NULL), ('partner b', $1, 'signed', now())`,
      [other],
    );
    const before = await snapshot();
    await undoThrough('CreatePipelines1764000730000');
    const after = await snapshot();
    expect(after.filter((d) => !String(d.title).startsWith('partner'))).toEqual(
      before.filter((d) => !String(d.title).startsWith('partner')),
    );
    expect(after.filter((d) => String(d.title).startsWith('partner')).map((d) => d.stage)).toEqual(['new', 'won']);
    await expect(ds.query(`INSERT INTO deals (title, stage) VALUES ('x', 'archived')`)).rejects.toMatchObject({
      driverError: { code: '23514' },
    });
    await ds.runMigrations({ transaction: 'each' });
    expect((await snapshot()).map((d) => d.stage)).toEqual(after.map((d) => d.stage));
  });
});
