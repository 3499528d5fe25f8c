import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

import { detectFormat, type SheetTable } from '@server/modules/imports/import-file';
import { type ImportsErrorReason, importsError } from '@server/modules/imports/imports.errors';

export interface SheetJob {
  fileName: string;
  data: Uint8Array;
}

export interface SheetReply {
  table?: SheetTable;
  /** Why the file was refused, and the caps and line the client needs to say so (the AppError's details). */
  refusal?: { reason: ImportsErrorReason; limits?: Record<string, number | string> };
  message?: string;
}

/**
 * What one parse may use. A legitimate file at the caps (5 MB, 10,000 rows) needs a fraction of this; a hostile
 * one (a zip that inflates to gigabytes, a sheet of empty rows) is stopped here instead of taking the node down.
 */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 };
const TIMEOUT_MS = 30_000;
/** Parser threads on a node; more uploads wait their turn, so together they never use more than this × the limits. */
const THREADS = 2;
/** A thread idle this long is stopped (it holds exceljs and its heap); the next upload starts one again. */
const IDLE_MS = 60_000;

const ENTRY = new URL(`./sheet-worker${path.extname(new URL(import.meta.url).pathname)}`, import.meta.url);

/** tsx's ESM API entry (require.resolve would find its CommonJS build, which cannot register from an ES module). */
function tsxEsmApi(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('tsx/package.json');
  const exports = (require(pkg) as { exports: Record<string, { import: { default: string } }> }).exports;
  return path.join(path.dirname(pkg), exports['./esm/api']!.import.default);
}

/**
 * Run from TypeScript sources (tsx, vitest), the worker registers tsx itself: a loader registered in the parent
 * thread does not reach worker threads on node 20.
 */
function startWorker(tmpDir: string): Worker {
  const options = {
    resourceLimits: RESOURCE_LIMITS,
    // exceljs spools worksheets that precede the shared strings to temp files: to a directory that exists only while
    // a job runs (so a process killed between jobs leaves nothing behind).
    env: { ...process.env, TMPDIR: tmpDir },
  };
  if (!ENTRY.pathname.endsWith('.ts')) return new Worker(ENTRY, options);
  const tsx = JSON.stringify(pathToFileURL(tsxEsmApi()).href);
  const boot = `import(${tsx}).then((tsx) => { tsx.register(); return import(${JSON.stringify(ENTRY.href)}); });`;
  return new Worker(boot, { ...options, eval: true });
}

type Outcome = { reply: SheetReply } | { failure: Error };
const TIMED_OUT = new Error(`import parse took longer than ${TIMEOUT_MS} ms`);

/**
 * One parser thread, started on first use and kept for the next upload (starting one loads tsx and exceljs, about a
 * second). A thread that ran out of memory, timed out or died is dropped and the next job starts a fresh one.
 */
class ParserThread {
  private worker: Worker | null = null;
  /** Settles once the thread has loaded its modules (its first message), or fails if it dies first. */
  private ready: Promise<void> | null = null;
  private readonly tmpDir = path.join(os.tmpdir(), `zvonok-import-${randomUUID()}`);
  private idle: NodeJS.Timeout | undefined;

  async parse(job: SheetJob): Promise<SheetTable> {
    clearTimeout(this.idle);
    const worker = this.worker ?? this.start();
    // The time limit is the parse's: a thread that is slow to start on a busy machine does not count against it.
    await this.ready?.catch(async (failure: unknown) => {
      await this.stop();
      throw failure;
    });
    await mkdir(this.tmpDir, { recursive: true });
    const outcome = await exchange(worker, job);
    // A failed thread is stopped before its spool goes, so it cannot write there meanwhile.
    if ('failure' in outcome) await this.stop();
    await rm(this.tmpDir, { recursive: true, force: true });
    if ('failure' in outcome) {
      const { failure } = outcome;
      if (failure === TIMED_OUT) {
        throw importsError('IMPORT_TOO_COMPLEX', { limits: { limit: 'time', maxSeconds: TIMEOUT_MS / 1000 } });
      }
      if ((failure as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') {
        const maxMemoryMb = RESOURCE_LIMITS.maxOldGenerationSizeMb;
        throw importsError('IMPORT_TOO_COMPLEX', { limits: { limit: 'memory', maxMemoryMb }, cause: failure });
      }
      throw failure;
    }
    this.idle = setTimeout(() => void this.stop(), IDLE_MS).unref();
    const { table, refusal, message } = outcome.reply;
    if (table) return table;
    throw importsError(refusal?.reason ?? 'IMPORT_UNREADABLE', { limits: refusal?.limits, cause: message });
  }

  private start(): Worker {
    const worker = startWorker(this.tmpDir);
    // Idle threads must not keep the process alive; an error while idle must not become an uncaught one, and a
    // thread that ends by itself is cleaned up and replaced.
    worker.unref();
    worker.on('error', () => undefined);
    worker.once('exit', () => {
      if (this.worker === worker) void this.stop();
    });
    this.ready = new Promise((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`parser thread exited with ${code} while starting`)));
    });
    this.worker = worker;
    return worker;
  }

  private async stop(): Promise<void> {
    const { worker } = this;
    this.worker = null;
    this.ready = null;
    await worker?.terminate();
  }
}

/** Sends one job and waits for its reply, the thread's death, or the time limit. */
function exchange(worker: Worker, job: SheetJob): Promise<Outcome> {
  return new Promise((resolve) => {
    const done = (outcome: Outcome) => {
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      resolve(outcome);
    };
    const onMessage = (reply: SheetReply) => done({ reply });
    // ERR_WORKER_OUT_OF_MEMORY when the heap limit is hit; the error carries a `code` then.
    const onError = (failure: Error) => done({ failure });
    const onExit = (code: number) => done({ failure: new Error(`parser thread exited with ${code}`) });
    const timer = setTimeout(() => done({ failure: TIMED_OUT }), TIMEOUT_MS);
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    worker.postMessage(job);
  });
}

const threads = Array.from({ length: THREADS }, () => new ParserThread());
const free = [...threads];
const waiting: ((thread: ParserThread) => void)[] = [];

async function onFreeThread<T>(fn: (thread: ParserThread) => Promise<T>): Promise<T> {
  const thread = free.pop() ?? (await new Promise<ParserThread>((resolve) => waiting.push(resolve)));
  try {
    return await fn(thread);
  } finally {
    const next = waiting.shift();
    if (next) next(thread);
    else free.push(thread);
  }
}

/**
 * The uploaded file as a table, parsed in a worker thread with a memory and a time limit (at most THREADS at once),
 * so the event loop keeps serving while it runs and a hostile file costs at most those limits. The format is checked
 * here first, so an unsupported file gets its 415 without a thread.
 */
export function readSheet(fileName: string, data: Buffer): Promise<SheetTable> {
  detectFormat(fileName, data);
  return onFreeThread((thread) => thread.parse({ fileName, data }));
}
