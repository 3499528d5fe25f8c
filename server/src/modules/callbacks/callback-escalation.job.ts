import { type Logger } from 'pino';

import { type CallbacksService } from '@server/modules/callbacks/callbacks.service';

export interface EscalationJob {
  stop(): Promise<void>;
}

/** Runs `escalateDue` every `intervalMs`; a run never overlaps the previous one, and `stop` waits for it. */
export function startEscalationJob(callbacks: CallbacksService, intervalMs: number, logger: Logger): EscalationJob {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = callbacks
      .escalateDue()
      .then(() => undefined)
      .catch((err: unknown) => logger.error({ err }, 'callback escalation failed'))
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
