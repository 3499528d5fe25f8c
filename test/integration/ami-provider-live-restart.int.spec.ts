import { execFile } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type CallEnded, type CallEvent, type TelephonyEvent } from '@telephony';
import { AmiProvider } from '@telephony/ami/ami-provider';
import { createDatabase, type Database } from '@server/db/data-source';
import { openCallsOf } from '@server/modules/calls/open-calls.read-model';
import { requireDatabaseUrl, startTestNode, type TestApp } from '@test/support/api-server';
import {
  amiConfigFromEnv,
  ASTERISK_ROOT,
  isCallEvent,
  killAsterisk,
  plugPhone,
  startAsteriskAgain,
  until,
} from '@test/support/ami-live';
import { isPortOpen, waitFor } from '@test/support/services/ports';
import { runSipp } from '@test/support/sipp';

// Asterisk 22 is SIGKILLed in the middle of an answered call and started again with test/pbx/pbx.sh. Works whether
// the global setup started this Asterisk (CI) or reused one already running (development): it is killed through
// the pid file pbx.sh writes and always left running afterwards. Run it under `flock /tmp/zv-live.lock`.
const execFileAsync = promisify(execFile);
const AMI_PORT = Number(process.env.AMI_PORT ?? 5038);
const CALLER = '+79161234567';
const CDR_GRACE_MS = 2000;

/** Asterisk CLI inside the chroot. */
async function asteriskCli(command: string): Promise<string> {
  const { stdout } = await execFileAsync('chroot', [ASTERISK_ROOT, '/usr/sbin/asterisk', '-rx', command], {
    timeout: 10_000,
  });
  return stdout;
}

/** A TCP relay to AMI that can be cut like a failed network path (both sides closed, new connections refused). */
async function amiRelay() {
  const sockets = new Set<Socket>();
  let refusing = false;
  const server = createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: process.env.AMI_HOST ?? '127.0.0.1', port: AMI_PORT });
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(a);
      a.pipe(b);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        sockets.delete(a);
        b.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    cut() {
      refusing = true;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      refusing = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('AMI provider + call pipeline when Asterisk 22 is killed mid-call and restarted (real Postgres, Redis)', () => {
  let database: Database;
  let redis: Redis;
  let pipeline: TestApp | undefined;
  /** The node of each step is composed as main.ts does, on this suite's own bus. */
  const prefix = `restart-${process.pid}-${Date.now()}`;
  const startNode = (provider: AmiProvider) => startTestNode({}, { database, redis, provider, bus: { prefix } });
  const events: TelephonyEvent[] = [];

  beforeAll(async () => {
    database = await createDatabase({ databaseUrl: requireDatabaseUrl(), dataDir: 'unused-with-database-url' });
    await database.dataSource.initialize();
    redis = new Redis(process.env.REDIS_URL!);
  });
  afterAll(async () => {
    await pipeline?.close();
    await redis?.quit();
    await database?.close();
    // Whatever happened above, the shared PBX must be up again for everyone else.
    if (!(await isPortOpen(AMI_PORT))) await startAsteriskAgain();
  });

  it('reconnects by itself, closes the cut-off call exactly once, and stores exactly one call record', async () => {
    const provider = new AmiProvider(
      amiConfigFromEnv({ backoff: { initialMs: 200, maxMs: 1000 }, cdrGraceMs: CDR_GRACE_MS, pingIntervalMs: 1000 }),
    );
    provider.onEvent((e) => events.push(e));
    const ds = database.dataSource;
    pipeline = await startNode(provider);
    await until(() => (provider.isUp() ? true : undefined), 'provider up');
    const calls = () => events.filter(isCallEvent).filter((e) => e.from.e164 === CALLER);

    const phone = await plugPhone('1001', 'uas-operator-answer.xml');
    // Direct DID 7001 → 1001; the caller would talk 4 s, but the PBX dies first.
    const caller = runSipp('uac-queue-answered-expect-200.xml', { service: '7001', timeoutMs: 8000 });
    let answered: CallEvent;
    try {
      answered = await until(() => calls().find((e) => e.type === 'call.answered'), 'call.answered');
      await killAsterisk();
    } finally {
      await phone.stop();
      await caller;
    }
    const { callId } = answered;
    const killedAt = Date.now();
    await until(() => events.find((e) => e.type === 'provider.down'), 'provider.down', 10_000);
    expect(calls().some((e) => e.type === 'call.ended')).toBe(false);

    await startAsteriskAgain();
    // Back up without anyone calling start() again.
    const ups = () => events.filter((e) => e.type === 'provider.up').length;
    await until(() => (ups() >= 2 ? true : undefined), 'provider.up after the restart', 20_000);
    const ended = (await until(
      () => calls().find((e) => e.type === 'call.ended'),
      'call.ended after the restart',
      CDR_GRACE_MS + 15_000,
    )) as CallEnded;
    await new Promise((r) => setTimeout(r, CDR_GRACE_MS + 500)); // a second close (timer, late event) would show now

    const ofCall = calls().filter((e) => e.callId === callId);
    expect(ofCall.filter((e) => e.type === 'call.ended')).toHaveLength(1);
    expect(ofCall.at(-1)?.type).toBe('call.ended');
    expect(ofCall.map((e) => e.seq)).toEqual(ofCall.map((_, i) => i + 1));
    // A crashed PBX writes no CDR for the calls it took down: nothing can explain the end, so after the grace
    // period the call is closed as failed — answered (it was), with the talk time up to the crash.
    expect(ended).toMatchObject({ cause: 'failed', rawCause: 'RESYNC_NO_CDR', answered: true, agentId: '1001' });
    expect(ended.closedFromCdr).toBeUndefined();
    // Down at the kill, up again by itself. A PBX still booting on a busy machine may answer a ping too late and
    // bounce the link once more; each bounce must come back, and none may close the call again (checked above).
    const status = events.filter((e) => e.type.startsWith('provider.'));
    const reasons = status.map((e) => ('reason' in e ? `${e.type} (${String(e.reason)})` : e.type)).join(', ');
    expect(
      status.slice(0, 3).map((e) => e.type),
      reasons,
    ).toEqual(['provider.up', 'provider.down', 'provider.up']);
    expect(
      status.map((e) => e.type),
      reasons,
    ).toEqual(status.map((_, i) => (i % 2 === 0 ? 'provider.up' : 'provider.down')));
    expect(status.at(-1)?.type, reasons).toBe('provider.up');

    // Through the bus (Redis Stream) and the recorder into Postgres: one record, one end, no duplicates.
    const linkedid = answered.externalIds.linkedid;
    await waitFor(
      async () => {
        const rows: unknown[] = await ds.query(`SELECT 1 FROM calls WHERE id = $1 AND status = 'ended'`, [callId]);
        return rows.length === 1;
      },
      { what: 'the call stored as ended', timeoutMs: 10_000, intervalMs: 100 },
    );
    const rows: Array<Record<string, unknown>> = await ds.query('SELECT * FROM calls WHERE linkedid = $1', [linkedid]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: callId,
      status: 'ended',
      disposition: 'answered',
      hangup_cause: 'failed',
      agent_extension: '1001',
    });
    expect(Number(rows[0]!.last_seq)).toBe(ofCall.length); // bigint comes back as text
    const [counts] = await ds.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE type = 'call.ended')::int AS ended
       FROM call_events WHERE call_id = $1`,
      [callId],
    );
    expect(counts).toEqual({ n: ofCall.length, ended: 1 });
    console.log(
      `[ami-live] restart: closed ${Date.now() - killedAt} ms after the kill; ` + ofCall.map((e) => e.type).join(' → '),
    );
  });
  it('AMI link lost while the call ends: reconnects, and the real Cdr posted afterwards closes it (closedFromCdr)', async () => {
    // AMI does not replay what it sent while we were away, so a Cdr only helps when Asterisk posts it after the
    // reconnect — with batched CDRs (cdr.conf batch=yes), the usual production setting, for outages shorter than
    // the batch interval. Here the batch is held for the duration of the test and submitted (`cdr submit`) once
    // the adapter is back, which makes that ordering deterministic; the reference profile itself posts at once.
    await pipeline?.close();
    pipeline = undefined;
    const cdrConf = join(ASTERISK_ROOT, 'etc/asterisk/cdr.conf');
    const relay = await amiRelay();
    const seen: TelephonyEvent[] = [];
    try {
      writeFileSync(
        cdrConf,
        '[general]\nenable = yes\nunanswered = yes\ncongestion = yes\nendbeforehexten = yes\n' +
          'initiatedseconds = no\nbatch = yes\nsize = 1000\ntime = 86400\nsafeshutdown = yes\n',
      );
      await asteriskCli('module reload cdr');
      expect(await asteriskCli('cdr show status')).toMatch(/Mode:\s+Batch/);

      const provider = new AmiProvider(
        amiConfigFromEnv({ port: relay.port, backoff: { initialMs: 100, maxMs: 500 }, cdrGraceMs: 30_000 }),
      );
      provider.onEvent((e) => seen.push(e));
      const ds = database.dataSource;
      pipeline = await startNode(provider);
      await until(() => (provider.isUp() ? true : undefined), 'provider up');
      const calls = () => seen.filter(isCallEvent).filter((e) => e.from.e164 === CALLER);
      const ups = () => seen.filter((e) => e.type === 'provider.up').length;

      const phone = await plugPhone('1001', 'uas-operator-answer.xml');
      let answered: CallEvent;
      try {
        // Direct DID 7001 → 1001; the caller talks 4 s and hangs up — while the adapter is cut off.
        const caller = runSipp('uac-queue-answered-expect-200.xml', { service: '7001', timeoutMs: 20_000 });
        answered = await until(() => calls().find((e) => e.type === 'call.answered'), 'call.answered');
        relay.cut();
        await until(() => seen.find((e) => e.type === 'provider.down'), 'provider.down', 10_000);
        const result = await caller;
        expect(result, result.stderr).toMatchObject({ code: 0, timedOut: false });
      } finally {
        await phone.stop();
      }
      const { callId } = answered;
      expect(calls().some((e) => e.type === 'call.ended')).toBe(false);

      relay.restore();
      await until(() => (ups() >= 2 ? true : undefined), 'provider.up after the outage', 10_000);
      // Resync found no channel of the call left: it waits for its Cdr, it is not closed yet.
      await new Promise((r) => setTimeout(r, 500));
      expect(calls().some((e) => e.type === 'call.ended')).toBe(false);
      await asteriskCli('cdr submit');
      const ended = (await until(
        () => calls().find((e) => e.type === 'call.ended'),
        'call.ended from the Cdr',
        10_000,
      )) as CallEnded;
      await new Promise((r) => setTimeout(r, 1000));

      const ofCall = calls().filter((e) => e.callId === callId);
      expect(ofCall.filter((e) => e.type === 'call.ended')).toHaveLength(1);
      expect(ofCall.map((e) => e.seq)).toEqual(ofCall.map((_, i) => i + 1));
      expect(ended).toMatchObject({ closedFromCdr: true, answered: true, cause: 'normal-clearing' });
      expect(Math.abs(ended.talkSeconds - 4)).toBeLessThanOrEqual(1);

      const linkedid = answered.externalIds.linkedid;
      await waitFor(
        async () => {
          const rows: unknown[] = await ds.query(`SELECT 1 FROM calls WHERE id = $1 AND status = 'ended'`, [callId]);
          return rows.length === 1;
        },
        { what: 'the call stored as ended', timeoutMs: 10_000, intervalMs: 100 },
      );
      const rows: Array<Record<string, unknown>> = await ds.query('SELECT * FROM calls WHERE linkedid = $1', [
        linkedid,
      ]);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        status: 'ended',
        disposition: 'answered',
        hangup_cause: 'normal-clearing',
        closed_from_cdr: true,
      });
      expect(Number(rows[0]!.last_seq)).toBe(ofCall.length);
      console.log(
        `[ami-live] AMI outage: talk ${ended.talkSeconds}s from Cdr; ${ofCall.map((e) => e.type).join(' → ')}`,
      );
    } finally {
      copyFileSync(join(process.cwd(), 'test/pbx/asterisk/cdr.conf'), cdrConf);
      await asteriskCli('module reload cdr').catch(() => '');
      await relay.close();
    }
  });

  it('the adapter process restarts: a call still going carries on, one that ended meanwhile is closed, each once', async () => {
    await pipeline?.close();
    pipeline = undefined;
    const ds = database.dataSource;
    /** One adapter process: fresh tracker state, told by the records which calls an earlier one left open. */
    const startAdapter = async (seen: TelephonyEvent[]) => {
      const provider = new AmiProvider(
        amiConfigFromEnv({ cdrGraceMs: CDR_GRACE_MS, openCalls: () => openCallsOf(ds, 'ami') }),
      );
      provider.onEvent((e) => seen.push(e));
      const started = await startNode(provider);
      await until(() => (provider.isUp() ? true : undefined), 'provider up');
      return started;
    };
    const stored = async (callId: string, status: string) => {
      await waitFor(
        async () =>
          ((await ds.query('SELECT 1 FROM calls WHERE id = $1 AND status = $2', [callId, status])) as unknown[])
            .length === 1,
        { what: `the call stored as ${status}`, timeoutMs: 15_000, intervalMs: 100 },
      );
      const [row] = (await ds.query('SELECT * FROM calls WHERE id = $1', [callId])) as Record<string, unknown>[];
      const types = (await ds.query('SELECT type FROM call_events WHERE call_id = $1 ORDER BY seq', [callId])) as {
        type: string;
      }[];
      return { row: row!, types: types.map((t) => t.type) };
    };
    const answeredUnder = async (seen: TelephonyEvent[]) => {
      const answered = await until(
        () => seen.filter(isCallEvent).find((e) => e.type === 'call.answered' && e.from.e164 === CALLER),
        'call.answered',
      );
      await stored(answered.callId, 'answered'); // what the records say when the process stops
      return answered.callId;
    };

    const phone = await plugPhone('1001', 'uas-operator-answer.xml');
    try {
      // 1. Answered under the first process, still talking when the second one starts (DID 7001 → 1001).
      const first: TelephonyEvent[] = [];
      pipeline = await startAdapter(first);
      const talking = runSipp('uac-queue-talk-expect-200.xml', {
        service: '7001',
        extraArgs: ['-d', '8000'],
        timeoutMs: 30_000,
      });
      const goingOn = await answeredUnder(first);
      await pipeline.close();
      const second: TelephonyEvent[] = [];
      pipeline = await startAdapter(second);
      expect(second.filter(isCallEvent)).toEqual([]); // taken over, not announced again
      expect(await talking).toMatchObject({ code: 0, timedOut: false });
      const carriedOn = await stored(goingOn, 'ended');
      expect(carriedOn.row).toMatchObject({
        disposition: 'answered',
        agent_extension: '1001',
        hangup_cause: 'normal-clearing',
      });
      expect(Math.abs(Number(carriedOn.row.talk_seconds) - 8)).toBeLessThanOrEqual(1);
      expect(carriedOn.types.filter((t) => t === 'call.created' || t === 'call.answered')).toEqual([
        'call.created',
        'call.answered',
      ]);
      expect(carriedOn.types.at(-1)).toBe('call.ended');
      expect(carriedOn.types.filter((t) => t === 'call.ended')).toHaveLength(1);

      // 2. Answered under the second process, ended while no adapter listened (4 s talk), before the third starts.
      const ended = runSipp('uac-queue-answered-expect-200.xml', { service: '7001', timeoutMs: 20_000 });
      const gone = await answeredUnder(second);
      await pipeline.close();
      expect(await ended).toMatchObject({ code: 0, timedOut: false });
      const third: TelephonyEvent[] = [];
      pipeline = await startAdapter(third);
      const closed = (await until(
        () => third.filter(isCallEvent).find((e) => e.type === 'call.ended'),
        'call.ended after the grace period',
        CDR_GRACE_MS + 10_000,
      )) as CallEnded;
      // Nobody heard its Hangup or its Cdr: it is closed like a call cut by a crash, answered, by its operator.
      expect(closed).toMatchObject({
        callId: gone,
        answered: true,
        agentId: '1001',
        cause: 'failed',
        rawCause: 'RESYNC_NO_CDR',
      });
      const closedRow = await stored(gone, 'ended');
      expect(closedRow.row).toMatchObject({ disposition: 'answered', agent_extension: '1001', hangup_cause: 'failed' });
      expect(closedRow.types.filter((t) => t === 'call.ended')).toHaveLength(1);
      console.log(
        `[ami-live] adapter restart: carried on ${carriedOn.types.join(' → ')}; closed ${closedRow.types.join(' → ')}`,
      );
    } finally {
      await phone.stop();
    }
  });
});
