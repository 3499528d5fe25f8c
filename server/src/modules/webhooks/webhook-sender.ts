import http from 'node:http';
import https from 'node:https';

import { Webhook } from 'standardwebhooks';

import { type Logger } from '@server/common/logger/logger';

import { type DeliveryJob } from './webhook-dispatcher';
import { type WebhookUrlGuard } from './webhook-url-guard';
import { type WebhooksRepository } from './webhooks.repository';

export interface SendResult {
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

export interface WebhookSenderOptions {
  /** How long one attempt may take, connect to response headers. */
  timeoutMs: number;
  userAgent: string;
}

/** The endpoint's secret for signing, opened from its sealed form. */
export type SecretOpener = (endpointId: string, sealed: Buffer) => string;

/**
 * The job queue's worker: signs a delivery per Standard Webhooks (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature` = v1 HMAC-SHA256 of `id.timestamp.body` with the endpoint's `whsec_` secret), POSTs it, and
 * logs the attempt. Any 2xx is delivered; anything else (another status, a refused or private address, a timeout)
 * throws, and the queue retries with exponential backoff until its limit, when the delivery is marked failed.
 * Redirects are not followed.
 */
export class WebhookSender {
  constructor(
    private readonly repo: WebhooksRepository,
    private readonly guard: WebhookUrlGuard,
    private readonly openSecret: SecretOpener,
    private readonly options: WebhookSenderOptions,
    private readonly logger: Logger,
  ) {}

  /** `finalAttempt`: the queue will not retry after this one. */
  async deliver(job: DeliveryJob, finalAttempt: boolean): Promise<void> {
    const delivery = await this.repo.forSending(job.deliveryId);
    if (!delivery) return; // the endpoint was deleted with its deliveries
    if (delivery.status === 'delivered' && !job.manual) return; // an admin's redelivery got there first
    const manual = job.manual ?? false;
    if (!delivery.active) {
      await this.repo.recordAttempt(delivery.id, {
        statusCode: null,
        durationMs: 0,
        error: 'endpoint is paused',
        manual,
        status: 'failed',
      });
      return;
    }
    const body = JSON.stringify(delivery.payload);
    const sentAt = new Date();
    const signature = new Webhook(this.openSecret(delivery.endpoint_id, delivery.secret)).sign(
      delivery.event_id,
      sentAt,
      body,
    );
    const result = await this.post(new URL(delivery.url), body, {
      'content-type': 'application/json',
      'user-agent': this.options.userAgent,
      'webhook-id': delivery.event_id,
      'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
      'webhook-signature': signature,
    });
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    await this.repo.recordAttempt(delivery.id, {
      ...result,
      manual,
      status: ok ? 'delivered' : finalAttempt ? 'failed' : 'pending',
    });
    if (!ok) {
      const reason = result.error ?? `HTTP ${result.statusCode ?? '?'}`;
      this.logger.info({ deliveryId: delivery.id, url: delivery.url, reason, finalAttempt }, 'webhook not delivered');
      throw new Error(`webhook ${delivery.id} not delivered: ${reason}`);
    }
  }

  /** One POST, settled at the response headers (the body is not read), or at the deadline. */
  post(url: URL, body: string, headers: Record<string, string>): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    return new Promise<SendResult>((resolve) => {
      let settled = false;
      const done = (statusCode: number | null, error: string | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve({ statusCode, durationMs: elapsed(), error });
      };
      const request = (url.protocol === 'https:' ? https : http).request(
        url,
        {
          method: 'POST',
          agent: this.guard.agentFor(url),
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        },
        (response) => {
          done(response.statusCode ?? null, null);
          response.destroy();
        },
      );
      const deadline = setTimeout(() => {
        done(null, `no answer within ${this.options.timeoutMs} ms`);
        request.destroy();
      }, this.options.timeoutMs);
      request.on('error', (err) => done(null, err.message));
      request.end(body);
    });
  }
}
