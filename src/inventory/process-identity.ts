import { readFileSync } from 'node:fs';

/**
 * What tells one run of a pid from another on Linux: the kernel's boot id (a new one every boot) and
 * the process's start time (field 22 of `/proc/<pid>/stat`, clock ticks since boot). A recycled pid
 * has another start time; a lock written before a reboot has another boot id. Undefined where
 * `/proc` does not exist (macOS, Windows): there the pid alone is checked.
 * https://man7.org/linux/man-pages/man5/proc_pid_stat.5.html
 */
export function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The start time of `pid` as `/proc/<pid>/stat` gives it, or undefined when it cannot be read. */
export function processStartOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count from its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] || undefined;
  } catch {
    return undefined;
  }
}
