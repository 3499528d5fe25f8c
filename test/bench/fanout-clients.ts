/**
 * Child process of fanout.bench.ts: opens N Socket.IO clients to the bench server (one shared session cookie)
 * and reports when each socket received each `wallboard:update`. Both processes read the same machine clock
 * (performance.timeOrigin + now), so receipt minus the parent's send time is the delivery time.
 */
import { io, type Socket } from 'socket.io-client';

interface Start {
  url: string;
  cookie: string;
  sockets: number;
}

const now = () => performance.timeOrigin + performance.now();
const send = (message: unknown) => process.send?.(message);

async function open({ url, cookie, sockets }: Start): Promise<Socket[]> {
  const clients: Socket[] = [];
  // Connect in batches so the accept queue and the handshake authentication are not flooded at once.
  for (let i = 0; i < sockets; i += 100) {
    const batch = Array.from({ length: Math.min(100, sockets - i) }, () =>
      io(url, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false, forceNew: true }),
    );
    await Promise.all(
      batch.map(
        (s) =>
          new Promise<void>((resolve, reject) => {
            s.once('connect', () => resolve());
            s.once('connect_error', reject);
          }),
      ),
    );
    clients.push(...batch);
  }
  return clients;
}

process.on('message', (message: { start?: Start; stop?: true }) => {
  if (message.stop) process.exit(0);
  if (!message.start) return;
  open(message.start)
    .then((clients) => {
      const receipts = clients.map(() => [] as number[]);
      clients.forEach((s, i) => s.on('wallboard:update', () => receipts[i]!.push(now())));
      send({ ready: clients.length });
      // Collect once every socket has all updates, or after 30 s (then the parent reports the loss).
      process.on('message', (m: { collect?: number }) => {
        if (!m.collect) return;
        const expected = m.collect;
        const deadline = Date.now() + 30_000;
        const poll = () => {
          if (receipts.every((r) => r.length >= expected) || Date.now() > deadline) send({ receipts });
          else setTimeout(poll, 50);
        };
        poll();
      });
    })
    .catch((err: unknown) => send({ error: String(err) }));
});
