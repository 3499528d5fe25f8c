import { pino } from 'pino';
import { describe, expect, it } from 'vitest';

import { startEscalationJob } from '@server/modules/callbacks/callback-escalation.job';
import { type CallbacksService } from '@server/modules/callbacks/callbacks.service';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('startEscalationJob', () => {
  it('runs escalateDue on every tick, never two at once, survives a failing run, and stop() waits for the run', async () => {
    let running = 0;
    let maxRunning = 0;
    let calls = 0;
    let finished = 0;
    // Stand-in for the service (the real one is tested on Postgres in callbacks.int.spec.ts).
    const service = {
      escalateDue: async () => {
        calls += 1;
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await sleep(35);
        running -= 1;
        finished += 1;
        if (calls === 1) throw new Error('database away');
        return [];
      },
    } as unknown as CallbacksService;
    const job = startEscalationJob(service, 10, pino({ level: 'silent' }));
    await sleep(150);
    await job.stop();
    const afterStop = calls;
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(maxRunning).toBe(1);
    expect(finished).toBe(calls);
    await sleep(50);
    expect(calls).toBe(afterStop);
  });
});
