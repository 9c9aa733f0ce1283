/**
 * Whether a process with this pid exists on this machine. Signal 0 checks without sending anything:
 * ESRCH means gone, EPERM means it exists but belongs to another user.
 * A recycled pid reads as alive: callers say which pid they saw so a person can check.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
