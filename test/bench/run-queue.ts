import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * What a rate's pops waited behind. This process's main thread (adapter, pipeline, Socket.IO server and client)
 * is the one that decides and emits: its time running and its time runnable but waiting for a CPU come from
 * /proc/self/schedstat. The runnable threads of every process, by name, come from a child process
 * (run-queue-sampler.ts), since a timer here would be starved exactly when the queue is long.
 */
export interface RunQueue {
  take(): Promise<RunQueueFigures>;
  stop(): void;
}

export interface RunQueueFigures {
  /** Main thread: ms on a CPU and ms runnable but waiting for one, since the last take. */
  mainThreadRanMs: number;
  mainThreadWaitedMs: number;
  /** Runnable threads per process name (mean and peak of samples every 200 ms), busiest first. */
  runnableThreads: { name: string; mean: number; peak: number }[];
}

const SAMPLER = fileURLToPath(new URL('./run-queue-sampler.ts', import.meta.url));

const schedstat = () =>
  readFileSync('/proc/self/schedstat', 'utf8').trim().split(/\s+/).map(Number) as [number, number];

export function startRunQueue(): RunQueue {
  const child: ChildProcess = fork(SAMPLER, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let last = schedstat();
  return {
    take: () =>
      new Promise((resolve) => {
        child.once('message', (runnableThreads) => {
          const now = schedstat();
          const [ran, waited] = [now[0] - last[0], now[1] - last[1]].map((ns) => Math.round(ns / 1e6)) as [
            number,
            number,
          ];
          last = now;
          resolve({
            mainThreadRanMs: ran,
            mainThreadWaitedMs: waited,
            runnableThreads: runnableThreads as RunQueueFigures['runnableThreads'],
          });
        });
        child.send('take');
      }),
    stop: () => child.disconnect(),
  };
}
