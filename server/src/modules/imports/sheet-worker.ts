/** Worker-thread entry of read-sheet.ts: parses uploaded files one at a time and posts each table or refusal back. */
import fs from 'node:fs';
import { parentPort } from 'node:worker_threads';

import { AppError } from '@server/common/errors/app-error';
import { parseSheet } from '@server/modules/imports/import-file';
import { type ImportsErrorReason, importsError } from '@server/modules/imports/imports.errors';
import { type SheetJob, type SheetReply } from '@server/modules/imports/read-sheet';

const MAX_UNPACKED_MB = 256;

/**
 * exceljs spools a worksheet that comes before the shared strings (where Excel writes it) to a temp file, inflated,
 * before reading a row of it: a zip that inflates to gigabytes would fill the disk, or a tmpfs /tmp, i.e. memory.
 * The file streams this thread opens (only exceljs's spool) are therefore capped; the module is this thread's own.
 */
const createWriteStream = fs.createWriteStream;
fs.createWriteStream = ((...args: Parameters<typeof createWriteStream>) => {
  const stream = createWriteStream(...args);
  const write = stream.write.bind(stream) as (chunk: Buffer, ...rest: unknown[]) => boolean;
  let written = 0;
  stream.write = ((chunk: Buffer, ...rest: unknown[]) => {
    written += chunk.length;
    if (written <= MAX_UNPACKED_MB * 1024 * 1024) return write(chunk, ...rest);
    stream.destroy(
      importsError('IMPORT_TOO_COMPLEX', { limits: { limit: 'unpacked', maxUnpackedMb: MAX_UNPACKED_MB } }),
    );
    return false;
  }) as typeof stream.write;
  return stream;
}) as typeof fs.createWriteStream;

async function answer({ fileName, data }: SheetJob): Promise<SheetReply> {
  try {
    return { table: await parseSheet(fileName, Buffer.from(data.buffer, data.byteOffset, data.byteLength)) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // An AppError crosses the thread boundary as its reason and details; anything else is an unreadable file.
    if (!(err instanceof AppError)) return { refusal: { reason: 'IMPORT_UNREADABLE' }, message };
    const { reason, ...limits } = err.details as { reason: ImportsErrorReason } & Record<string, number | string>;
    return { refusal: { reason, limits }, message };
  }
}

parentPort?.on('message', (job: SheetJob) => {
  void answer(job).then((reply) => parentPort?.postMessage(reply));
});
// Modules loaded: the parent starts a job's time limit from here.
parentPort?.postMessage('ready');
