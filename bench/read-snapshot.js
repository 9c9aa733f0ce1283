/**
 * The read baseline of `export --view assignments`: reads every file that view reads, once each, the
 * way export reads it, and throws the result away. The bench times it like any other run (a process of
 * its own, GNU time), so `export` time ÷ this time is what the join costs over a plain read.
 *
 *   node bench/read-snapshot.js <snapshot dir>[,<snapshot dir>…] [parse|bytes] [--entities assignments|diff|<list>]
 *     [--root <checkout>]
 *
 * - `parse` (default): each file through `readEntityRows`, export's own reader: read in 32 kB
 *   pieces, SHA-256 and size checked against the manifest, UTF-8 decoded, every record parsed (JSON,
 *   NDJSON, or CSV rebuilt into nested objects), then dropped. No lookup table, no join, no output.
 * - `bytes`: each file through `readFileChunks` only (read, checked and decoded, not parsed): the
 *   floor under any reader.
 *
 * `--entities`: the files `export --view assignments` reads (the default), those `diff` compares by
 * default (`diff`: every entity but app_usage, only where every snapshot named has it), or a list.
 * Several snapshots (comma-separated) are read one after the other: the read baseline of `diff`.
 *
 * Prints one JSON line: `{ mode, files, records, bytes }`.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { root: { type: 'string' }, entities: { type: 'string' } },
});
const [snapshotDirs, mode = 'parse'] = positionals;
if (!snapshotDirs || !['parse', 'bytes'].includes(mode)) {
  process.stderr.write(
    'usage: node bench/read-snapshot.js <snapshot dir>[,<dir>…] [parse|bytes] [--entities assignments|diff|<list>] [--root <checkout>]\n',
  );
  process.exit(2);
}
const root = resolve(values.root ?? fileURLToPath(new URL('..', import.meta.url)));
const load = (path) => import(pathToFileURL(join(root, 'dist', path)).href);
const { openSnapshot } = await load('export/open-snapshot.js');
const { readEntityRows, writtenEntity } = await load('export/read-entity-rows.js');
const { readFileChunks } = await load('formats/read-file-chunks.js');
const { ASSIGNMENT_ENTITIES } = await load('export/assignments-view.js');

const snapshots = [];
for (const snapshotDir of snapshotDirs.split(',')) {
  const dir = resolve(snapshotDir);
  snapshots.push(
    await openSnapshot({
      snapshot: dir,
      outputDir: dir,
      profile: 'default',
      env: {},
      cwd: process.cwd(),
      warn: (message) => process.stderr.write(`${message}\n`),
    }),
  );
}
let entities = ASSIGNMENT_ENTITIES;
if (values.entities === 'diff') {
  const { DEFAULT_DIFF_ENTITIES } = await load('diff/diff-entities.js');
  entities = DEFAULT_DIFF_ENTITIES.filter((entity) =>
    snapshots.every((snapshot) => writtenEntity(snapshot, entity)),
  );
} else if (values.entities !== undefined && values.entities !== 'assignments') {
  entities = values.entities.split(',');
}

let records = 0;
let bytes = 0;
const files = [];
for (const snapshot of snapshots) {
  for (const entity of entities) {
    const entry = writtenEntity(snapshot, entity);
    if (!entry) continue;
    files.push(join(snapshot.id, entry.file));
    bytes += entry.bytes;
    if (mode === 'parse') {
      for await (const _record of readEntityRows(snapshot, entity)) records++;
    } else {
      const expected = { bytes: entry.bytes, sha256: entry.sha256 };
      for await (const _chunk of readFileChunks(join(snapshot.dir, entry.file), expected)) {
        // Decoded and dropped.
      }
    }
  }
}
process.stdout.write(
  `${JSON.stringify({ mode, files, records: mode === 'parse' ? records : null, bytes })}\n`,
);
