import { type DataSource } from 'typeorm';

import { type LeadDto } from '@contracts/dto/lead';
import { type ChangeCache } from '@server/common/cache/change-cache';
import { type Config } from '@server/config/env';
import { type JobQueue } from '@server/common/jobs/job-queue';
import { type Logger } from '@server/common/logger/logger';
import { type AuditService } from '@server/modules/audit/audit.service';

import { type DeliveryJob, WEBHOOK_QUEUE, WebhookDispatcher } from './webhook-dispatcher';
import { WebhookSender } from './webhook-sender';
import { WebhookUrlGuard } from './webhook-url-guard';
import { WebhooksRepository } from './webhooks.repository';
import { type SecretBox, WebhooksService } from './webhooks.service';

export type WebhooksConfig = Config['webhooks'];

export interface Webhooks {
  service: WebhooksService;
  dispatcher: WebhookDispatcher;
  /** Declares the queue and starts this node's workers (the job queue must be started). */
  start(): Promise<void>;
  stop(): void;
}

/** Sent attempts are kept in the log this long. */
const LOG_RETENTION_DAYS = 30;

/** Everything of webhooks for the composition root: the admin service, the enqueuing side and the workers. */
export function createWebhooks(deps: {
  dataSource: DataSource;
  jobs: JobQueue;
  audit: AuditService;
  secrets: SecretBox;
  config: WebhooksConfig;
  publicUrl?: string;
  findLead: (id: string) => Promise<LeadDto | null>;
  chosenContact: (callId: string) => Promise<string | null>;
  /** The node's change cache (the card read model's): who subscribes to what, read on every call event. */
  cache?: ChangeCache;
  logger: Logger;
}): Webhooks {
  const { config, jobs, logger } = deps;
  const repo = new WebhooksRepository(deps.dataSource, deps.cache);
  const guard = new WebhookUrlGuard(config.allowedNetworks);
  const dispatcher = new WebhookDispatcher(repo, jobs, logger, deps.findLead, deps.chosenContact, deps.publicUrl);
  const sender = new WebhookSender(
    repo,
    guard,
    (id, sealed) => deps.secrets.open(id, sealed),
    { timeoutMs: config.timeoutMs, userAgent: 'Zvonok-Webhooks/1' },
    logger,
  );
  let purge: NodeJS.Timeout | undefined;
  return {
    service: new WebhooksService(repo, guard, deps.secrets, jobs, deps.audit),
    dispatcher,
    start: async () => {
      await jobs.queue(WEBHOOK_QUEUE, {
        retryLimit: config.retryLimit,
        retryDelay: config.retryDelaySeconds,
        retryBackoff: true,
        retryDelayMax: config.retryMaxDelaySeconds,
        // An attempt that has not settled by then (the node died mid-send) is retried by another node.
        expireInSeconds: Math.ceil(config.timeoutMs / 1000) + 30,
        // Waiting jobs outlive the whole retry schedule; finished ones go after a week (the log has them).
        retentionSeconds: 3 * 86_400,
        deleteAfterSeconds: 7 * 86_400,
      });
      await jobs.work<DeliveryJob>(
        WEBHOOK_QUEUE,
        { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: config.pollSeconds, localConcurrency: 4 },
        async (batch) => {
          for (const job of batch as unknown as { data: DeliveryJob; retryCount: number; retryLimit: number }[]) {
            await sender.deliver(job.data, job.retryCount >= job.retryLimit);
          }
        },
      );
      const clean = () =>
        repo.purgeOlderThan(LOG_RETENTION_DAYS).catch((err: unknown) => logger.warn({ err }, 'webhook log purge'));
      purge = setInterval(() => void clean(), 3_600_000).unref();
    },
    stop: () => clearInterval(purge),
  };
}
