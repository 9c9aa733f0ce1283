import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { profileDir } from '../inventory/profile-dir.js';
import { readLatestSnapshot } from '../inventory/read-latest-snapshot.js';

/**
 * What a run needs on disk, about: the last complete snapshot twice over (the snapshot and the
 * rows kept for --incremental), or twice what this run wrote before the disk filled.
 */
export async function bytesNeeded(outputDir: string, profile: string): Promise<number> {
  const previous = await readLatestSnapshot(outputDir, profile).catch(() => undefined);
  const written = await bytesUnder(
    profileDir(outputDir, profile),
    (name) => name.startsWith('.partial-') && name.endsWith(`-${process.pid}`),
  );
  return Math.max(2 * (previous?.manifest.totals.bytes ?? 0), 2 * written);
}

async function bytesUnder(dir: string, include: (name: string) => boolean = () => true): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!include(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await bytesUnder(path);
    else
      total += await stat(path).then(
        (stats) => stats.size,
        () => 0,
      );
  }
  return total;
}
