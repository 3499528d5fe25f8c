import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Why the kernel would not weigh this process's scheduling group, or null when it would: the group is its session's
 * autogroup, which counts only with autogroup on and the process in the root cpu cgroup (under systemd a service's
 * own cgroup plays that part, with CPUWeight=).
 */
function autogroupUnavailable(): string | null {
  try {
    if (readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() !== '1') return 'autogroup is off';
    const lines = readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n');
    const cpu = lines.find((l) => /^\d+:[^:]*\bcpu\b[^:]*:/.test(l)) ?? lines.find((l) => l.startsWith('0::'));
    const path = cpu?.slice(cpu.lastIndexOf(':') + 1);
    if (path !== '/') return `this process is in cpu cgroup ${path ?? '?'}, where autogroup does not apply`;
    readFileSync('/proc/self/autogroup', 'utf8');
    return null;
  } catch (error) {
    return `no autogroup here (${(error as Error).message})`;
  }
}

/**
 * Runs `pass` with this process's session (its autogroup: this process and what it forked without a session of its
 * own) at `nice`, as a systemd unit's CPUWeight= sets a service against the others on a shared machine: nice -5 is a
 * weight of 3121 against the default 1024, about CPUWeight=300 against 100. Afterwards the group's nice is put back.
 * Where the kernel would ignore it (or this process may not raise its priority) it says why instead of running.
 */
export async function withGroupNice<T>(
  nice: number,
  pass: () => Promise<T>,
): Promise<{ ran: T } | { skipped: string }> {
  const unavailable = autogroupUnavailable();
  if (unavailable) return { skipped: unavailable };
  const before = /nice (-?\d+)/.exec(readFileSync('/proc/self/autogroup', 'utf8'))?.[1] ?? '0';
  try {
    writeFileSync('/proc/self/autogroup', String(nice));
  } catch (error) {
    return { skipped: `cannot set the autogroup's nice to ${nice} (${(error as Error).message})` };
  }
  try {
    return { ran: await pass() };
  } finally {
    writeFileSync('/proc/self/autogroup', before);
  }
}
