import http from 'node:http';
import os from 'node:os';
import { type AddressInfo } from 'node:net';

import { Server } from 'socket.io';
import { io as connectSocket } from 'socket.io-client';

import { createTelephonyProvider, type TelephonyProvider } from '@telephony';
import { ALL_CPUS, pinProcesses } from '@test/bench/cpu-pin';
import { cpuShares, cpuSnapshot } from '@test/bench/cpu-share';
import { withGroupNice } from '@test/bench/cpu-weight';
import { percentileFigure, type Figure } from '@test/bench/figure';
import { startRunQueue } from '@test/bench/run-queue';
import { amiConfigFromEnv, plugPhone } from '@test/support/ami-live';
import { createUser, deleteUsers, suitePrefix } from '@test/support/api-server';
import { startAsterisk } from '@test/support/services/asterisk';
import { waitFor } from '@test/support/services/ports';
import { startRedis } from '@test/support/services/redis';
import { runSipp, type SippResult } from '@test/support/sipp';
import { connectOperator, startWebNode } from '@test/support/web-node';

/**
 * Screen-pop latency on the real path: sipp calls DID 7001 of the reference Asterisk at a fixed rate; the AMI
 * adapter (in this process) emits `call.ringing` for 1001; it goes through the partitioned Redis stream to the
 * call pipeline of the one node (composeNode, as main.ts builds it), which decides the pop from memory (caller and
 * card from the change cache, a new caller's lead from PostgreSQL) and emits it through Socket.IO (redis-streams
 * adapter) to a socket.io-client logged in as 1001's operator, before the event is written. Latency = client
 * receipt of `call:ringing` − the adapter's emit of that `call.ringing` (same process, same clock). Everything —
 * sipp, Asterisk, PostgreSQL, Redis, server and client — shares the machine's cores: the CPU share of each part is
 * printed beside each rate, so a saturated PBX or sipp shows as such, with how long the node's main thread waited for
 * a CPU and which processes' threads were runnable meanwhile. sipp runs in sessions of its own, so its audio threads
 * are a scheduling group of their own (the callers' phones are never the node's). Then the same rates with the
 * node's group weighted 3× (autogroup nice -5, as a systemd unit's CPUWeight=300 against the PBX's 100), and again
 * with Asterisk and sipp on one core and everything else on the other, as if the PBX had a machine of its own.
 * Baseline: a bare Socket.IO echo round trip (emit with ack) on loopback, measured in the same run.
 * Run it while holding /tmp/zv-live.lock (it places calls through the shared Asterisk).
 */
const RATES = [10, 50, 100, 200];
const SECONDS = 2;
const ECHO_PINGS = 500;

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function echoRoundTrips(): Promise<number[]> {
  const server = http.createServer();
  const io = new Server(server);
  io.on('connection', (socket) => socket.on('echo', (payload: unknown, ack: (p: unknown) => void) => ack(payload)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = connectSocket(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true });
  await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  const rtts: number[] = [];
  for (let i = 0; i < ECHO_PINGS; i++) {
    const started = now();
    await client.emitWithAck('echo', { i });
    rtts.push(now() - started);
  }
  client.close();
  await new Promise<void>((resolve) => void io.close(() => resolve()));
  return rtts.slice(50).sort((a, b) => a - b); // the first pings pay for JIT warm-up
}

export interface PopRun {
  rate: number;
  /** Latencies (ms), ascending, of the pops received. */
  latencies: number[];
  details: Record<string, unknown>;
}

/**
 * Pops at each rate through one node (composeNode) fed by `provider`, to a socket.io-client logged in as 1001's
 * operator: latency = client receipt of `call:ringing` − the adapter's emit of `call.ringing` for 1001 (same
 * process, same clock). `place` runs sipp for one rate. The database and Redis must be in the environment.
 */
export async function measurePops(
  name: string,
  provider: TelephonyProvider,
  rates: readonly number[],
  place: (rate: number, calls: number) => Promise<SippResult>,
): Promise<PopRun[]> {
  const emittedAt = new Map<string, number>();
  const off = provider.onEvent((event) => {
    if (event.type === 'call.ringing' && event.agentId === '1001') emittedAt.set(event.callId, now());
  });
  const node = await startWebNode({ name, redis: true, provider });
  const parked = (
    (await node.dataSource.query(
      `UPDATE users SET active = false WHERE extension = '1001' AND active RETURNING id`,
    )) as [{ id: string }[], number]
  )[0].map((r) => r.id);
  const operator = await createUser(node.dataSource, `${suitePrefix('bench-pop')}-1001`, 'operator', '1001');
  const { socket } = await connectOperator(node.baseUrl, operator.login);
  const receivedAt = new Map<string, number>();
  socket.on('call:ringing', (payload) => receivedAt.set(payload.call.id, now()));
  const runs: PopRun[] = [];
  const runQueue = startRunQueue();
  try {
    await waitFor(async () => provider.isUp(), { what: `${name}: telephony up`, timeoutMs: 15_000 });
    for (const rate of rates) {
      emittedAt.clear();
      receivedAt.clear();
      const calls = rate * SECONDS;
      const cpuBefore = cpuSnapshot();
      await runQueue.take();
      const result = await place(rate, calls);
      await sleep(1500);
      const cpu = cpuShares(cpuBefore, cpuSnapshot());
      const { mainThreadRanMs, mainThreadWaitedMs, runnableThreads } = await runQueue.take();
      const latencies = [...emittedAt].flatMap(([callId, at]) => {
        const got = receivedAt.get(callId);
        return got === undefined ? [] : [got - at];
      });
      latencies.sort((a, b) => a - b);
      const details = {
        rate,
        calls,
        sippSuccessful: result.successful,
        sippFailed: result.failed,
        ringingEmitted: emittedAt.size,
        popsReceived: latencies.length,
        delivered: `${latencies.length}/${emittedAt.size}`,
        cpuSharePercent: cpu,
        // The thread that decides and emits: how long it ran, and how long it was runnable but had no CPU.
        mainThread: { ranMs: mainThreadRanMs, waitedForCpuMs: mainThreadWaitedMs },
        runnableThreads: runnableThreads.slice(0, 4),
      };
      console.log(`[bench] ${name} ${rate}/s: ${JSON.stringify(details)}`);
      runs.push({ rate, latencies, details });
      await sleep(2000); // the calls of this rate hang up (4 s talk) before the next rate starts
    }
  } finally {
    runQueue.stop();
    off();
    socket.close();
    await node.dataSource.query(`UPDATE users SET active = true WHERE id = ANY($1)`, [parked]);
    await deleteUsers(node.dataSource, [operator.id]);
    await node.close();
  }
  return runs;
}

/** Runs `body` with DATABASE_URL and a fresh Redis in the environment (as the nodes read them), then restores it. */
export async function withNodeEnv<T>(databaseUrl: string, body: () => Promise<T>): Promise<T> {
  const redis = await startRedis();
  const saved = { DATABASE_URL: process.env.DATABASE_URL, REDIS_URL: process.env.REDIS_URL };
  Object.assign(process.env, { DATABASE_URL: databaseUrl, REDIS_URL: redis.url, ZVONOK_TEST_LOG: 'silent' });
  try {
    return await body();
  } finally {
    await redis.stop();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** Asterisk and sipp on CPU 0; this process (adapter, node, clients), PostgreSQL and Redis on CPU 1. */
const PBX_CPU = '0';
const APP_CPU = '1';
const PBX_SIDE = ['asterisk', 'sipp'];
/** The node's group in the weighted pass: nice -5 is weight 3121 against 1024, about CPUWeight=300 against 100. */
const NODE_NICE = -5;
const APP_SIDE = ['postgres', 'redis-server'];

export async function runPopLatencyBench(databaseUrl: string): Promise<Figure[]> {
  const pbx = await startAsterisk();
  const phone = await plugPhone('1001', 'uas-operator-answer.xml', [], { ownSession: true });
  try {
    return await withNodeEnv(databaseUrl, async () => {
      const echo = await echoRoundTrips();
      const figures = (label: string, runs: PopRun[]) =>
        runs.flatMap(({ rate, latencies, details }) =>
          [50, 95, 99].map((p) =>
            percentileFigure(
              `pop latency p${p} at ${rate} calls/s${label}, ${String(details.delivered)} delivered (vs Socket.IO echo RTT p${p})`,
              p,
              latencies,
              echo,
              details,
            ),
          ),
        );
      const place = (cpus?: string) => (rate: number, calls: number) =>
        runSipp('uac-queue-answered-expect-200.xml', {
          service: '7001',
          calls,
          rate,
          limit: calls,
          timeoutMs: 90_000,
          cpus,
          ownSession: true,
        });
      const provider = () => createTelephonyProvider(amiConfigFromEnv());
      const shared = await measurePops('pop-latency', provider(), RATES, place());
      // The same machine, the node's scheduling group weighted as a systemd unit's CPUWeight=300 would weigh it
      // against the PBX's 100: it needs a fifth of a core at these rates, but at once.
      const weighted = await withGroupNice(NODE_NICE, () =>
        measurePops('pop-latency-node-weighted', provider(), RATES, place()),
      );
      if ('skipped' in weighted) console.log(`[bench] pop-latency-node-weighted skipped: ${weighted.skipped}`);
      const sharedFigures = [
        ...figures('', shared),
        ...('ran' in weighted ? figures(`, node weighted 3× (nice ${NODE_NICE})`, weighted.ran) : []),
      ];
      if (os.cpus().length < 2) return sharedFigures;
      // The same calls as if the PBX (and the carrier's side, sipp) ran on a machine of its own: one core each side.
      // What the shared run loses against this one is what the PBX's threads take from the node.
      pinProcesses(PBX_SIDE, PBX_CPU);
      pinProcesses(APP_SIDE, APP_CPU, true);
      try {
        const apart = await measurePops('pop-latency-pbx-apart', provider(), RATES, place(PBX_CPU));
        return [...sharedFigures, ...figures(', PBX on a core of its own', apart)];
      } finally {
        pinProcesses([...PBX_SIDE, ...APP_SIDE], ALL_CPUS, true);
      }
    });
  } finally {
    await phone.stop();
    await pbx.stop();
  }
}
