import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { createDatabase } from '@server/db/data-source';
import { TEST_PASSWORD, createUser, deleteUsers, startTestNode, suitePrefix } from '@test/support/api-server';
import { type WallboardDto } from '@contracts/dto/wallboard';
import { percentile, type Figure } from '@test/bench/figure';

/**
 * Fan-out: one `wallboard:update` emitted to the supervisors' role room reaches every connected socket.
 * - figure: delivery time p99 over 2,000 sockets; baseline: the same emit to a single socket, same run;
 * - figure: server RSS with 2,000 sockets connected; baseline: the same server with none.
 * One update a second (the wallboard pushes at most twice a second). The clients live in a child process so the
 * server's RSS is its own; both share the 2 cores, so delivery includes the clients' own parsing time.
 */
const SOCKETS = 2_000;
const UPDATES = 20;
const INTERVAL_MS = 1_000;
const CLIENTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fanout-clients.ts');

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A realistic wallboard: two queues with waiting callers and 100 operators. */
function snapshot(): WallboardDto {
  const at = new Date().toISOString();
  const waiting = Array.from({ length: 3 }, (_, i) => ({
    callId: `call-${i}`,
    from: `+7916000000${i}`,
    anonymous: false,
    since: at,
    waitSeconds: 10 * i,
  }));
  return {
    at,
    dayStartedAt: at,
    timeZone: 'Europe/Moscow',
    shortAbandonSeconds: 5,
    queues: ['support', 'sales'].map((name) => ({
      name,
      waiting,
      longestWaitSeconds: 20,
      talking: 30,
      answeredToday: 120,
      abandonedToday: 4,
      missedToday: 2,
      serviceLevelToday: 83,
      serviceLevelThresholdSeconds: 20,
      averageWaitSeconds: 9,
    })),
    operators: Array.from({ length: 100 }, (_, i) => ({
      userId: `user-${i}`,
      name: `Оператор ${i}`,
      extension: String(1000 + i),
      state: i % 3 ? 'available' : 'on-call',
      reason: null,
      since: at,
      currentCall: null,
      callsToday: i,
      talkSecondsToday: 60 * i,
    })),
    totals: { waiting: 6, talking: 60, answeredToday: 240, abandonedToday: 8 },
    telephonyUp: true,
  };
}

export async function runFanoutBench(databaseUrl: string): Promise<Figure[]> {
  const database = await createDatabase({ databaseUrl, dataDir: 'unused-with-database-url' });
  await database.dataSource.initialize();
  // The node as main.ts composes it; its own wallboard would push too, so it is stopped: only our updates go out.
  const app = await startTestNode({ databaseUrl }, { database });
  app.services.wallboard.stop();
  const { realtime } = app.node;
  const { services } = app;
  const url = app.baseUrl;
  const supervisor = await createUser(database.dataSource, suitePrefix('bench-fanout'), 'supervisor');
  const { token } = await services.auth.login(supervisor.login, TEST_PASSWORD);
  const cookie = `zv_session=${token}`;

  const round = async (sockets: number) => {
    const child = fork(CLIENTS, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const next = <T>(key: string) =>
      new Promise<T>((resolve, reject) => {
        const onMessage = (m: Record<string, unknown>) => {
          if ('error' in m) reject(new Error(String(m.error)));
          else if (key in m) {
            child.off('message', onMessage);
            resolve(m[key] as T);
          }
        };
        child.on('message', onMessage);
      });
    try {
      child.send({ start: { url, cookie, sockets } });
      await next<number>('ready');
      global.gc?.();
      const rss = process.memoryUsage().rss;
      const sentAt: number[] = [];
      for (let i = 0; i < UPDATES; i++) {
        sentAt.push(now());
        realtime.emitToRole('supervisor', 'wallboard:update', snapshot());
        await sleep(INTERVAL_MS);
      }
      child.send({ collect: UPDATES });
      // Socket.IO keeps order per socket, so a socket's k-th receipt is the k-th update.
      const receipts = await next<number[][]>('receipts');
      const delays = receipts.flatMap((times) => times.map((t, k) => t - sentAt[k]!)).sort((a, b) => a - b);
      if (delays.length !== sockets * UPDATES)
        throw new Error(`fan-out lost updates: ${delays.length} of ${sockets * UPDATES} delivered`);
      return { p50: percentile(delays, 50), p99: percentile(delays, 99), rss };
    } finally {
      child.send({ stop: true });
      child.kill();
    }
  };

  try {
    global.gc?.();
    const idleRss = process.memoryUsage().rss;
    const one = await round(1);
    const many = await round(SOCKETS);
    const mib = (b: number) => b / 1024 / 1024;
    return [
      {
        figure: `fan-out p99 delivery, ${SOCKETS} sockets (baseline: 1 socket)`,
        value: many.p99,
        baseline: one.p99,
        unit: 'ms',
        ratio: many.p99 / one.p99,
        details: { p50: many.p50, baselineP50: one.p50, updates: UPDATES, intervalMs: INTERVAL_MS },
      },
      {
        figure: `server RSS with ${SOCKETS} sockets (baseline: none)`,
        value: mib(many.rss),
        baseline: mib(idleRss),
        unit: 'MiB',
        ratio: many.rss / idleRss,
        details: { perSocketKiB: (many.rss - idleRss) / 1024 / SOCKETS },
      },
    ];
  } finally {
    await deleteUsers(database.dataSource, [supervisor.id]);
    await app.close();
    await database.close();
  }
}
