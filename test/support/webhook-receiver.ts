import http from 'node:http';
import { type AddressInfo } from 'node:net';

import { type Config } from '@server/config/env';

export interface ReceivedHook {
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Parsed JSON body. */
  json: { id: string; type: string; version: number; timestamp: string; data: Record<string, unknown> };
  /** What the receiver answered. */
  status: number;
  at: number;
}

/**
 * A webhook endpoint on loopback (the node under test must allow 127.0.0.1 in WEBHOOK_ALLOWED_NETWORKS). It records
 * every POST and answers what `answer` says for it (200 unless told otherwise), after `delayMs` if set.
 */
export class WebhookReceiver {
  readonly received: ReceivedHook[] = [];
  answer: (hook: Omit<ReceivedHook, 'status' | 'at'>, index: number) => number = () => 200;
  delayMs = 0;
  private server: http.Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const hook = { headers: req.headers, body, json: JSON.parse(body) as ReceivedHook['json'] };
        const status = this.answer(hook, this.received.length);
        this.received.push({ ...hook, status, at: Date.now() });
        setTimeout(() => res.writeHead(status, { 'content-type': 'text/plain' }).end('ok'), this.delayMs);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
    return this;
  }

  of(type: string): ReceivedHook[] {
    return this.received.filter((r) => r.json.type === type);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Short retries so a test sees the whole schedule: 1 s, then about 2 s (the cap), 3 retries, then failed. */
export const FAST_WEBHOOKS: Config['webhooks'] = {
  timeoutMs: 5_000,
  allowedNetworks: ['127.0.0.1'],
  retryDelaySeconds: 1,
  retryMaxDelaySeconds: 2,
  retryLimit: 3,
  pollSeconds: 0.5,
};
