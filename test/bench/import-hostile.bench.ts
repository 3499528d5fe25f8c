import { fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { createDatabase } from '@server/db/data-source';
import { type Figure } from '@test/bench/figure';
import { ApiClient } from '@test/support/api-client';
import { TEST_PASSWORD, createUser, deleteUsers, suitePrefix } from '@test/support/api-server';
import {
  commaCsv,
  emptyRowsBombXlsx,
  farColumnXlsx,
  normalCsv,
  normalXlsx,
  sharedStringsBombXlsx,
} from '@test/support/hostile-files';

/**
 * Hostile import files (issue #21 item 1) against a normal 10,000-row file of the same format, same run:
 * - time from sending the upload to the answer (a refusal for the hostile ones, the preview for the normal);
 * - the server's peak RSS growth meanwhile (VmHWM after − VmRSS before; the peak is reset first through
 *   /proc/<pid>/clear_refs), which includes the parser thread.
 * Each file goes to a fresh server process whose parser thread has been started by a one-row upload, so neither
 * the thread's start nor an earlier file's heap is counted.
 */
const SERVER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'import-server.ts');

interface Measured {
  ms: number;
  peakMiB: number;
  status: number;
}

const kib = (field: string, pid: number) =>
  Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

async function measure(databaseUrl: string, login: string, fileName: string, file: Buffer): Promise<Measured> {
  const child = fork(SERVER, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m: { port: number }) => resolve(m.port));
      child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    });
    const client = new ApiClient(`http://127.0.0.1:${port}`);
    await client.login(login, TEST_PASSWORD);
    const upload = (name: string, body: Buffer) =>
      fetch(`${client.baseUrl}/api/imports?fileName=${name}`, {
        method: 'POST',
        headers: {
          'x-requested-with': 'zvonok',
          cookie: client.cookie ?? '',
          'content-type': 'application/octet-stream',
        },
        body: new Uint8Array(body),
      });
    const warm = await upload('warm.csv', normalCsv(1));
    if (warm.status !== 201) throw new Error(`warm-up upload: ${warm.status} ${await warm.text()}`);
    writeFileSync(`/proc/${child.pid}/clear_refs`, '5');
    const before = kib('VmRSS', child.pid!);
    const started = performance.now();
    const res = await upload(fileName, file);
    await res.arrayBuffer();
    const ms = performance.now() - started;
    return { ms, peakMiB: (kib('VmHWM', child.pid!) - before) / 1024, status: res.status };
  } finally {
    child.send({ stop: true });
    child.kill();
  }
}

export async function runImportHostileBench(databaseUrl: string): Promise<Figure[]> {
  const database = await createDatabase({ databaseUrl, dataDir: 'unused-with-database-url' });
  await database.dataSource.initialize();
  const user = await createUser(database.dataSource, suitePrefix('bench-import'), 'operator');
  const files = {
    normalCsv: normalCsv(10_000),
    normalXlsx: await normalXlsx(10_000),
    farXlsx: await farColumnXlsx(),
    commaCsv: commaCsv(),
    stringsBomb: sharedStringsBombXlsx(1.5),
    rowsBomb: emptyRowsBombXlsx(1.5),
  };
  try {
    const run = async (name: keyof typeof files, fileName: string) => {
      const m = await measure(databaseUrl, user.login, fileName, files[name]);
      console.log(
        `[bench] import ${name} (${files[name].length} bytes): ${m.status}, ${m.ms.toFixed(0)} ms, +${m.peakMiB.toFixed(1)} MiB`,
      );
      return m;
    };
    const csv = await run('normalCsv', 'normal.csv');
    const xlsx = await run('normalXlsx', 'normal.xlsx');
    const far = await run('farXlsx', 'w.xlsx');
    const commas = await run('commaCsv', 'commas.csv');
    const strings = await run('stringsBomb', 'strings.xlsx');
    const rows = await run('rowsBomb', 'rows.xlsx');
    const pair = (label: string, value: Measured, baseline: Measured, baseName: string): Figure[] => [
      {
        figure: `${label}: time to the answer (${value.status}) (baseline: ${baseName})`,
        value: value.ms,
        baseline: baseline.ms,
        unit: 'ms',
        ratio: value.ms / baseline.ms,
      },
      {
        figure: `${label}: server peak RSS growth (baseline: ${baseName})`,
        value: value.peakMiB,
        baseline: baseline.peakMiB,
        unit: 'MiB',
        ratio: value.peakMiB / baseline.peakMiB,
      },
    ];
    return [
      ...pair('hostile XLSX, 1,000 rows with a cell in column XFD', far, xlsx, 'normal 10,000-row XLSX'),
      ...pair('hostile CSV, a header and 1 MB of commas', commas, csv, 'normal 10,000-row CSV'),
      ...pair('XLSX shared strings inflating to 1.5 GiB', strings, xlsx, 'normal 10,000-row XLSX'),
      ...pair('XLSX of 1.5 GiB of empty rows', rows, xlsx, 'normal 10,000-row XLSX'),
    ];
  } finally {
    await deleteUsers(database.dataSource, [user.id]);
    await database.close();
  }
}
