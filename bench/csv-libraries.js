/**
 * `node bench/csv-libraries.js --snapshot <csv snapshot dir> [--root <checkout>] [--rounds 3]`: our CSV
 * encoder and parser against the fixed-choice libraries used as cheaply as they can be, on the files
 * of a real CSV snapshot (docs/performance.md, "csv-stringify and csv-parse, used cheaply").
 *
 * Encoding (each file's rows, as cells, in batches of 1,000 rows, both encoders on each batch in
 * alternating order): `encodeCsvRecord` per row, joined, against csv-stringify's sync `stringify()` on
 * the batch (64, 256 or 1,000 rows at a time) with the options that give our bytes (the oracle's); the
 * outputs are compared byte for byte.
 *
 * Parsing (each file's text in memory as the 32 kB pieces export reads): `parseCsvRows`, against
 * csv-parse's stream API fed the same pieces, and its sync `parse()` on chunks of about 1 MB cut at a
 * record boundary (the last LF outside quotes). Row counts are compared.
 *
 * Figures: the CPU-time each takes (fastest of `--rounds`), and its ratio to ours.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parse as parseStream } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

const { values } = parseArgs({
  options: {
    snapshot: { type: 'string' },
    root: { type: 'string', default: '.' },
    rounds: { type: 'string', default: '3' },
  },
});
if (!values.snapshot) throw new Error('--snapshot <csv snapshot dir> is required');
const root = resolve(values.root);
const rounds = Number(values.rounds);
const dist = (path) => import(pathToFileURL(join(root, 'dist', path)).href);
const { encodeCsvRecord } = await dist('formats/encode-csv-record.js');
const { parseCsvRows } = await dist('formats/parse-csv-rows.js');

/** The oracle's options (test/formats/encode-csv-record.test.ts): our bytes exactly. */
const CSV_SYNTAX = {
  delimiter: ',',
  quote: '"',
  escape: '"',
  record_delimiter: '\r\n',
  quoted_match: /[\r\n]/,
};
const PARSE_OPTIONS = { bom: true, skip_empty_lines: true, relax_column_count: false };
const PIECE = 32 * 1024;
const SYNC_CHUNK = 1024 * 1024;

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

function piecesOf(text) {
  const pieces = [];
  for (let at = 0; at < text.length; at += PIECE) pieces.push(text.slice(at, at + PIECE));
  return pieces;
}

async function* iterate(items) {
  for (const item of items) yield item;
}

/** Rows of `text` through our parser, in batches of 1,000 (setup for the encoders, untimed). */
async function* rowBatches(pieces, file) {
  let batch = [];
  for await (const row of parseCsvRows(iterate(pieces), file)) {
    batch.push(row);
    if (batch.length === 1000) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

function encodeOurs(batch) {
  let text = '';
  for (const row of batch) text += encodeCsvRecord(row);
  return text;
}

function encodeLibrary(batch, size) {
  let text = '';
  for (let at = 0; at < batch.length; at += size) text += stringify(batch.slice(at, at + size), CSV_SYNTAX);
  return text;
}

async function parseOurs(pieces, file) {
  let rows = 0;
  for await (const _row of parseCsvRows(iterate(pieces), file)) rows++;
  return rows;
}

async function parseLibraryStream(pieces) {
  const parser = parseStream(PARSE_OPTIONS);
  let rows = 0;
  const done = (async () => {
    for await (const _row of parser) rows++;
  })();
  for (const piece of pieces) {
    if (!parser.write(piece)) await new Promise((resolve) => parser.once('drain', resolve));
  }
  parser.end();
  await done;
  return rows;
}

/** The end of the last whole record in `text`: just after the last LF outside quotes, or 0. */
function lastRecordEnd(text) {
  let inQuotes = false;
  let end = 0;
  let at = 0;
  for (;;) {
    const quote = text.indexOf('"', at);
    if (!inQuotes) {
      const stop = quote === -1 ? text.length : quote;
      const lf = text.lastIndexOf('\n', stop - 1);
      if (lf >= at) end = lf + 1;
    }
    if (quote === -1) return end;
    inQuotes = !inQuotes;
    at = quote + 1;
  }
}

function parseLibrarySync(pieces) {
  let rows = 0;
  let text = '';
  let first = true;
  for (const piece of pieces) {
    text += piece;
    if (text.length < SYNC_CHUNK) continue;
    const end = lastRecordEnd(text);
    if (end === 0) continue;
    rows += parseSync(text.slice(0, end), { ...PARSE_OPTIONS, bom: first }).length;
    first = false;
    text = text.slice(end);
  }
  if (text !== '') rows += parseSync(text, { ...PARSE_OPTIONS, bom: first }).length;
  return rows;
}

const files = readdirSync(values.snapshot)
  .filter((name) => name.endsWith('.csv'))
  .sort();
const encodeMs = { ours: 0, 'stringify 64': 0, 'stringify 256': 0, 'stringify 1000': 0 };
const parseMs = { ours: Infinity, 'csv-parse stream': Infinity, 'csv-parse sync 1 MB': Infinity };
let totalRows = 0;
let totalBytes = 0;
for (const round of Array.from({ length: rounds }, (_, index) => index)) {
  const encodeRound = Object.fromEntries(Object.keys(encodeMs).map((key) => [key, 0]));
  const parseRound = Object.fromEntries(Object.keys(parseMs).map((key) => [key, 0]));
  for (const name of files) {
    const path = join(values.snapshot, name);
    const text = readFileSync(path, 'utf8');
    if (round === 0) totalBytes += Buffer.byteLength(text);
    const pieces = piecesOf(text);
    for await (const batch of rowBatches(pieces, path)) {
      if (round === 0) totalRows += batch.length;
      const order = Object.keys(encodeMs);
      if ((totalRows + round) % 2 === 1) order.reverse();
      const outputs = {};
      for (const key of order) {
        const start = cpuMs();
        outputs[key] = key === 'ours' ? encodeOurs(batch) : encodeLibrary(batch, Number(key.split(' ')[1]));
        encodeRound[key] += cpuMs() - start;
      }
      for (const key of order)
        if (outputs[key] !== outputs.ours) throw new Error(`${key} differs from ours in ${name}`);
    }
    const counts = {};
    for (const key of Object.keys(parseMs)) {
      const start = cpuMs();
      counts[key] =
        key === 'ours'
          ? await parseOurs(pieces, path)
          : key === 'csv-parse stream'
            ? await parseLibraryStream(pieces)
            : parseLibrarySync(pieces);
      parseRound[key] += cpuMs() - start;
    }
    for (const key of Object.keys(counts))
      if (counts[key] !== counts.ours)
        throw new Error(`${key}: ${counts[key]} rows of ${name}, ours ${counts.ours}`);
  }
  for (const key of Object.keys(encodeMs))
    encodeMs[key] = round === 0 ? encodeRound[key] : Math.min(encodeMs[key], encodeRound[key]);
  for (const key of Object.keys(parseMs)) parseMs[key] = Math.min(parseMs[key], parseRound[key]);
  process.stderr.write(`round ${round + 1}/${rounds} done\n`);
}

const line = (key, ms, base) => `| ${key} | ${(ms / 1000).toFixed(2)} | ${(ms / base).toFixed(2)} |`;
const out = [
  `${files.length} CSV files, ${totalRows.toLocaleString('en')} rows (headers included), ${(totalBytes / 1e6).toFixed(0)} MB; fastest of ${rounds} rounds; node ${process.version}`,
  '',
  '| encode | CPU s | × ours |',
  '| --- | --- | --- |',
  ...Object.entries(encodeMs).map(([key, ms]) => line(key, ms, encodeMs.ours)),
  '',
  '| parse | CPU s | × ours |',
  '| --- | --- | --- |',
  ...Object.entries(parseMs).map(([key, ms]) => line(key, ms, parseMs.ours)),
];
process.stdout.write(`${out.join('\n')}\n`);
