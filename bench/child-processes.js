/**
 * Every process the bench starts goes through here, so all of them are ended when the bench ends:
 * normally, on an error, or on Ctrl-C / SIGTERM. Each child leads its own process group (so a
 * `/usr/bin/time` wrapper and the node under it go together), and is ended by its group id.
 */
import { spawn } from 'node:child_process';

const running = new Set();

/** Starts a child in its own process group and tracks it until it exits. */
export function startChild(command, args, options = {}) {
  const child = spawn(command, args, { ...options, detached: true });
  running.add(child);
  child.once('exit', () => running.delete(child));
  child.once('error', () => running.delete(child));
  return child;
}

/** Resolves with `{ code, signal }` once the child has exited. */
export function exitOf(child) {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
}

function signalGroup(child, signal) {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Sends SIGTERM to the child's group, then SIGKILL after `graceMs` if it is still there. */
export async function stopChild(child, graceMs = 5000) {
  signalGroup(child, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
  await exitOf(child);
  clearTimeout(timer);
}

/** Ends every child still running (synchronously: usable from an exit handler). */
export function killAllChildren(signal = 'SIGKILL') {
  for (const child of running) signalGroup(child, signal);
}

let installed = false;

/** Ends the children when the bench exits or is interrupted; an interrupt exits 130 / 143. */
export function endChildrenOnExit(onInterrupt = () => {}) {
  if (installed) return;
  installed = true;
  process.once('exit', () => killAllChildren('SIGKILL'));
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ]) {
    process.once(signal, () => {
      killAllChildren('SIGTERM');
      onInterrupt(signal);
      setTimeout(() => process.exit(code), 300).unref();
    });
  }
}
