import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/** Every CPU of the machine, as a taskset list. */
export const ALL_CPUS = `0-${os.cpus().length - 1}`;

function pidsNamed(names: readonly string[]): string[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        return names.includes(readFileSync(`/proc/${pid}/comm`, 'utf8').trim());
      } catch {
        return false; // gone meanwhile
      }
    });
}

/**
 * Every thread of the processes with these names (and of this process, with `self`) on `cpus` (a taskset list);
 * threads and processes they start later inherit it.
 */
export function pinProcesses(names: readonly string[], cpus: string, self = false): void {
  for (const pid of [...pidsNamed(names), ...(self ? [String(process.pid)] : [])]) {
    try {
      execFileSync('taskset', ['-a', '-p', '-c', cpus, pid], { stdio: 'ignore' });
    } catch {
      // Gone meanwhile.
    }
  }
}
