import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { servesOrExits, spawnServer, type ServerProcess } from '@test/support/server-process';
import { serviceAccount } from '@test/support/services/service-process';

// Issue #21, finding 11: the embedded database (PGlite behind pglite-socket) listened on a loopback TCP port and
// accepted any user and password, so any local process could read the users' argon2 hashes. The real server
// process in embedded mode (no DATABASE_URL); another local account tries every socket the server listens on.

/** Socket inodes held by every process of the process group (tsx runs the server in a child of its own). */
function socketInodes(pgid: number): Set<string> {
  const inodes = new Set<string>();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after the parenthesised command: state, ppid, pgrp.
    if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) !== pgid) continue;
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]!);
      } catch {
        // closed meanwhile
      }
    }
  }
  return inodes;
}

/** Listening TCP ports and Unix socket paths of those inodes. */
function listeners(inodes: Set<string>): { tcp: number[]; unix: string[] } {
  const tcp = ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f[3] === '0A' && inodes.has(f[9]!))
      .map((f) => parseInt(f[1]!.split(':')[1]!, 16)),
  );
  const unix = readFileSync('/proc/net/unix', 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[3] === '00010000' && inodes.has(f[6]!) && f[7])
    .map((f) => f[7]!);
  return { tcp: [...new Set(tcp)], unix };
}

// Sends a Postgres StartupMessage as user "intruder" (no password: PGlite never asks for one) and reports the answer.
const PROBE = `
const net = require('net');
const [kind, target] = process.argv.slice(1);
const s = kind === 'tcp' ? net.connect({ host: '127.0.0.1', port: Number(target) }) : net.connect(target);
const done = (r) => { console.log(r); s.destroy(); process.exit(0); };
setTimeout(() => done('silent'), 3000);
s.on('connect', () => {
  const params = Buffer.from('user\\0intruder\\0database\\0postgres\\0\\0');
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + params.length, 0);
  head.writeInt32BE(196608, 4);
  s.write(Buffer.concat([head, params]));
});
s.on('data', (d) => done(d[0] === 0x52 && d.readInt32BE(5) === 0 ? 'open' : 'answered:' + String.fromCharCode(d[0])));
s.on('error', (e) => done('refused:' + e.code));
`;

function probeAsNobody(kind: 'tcp' | 'unix', target: string): Promise<string> {
  const nobody = serviceAccount('nobody');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', PROBE, kind, target], {
      cwd: '/',
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(nobody ? { uid: nobody.uid, gid: nobody.gid } : {}),
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('error', reject);
    child.once('exit', () => resolve(out.trim()));
  });
}

describe('#21.11 the embedded database is reachable by the server only', () => {
  let dataDir: string;
  let server: ServerProcess;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'zvonok-embedded-'));
    server = await spawnServer({
      NODE_ENV: 'test',
      DATABASE_URL: undefined,
      REDIS_URL: undefined,
      DATA_DIR: dataDir,
      SEED_DEMO: 'false',
      TELEPHONY_PROVIDER: 'none',
      LOG_LEVEL: 'warn',
    });
    expect(await servesOrExits(server)).toEqual({ serving: true });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the server works on it: /readyz reports the database ok', async () => {
    const res = await fetch(`${server.baseUrl}/readyz`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { checks: Record<string, string> }).checks.database).toBe('ok');
  });

  it('no TCP port but the app’s; another local account gets into none of its sockets, whatever it sends', async () => {
    const { tcp, unix } = listeners(socketInodes(server.pgid));
    expect(tcp).toContain(server.port);
    const outcomes: Record<string, string> = {};
    for (const port of tcp.filter((p) => p !== server.port))
      outcomes[`tcp:${port}`] = await probeAsNobody('tcp', String(port));
    for (const path of unix) outcomes[`unix:${path}`] = await probeAsNobody('unix', path);
    expect(Object.keys(outcomes).length, 'the database listens somewhere').toBeGreaterThan(0);
    for (const [where, outcome] of Object.entries(outcomes)) expect(outcome, where).not.toBe('open');
    expect(tcp, 'only the HTTP port is on TCP').toEqual([server.port]);
  });
});
