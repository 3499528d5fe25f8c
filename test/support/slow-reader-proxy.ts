import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy that plays a node slow to read its peer: what the upstream sends is held until it has been quiet for
 * `quietMs`, then written in one piece, so messages that were milliseconds apart reach the client in one read (the
 * client's parser then handles them all before any awaiting code resumes). What the client sends passes at once.
 */
export class SlowReaderProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly upstream: { host: string; port: number },
    private readonly quietMs: number,
  ) {
    this.server = createServer((client) => this.pipe(client));
  }

  static async start(upstream: { host: string; port: number }, quietMs = 150): Promise<SlowReaderProxy> {
    const proxy = new SlowReaderProxy(upstream, quietMs);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', resolve);
    });
    return proxy;
  }

  get port(): number {
    const address = this.server.address();
    if (typeof address !== 'object' || !address) throw new Error('the proxy is not listening');
    return address.port;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private pipe(client: Socket): void {
    const server = connect(this.upstream);
    this.sockets.add(client).add(server);
    let held: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      timer = undefined;
      if (!client.destroyed) client.write(Buffer.concat(held));
      held = [];
    };
    server.on('data', (chunk: Buffer) => {
      held.push(chunk);
      clearTimeout(timer);
      timer = setTimeout(flush, this.quietMs);
    });
    client.on('data', (chunk: Buffer) => server.write(chunk));
    const close = () => {
      clearTimeout(timer);
      client.destroy();
      server.destroy();
      this.sockets.delete(client);
      this.sockets.delete(server);
    };
    for (const socket of [client, server]) {
      socket.on('close', close);
      socket.on('error', close);
    }
  }
}
