import http from 'node:http';
import { type AddressInfo } from 'node:net';

import { Server } from 'socket.io';
import { io as connectSocket } from 'socket.io-client';

import { createTelephonyProvider } from '@telephony';
import { cpuShares, cpuSnapshot } from '@test/bench/cpu-share';
import { percentile, type Figure } from '@test/bench/figure';
import { amiConfigFromEnv, plugPhone } from '@test/support/ami-live';
import { createUser, deleteUsers, suitePrefix } from '@test/support/api-server';
import { startAsterisk } from '@test/support/services/asterisk';
import { startRedis } from '@test/support/services/redis';
import { runSipp } from '@test/support/sipp';
import { connectOperator, startWebNode } from '@test/support/web-node';

/**
 * Screen-pop latency on the real path: sipp calls DID 7001 of the reference Asterisk at a fixed rate; the AMI
 * adapter (in this process) emits `call.ringing` for 1001; it goes through the partitioned Redis stream to the
 * call pipeline of the one node (composeNode, as main.ts builds it), which decides the pop from memory (caller and
 * card from the change cache, a new caller's lead from PostgreSQL) and emits it through Socket.IO (redis-streams
 * adapter) to a socket.io-client logged in as 1001's operator, before the event is written. Latency = client
 * receipt of `call:ringing` − the adapter's emit of that `call.ringing` (same process, same clock). Everything —
 * sipp, Asterisk, PostgreSQL, Redis, server and client — shares the machine's cores: the CPU share of each part is
 * printed beside each rate, so a saturated PBX or sipp shows as such.
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

export async function runPopLatencyBench(databaseUrl: string): Promise<Figure[]> {
  const redis = await startRedis();
  const pbx = await startAsterisk();
  const saved = { DATABASE_URL: process.env.DATABASE_URL, REDIS_URL: process.env.REDIS_URL };
  Object.assign(process.env, { DATABASE_URL: databaseUrl, REDIS_URL: redis.url, ZVONOK_TEST_LOG: 'silent' });
  const provider = createTelephonyProvider(amiConfigFromEnv());
  const emittedAt = new Map<string, number>();
  provider.onEvent((event) => {
    if (event.type === 'call.ringing' && event.agentId === '1001') emittedAt.set(event.callId, now());
  });
  const node = await startWebNode({ name: 'bench', redis: true, provider });
  const figures: Figure[] = [];
  const parked = (
    (await node.dataSource.query(
      `UPDATE users SET active = false WHERE extension = '1001' AND active RETURNING id`,
    )) as [{ id: string }[], number]
  )[0].map((r) => r.id);
  const operator = await createUser(node.dataSource, `${suitePrefix('bench-pop')}-1001`, 'operator', '1001');
  const { socket } = await connectOperator(node.baseUrl, operator.login);
  const receivedAt = new Map<string, number>();
  socket.on('call:ringing', (payload) => receivedAt.set(payload.call.id, now()));
  const phone = await plugPhone('1001', 'uas-operator-answer.xml');
  try {
    const echo = await echoRoundTrips();
    for (const rate of RATES) {
      emittedAt.clear();
      receivedAt.clear();
      const calls = rate * SECONDS;
      const cpuBefore = cpuSnapshot();
      const result = await runSipp('uac-queue-answered-expect-200.xml', {
        service: '7001',
        calls,
        rate,
        limit: calls,
        timeoutMs: 90_000,
      });
      await sleep(1500);
      const cpu = cpuShares(cpuBefore, cpuSnapshot());
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
      };
      console.log(`[bench] pop-latency ${rate}/s: ${JSON.stringify(details)}`);
      for (const p of [50, 95, 99]) {
        const value = percentile(latencies, p);
        const baseline = percentile(echo, p);
        figures.push({
          figure: `pop latency p${p} at ${rate} calls/s, ${latencies.length}/${emittedAt.size} delivered (vs Socket.IO echo RTT p${p})`,
          value,
          baseline,
          unit: 'ms',
          ratio: value / baseline,
          details,
        });
      }
      await sleep(2000); // the calls of this rate hang up (4 s talk) before the next rate starts
    }
  } finally {
    socket.close();
    await phone.stop();
    await node.dataSource.query(`UPDATE users SET active = true WHERE id = ANY($1)`, [parked]);
    await deleteUsers(node.dataSource, [operator.id]);
    await node.close();
    await pbx.stop();
    await redis.stop();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
  return figures;
}
