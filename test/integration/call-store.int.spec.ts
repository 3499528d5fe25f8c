import { randomUUID } from 'node:crypto';

import { type DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type CallEvent, type Party } from '@telephony';
import { applyCallEvent, type CallFold } from '@server/common/calls/call-projection';
import { createDatabase, type Database } from '@server/db/data-source';
import { CallStore, type CallWrite } from '@server/modules/calls/call-store';
import { createUser, deleteUsers, requireDatabaseUrl, testLogger, type SeededUser } from '@test/support/api-server';

const caller: Party = { raw: '+79165550000', e164: '+79165550000', extension: null, name: null, anonymous: false };
const did: Party = { raw: '7000', e164: null, extension: '7000', name: null, anonymous: false };

function events(callId: string, agent: string): CallEvent[] {
  const at = (s: number) => new Date(Date.parse('2026-05-02T09:00:00Z') + s * 1000).toISOString();
  const common = {
    callId,
    legId: randomUUID(),
    externalIds: { linkedid: `l-${callId}` },
    direction: 'inbound' as const,
    from: caller,
    to: did,
    queue: 'support',
    source: 'ami' as const,
  };
  return [
    { ...common, type: 'call.created', seq: 1, occurredAt: at(0) },
    { ...common, type: 'call.ringing', seq: 2, occurredAt: at(1), agentId: agent },
    { ...common, type: 'call.answered', seq: 3, occurredAt: at(4), agentId: agent, waitSeconds: 4 },
    {
      ...common,
      type: 'call.ended',
      seq: 4,
      occurredAt: at(34),
      cause: 'normal-clearing',
      answered: true,
      abandoned: false,
      waitSeconds: 4,
      talkSeconds: 30,
    },
  ];
}

/** The writes the pipeline would hand the store for these events. */
function writesOf(list: CallEvent[], extra: (fold: CallFold) => Partial<CallWrite> = () => ({})): CallWrite[] {
  let fold: CallFold | null = null;
  return list.map((event) => {
    fold = applyCallEvent(fold, event).fold;
    return { event, call: fold.call, operatorId: null, link: null, pops: [], ...extra(fold) };
  });
}

describe('CallStore: batched writes of calls, call_events, call_pops and call_legs (real PostgreSQL)', () => {
  let database: Database;
  let ds: DataSource;
  let operator: SeededUser;
  const callIds: string[] = [];

  beforeAll(async () => {
    database = await createDatabase({ databaseUrl: requireDatabaseUrl(), dataDir: 'unused-with-database-url' });
    ds = database.dataSource;
    await ds.initialize();
    operator = await createUser(
      ds,
      `store-${randomUUID().slice(0, 8)}`,
      'operator',
      `7${Math.floor(100 + Math.random() * 900)}`,
    );
  });
  afterAll(async () => {
    await ds.query('DELETE FROM call_events WHERE call_id = ANY($1)', [callIds]);
    await ds.query('DELETE FROM calls WHERE id = ANY($1)', [callIds]);
    await deleteUsers(ds, [operator.id]);
    await database.close();
  });

  const newCall = () => {
    const id = randomUUID();
    callIds.push(id);
    return id;
  };

  it('writes 20 calls × 4 events in few transactions, each row equal to its last record', async () => {
    const flushes: number[] = [];
    const store = new CallStore(ds, testLogger(), { flushDelayMs: 5, onFlush: (rows) => flushes.push(rows) });
    const ids = Array.from({ length: 20 }, newCall);
    const all = ids.flatMap((id) =>
      writesOf(events(id, '1001'), () => ({ operatorId: operator.id })).map((w) => store.write(w)),
    );
    await Promise.all(all);
    expect(flushes.reduce((a, b) => a + b, 0)).toBe(80);
    expect(flushes.length).toBeLessThan(80); // batched, not one transaction per event
    const rows: { status: string; operator_id: string; talk_seconds: number; last_seq: string }[] = await ds.query(
      'SELECT status, operator_id, talk_seconds, last_seq::text FROM calls WHERE id = ANY($1)',
      [ids],
    );
    expect(rows).toHaveLength(20);
    expect(rows.every((r) => r.status === 'ended' && r.operator_id === operator.id && r.talk_seconds === 30)).toBe(
      true,
    );
    const [{ n }] = await ds.query('SELECT count(*)::int AS n FROM call_events WHERE call_id = ANY($1)', [ids]);
    expect(n).toBe(80);
  });

  it('a write repeated (a redelivery) stores nothing twice; a pop for a user deleted meanwhile does not fail the batch', async () => {
    const id = newCall();
    const gone = await createUser(ds, `store-gone-${randomUUID().slice(0, 8)}`, 'operator');
    await deleteUsers(ds, [gone.id]);
    const store = new CallStore(ds, testLogger());
    const writes = writesOf(events(id, '1001'), (fold) =>
      fold.call.lastSeq === 2
        ? {
            pops: [
              {
                callId: id,
                userId: operator.id,
                extension: '1001',
                reason: 'ringing',
                legId: randomUUID(),
                at: fold.call.startedAt,
              },
              {
                callId: id,
                userId: gone.id,
                extension: '1002',
                reason: 'ringing',
                legId: randomUUID(),
                at: fold.call.startedAt,
              },
            ],
          }
        : {},
    );
    await Promise.all([...writes, ...writes].map((w) => store.write(w)));
    const [{ n }] = await ds.query('SELECT count(*)::int AS n FROM call_events WHERE call_id = $1', [id]);
    expect(n).toBe(4);
    const pops = await ds.query('SELECT user_id FROM call_pops WHERE call_id = $1', [id]);
    expect(pops).toEqual([{ user_id: operator.id }]);
    const legs = await ds.query('SELECT user_id FROM call_legs WHERE call_id = $1 ORDER BY user_id NULLS LAST', [id]);
    expect(legs).toEqual([{ user_id: operator.id }, { user_id: null }]);
  });

  it('load() gives a node taking the call over its events, link, operator and who already had the card', async () => {
    const id = newCall();
    const [lead] = await ds.query(
      `INSERT INTO leads (source, phone_raw, phone_e164, source_call_id) VALUES ('call', $1, $1, $2) RETURNING id`,
      [`+7916${String(Date.now()).slice(-7)}`, id],
    );
    const store = new CallStore(ds, testLogger());
    const list = events(id, '1001').slice(0, 2);
    await Promise.all(
      writesOf(list, (fold) => ({
        operatorId: operator.id,
        link: { kind: 'lead', leadId: lead.id, createdByThisCall: true },
        pops:
          fold.call.lastSeq === 2
            ? [
                {
                  callId: id,
                  userId: operator.id,
                  extension: '1001',
                  reason: 'ringing',
                  legId: randomUUID(),
                  at: fold.call.startedAt,
                },
              ]
            : [],
      })).map((w) => store.write(w)),
    );
    expect(await store.load(id)).toEqual({
      events: list,
      link: { kind: 'lead', leadId: lead.id, createdByThisCall: true },
      operatorId: operator.id,
      popped: [operator.id],
    });
    expect(await store.load(randomUUID())).toBeNull();
    await ds.query('DELETE FROM calls WHERE id = $1', [id]);
    await ds.query('DELETE FROM leads WHERE id = $1', [lead.id]);
  });

  it('load(): the calls asked for in one turn share one statement, each gets its own; a malformed id fails alone', async () => {
    const writer = new CallStore(ds, testLogger());
    const [a, b] = [newCall(), newCall()];
    const eventsA = events(a, '1001');
    const eventsB = events(b, '1002').slice(0, 2);
    await Promise.all([...writesOf(eventsA), ...writesOf(eventsB)].map((w) => writer.write(w)));
    const statements: string[] = [];
    const counting = {
      query: (sql: string, params?: unknown[]) => {
        statements.push(sql);
        return ds.query(sql, params);
      },
    } as unknown as DataSource;
    const store = new CallStore(counting, testLogger());
    const unknown = randomUUID();
    const [gotA, gotB, gotUnknown, gotAAgain, malformed] = await Promise.allSettled([
      store.load(a),
      store.load(b.toUpperCase()),
      store.load(unknown),
      store.load(a),
      store.load('not-a-call'),
    ]);
    expect(statements).toHaveLength(1);
    expect(gotA).toMatchObject({ status: 'fulfilled', value: { events: eventsA } });
    expect(gotAAgain).toEqual(gotA);
    expect(gotB).toMatchObject({ status: 'fulfilled', value: { events: eventsB } });
    expect(gotUnknown).toEqual({ status: 'fulfilled', value: null });
    expect(malformed).toMatchObject({ status: 'rejected', reason: { message: expect.stringContaining('not a UUID') } });
    // a later turn asks again
    expect(await store.load(b)).toMatchObject({ events: eventsB });
    expect(statements).toHaveLength(2);
  });
});
