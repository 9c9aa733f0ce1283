import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';

/** The last non-empty line of a (possibly large) log file, from its last 4 KiB. */
export async function lastLine(file: string | null): Promise<string | null> {
  if (!file || !existsSync(file)) return null;
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, 4096);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      const lines = buffer
        .toString('utf8')
        .split('\n')
        .map((line) => line.trim());
      return lines.filter((line) => line !== '').at(-1) ?? null;
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}
