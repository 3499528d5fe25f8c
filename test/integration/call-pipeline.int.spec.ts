import { readFileSync } from 'node:fs';

import { Redis } from 'ioredis';
import pino from 'pino';
import { type DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { callIdFor } from '@telephony';
import { AmiSurrogateServer } from '@telephony/ami/ami-surrogate-server';
import { createDatabase, type Database } from '@server/db/data-source';
import { createProvider, startCallPipeline, type CallPipeline } from '@server/modules/calls/call-pipeline';
import { requireDatabaseUrl } from '@test/support/api-server';
import { waitFor } from '@test/support/services/ports';

// The PBX side is a trace recorded from the real Asterisk 22, replayed by the AMI surrogate so the pipeline's
// database and bus behaviour is checked deterministically; the live PBX path is covered by the provider tests.
const trace = readFileSync(new URL('../fixtures/ami/22/queue-answered.txt', import.meta.url), 'utf8').replace(
  /^Asterisk Call Manager\/[^\n]*\n/,
  '',
);
const linkedid = /\r?\nLinkedid: (\S+)/.exec(trace)![1]!;
const callId = callIdFor(linkedid);

describe('call pipeline: AMI adapter → bus → calls table (recorded trace, real Postgres and Redis)', () => {
  let database: Database;
  let ds: DataSource;
  let ami: AmiSurrogateServer;
  let pipeline: CallPipeline | undefined;
  let redis: Redis | undefined;

  beforeAll(async () => {
    database = await createDatabase({ databaseUrl: requireDatabaseUrl(), dataDir: 'unused-with-database-url' });
    ds = database.dataSource;
    await ds.initialize();
  });
  afterAll(async () => {
    await database.close();
  });
  beforeEach(async () => {
    ami = new AmiSurrogateServer();
    ami.channels = [];
    ami.queueMembers = [];
    await ami.listen();
    await ds.query('DELETE FROM call_events WHERE call_id = $1', [callId]);
    await ds.query('DELETE FROM calls WHERE id = $1', [callId]);
  });
  afterEach(async () => {
    await pipeline?.stop();
    pipeline = undefined;
    await redis?.quit();
    redis = undefined;
    await ami.close();
  });

  const start = async (withRedis: boolean) => {
    if (withRedis) redis = new Redis(process.env.REDIS_URL!);
    const logger = pino({ level: 'silent' });
    const config = {
      telephony: {
        provider: 'ami' as const,
        ami: { host: '127.0.0.1', port: ami.port, user: 'zvonok', secret: 'zvonok-secret' },
        drachtio: { host: '127.0.0.1', port: 9022, secret: undefined },
      },
    };
    pipeline = await startCallPipeline({
      dataSource: ds,
      logger,
      provider: createProvider({ config, dataSource: ds, logger }),
      ...(redis ? { redis } : {}),
    });
    const provider = pipeline.provider;
    await waitFor(async () => provider?.isUp() === true, { what: 'AMI provider up', timeoutMs: 5_000, intervalMs: 20 });
  };

  const endedCall = async () => {
    let row: Record<string, unknown> | undefined;
    await waitFor(
      async () => {
        [row] = await ds.query(`SELECT * FROM calls WHERE id = $1 AND status = 'ended'`, [callId]);
        return row !== undefined;
      },
      { what: 'the call recorded as ended', timeoutMs: 15_000, intervalMs: 50 },
    );
    return row!;
  };

  it.each([
    ['the in-process bus', false],
    ['a Redis Stream', true],
  ])('records the answered queue call through %s', async (_name, withRedis) => {
    await start(withRedis);
    ami.broadcast(trace);
    const row = await endedCall();
    expect(row).toMatchObject({
      source: 'ami',
      direction: 'inbound',
      linkedid,
      queue: 'support',
      agent_extension: '1001',
      disposition: 'answered',
      hangup_cause: 'normal-clearing',
    });
    expect(row.talk_seconds).toBeGreaterThan(0);
    const [{ n }] = await ds.query('SELECT count(*)::int AS n FROM call_events WHERE call_id = $1', [callId]);
    expect(n).toBe(Number(row.last_seq)); // bigint comes back as text
  });

  it('replaying the same trace again (a restarted adapter) duplicates nothing', async () => {
    await start(true);
    ami.broadcast(trace);
    const first = await endedCall();
    await pipeline!.stop();
    await redis!.quit();
    redis = undefined;
    await start(true);
    ami.broadcast(trace);
    await new Promise((r) => setTimeout(r, 1500));
    const [again] = await ds.query('SELECT * FROM calls WHERE id = $1', [callId]);
    expect(again.last_seq).toBe(first.last_seq);
    expect(again.updated_at).toEqual(first.updated_at);
    const [{ n }] = await ds.query('SELECT count(*)::int AS n FROM calls WHERE linkedid = $1', [linkedid]);
    expect(n).toBe(1);
  });
});
