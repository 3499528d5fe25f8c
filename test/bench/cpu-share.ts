import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/** CPU seconds used so far, per part of the bench machine, read from /proc (Linux clock ticks are 1/100 s). */
export interface CpuSnapshot {
  at: number;
  seconds: Record<string, number>;
}

const TICK = 100;
const PARTS: Record<string, string> = { asterisk: 'asterisk', postgres: 'postgres', 'redis-server': 'redis' };

/**
 * `processes`: more parts by pid (forked consumers), each the sum of its processes. `machine` is every process on
 * the machine, other users' too: near 100 % the cores were saturated, whoever used them.
 */
export function cpuSnapshot(processes: Record<string, number[]> = {}): CpuSnapshot {
  const seconds: Record<string, number> = { asterisk: 0, postgres: 0, redis: 0 };
  for (const [part, pids] of Object.entries(processes)) seconds[part] = pids.reduce((sum, pid) => sum + ownCpu(pid), 0);
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
  // user nice system idle iowait irq softirq steal: everything but idle and iowait is busy.
  seconds.machine = ticks.slice(0, 8).reduce((sum, t, i) => (i === 3 || i === 4 ? sum : sum + t), 0) / TICK;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const part = PARTS[comm];
    if (!part) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    seconds[part] = (seconds[part] ?? 0) + (Number(fields[11]) + Number(fields[12])) / TICK;
  }
  const self = readFileSync('/proc/self/stat', 'utf8');
  const fields = self.slice(self.lastIndexOf(')') + 2).split(' ');
  // utime, stime of this process (server, adapter and clients); cutime, cstime of its reaped children (sipp).
  seconds.node = (Number(fields[11]) + Number(fields[12])) / TICK;
  seconds.sipp = (Number(fields[13]) + Number(fields[14])) / TICK;
  return { at: performance.now(), seconds };
}

/** Share of the whole machine (all cores) each part used between two snapshots, in percent. */
export function cpuShares(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const capacity = ((after.at - before.at) / 1000) * os.cpus().length;
  return Object.fromEntries(
    Object.keys(after.seconds).map((part) => [
      part,
      Math.round((1000 * ((after.seconds[part] ?? 0) - (before.seconds[part] ?? 0))) / capacity) / 10,
    ]),
  );
}

function ownCpu(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICK;
  } catch {
    return 0; // gone meanwhile
  }
}
