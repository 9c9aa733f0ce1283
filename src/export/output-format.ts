import { UsageError } from '../errors.js';

/** The format an `--output` file's name asks for (`.csv`, `.json`, `.ndjson`/`.jsonl`, `.html`/`.htm`). */
const FORMAT_OF_EXTENSION: Record<string, 'csv' | 'json' | 'ndjson' | 'html'> = {
  csv: 'csv',
  json: 'json',
  ndjson: 'ndjson',
  jsonl: 'ndjson',
  html: 'html',
  htm: 'html',
};

/**
 * The format export and diff write (docs/options.md, "--output <file>"): `--format`, else the one
 * `--output`'s extension names, else the command's default. A `--format` that contradicts the file's
 * extension (`--format csv --output x.html`) is refused rather than writing CSV into x.html.
 * `output` is undefined for stdout.
 */
export function outputFormat<Format extends string>(
  format: Format | undefined,
  output: string | undefined,
  fallback: Format,
): Format {
  const extension = output?.match(/\.([A-Za-z]+)$/)?.[1]?.toLowerCase();
  const implied =
    extension === undefined ? undefined : (FORMAT_OF_EXTENSION[extension] as Format | undefined);
  if (format === undefined) return implied ?? fallback;
  if (implied !== undefined && implied !== format) {
    throw new UsageError(`--output ${output} names a .${extension} file, but --format is ${format}.`, {
      hint: `Leave --format out (the extension says ${implied}), or name the file with .${format}.`,
    });
  }
  return format;
}

/**
 * `--json` with the data on stdout: refused (exit 2), since stdout holds one JSON document, the
 * summary (docs/options.md, "--json"). `data` names what would have gone there.
 */
export function jsonNeedsOutputFile(command: string, data: string): UsageError {
  return new UsageError(
    `${command} --json prints its summary on stdout, so the ${data} need a file: add --output <file>.`,
    {
      hint: `Or leave --json out for the ${data} on stdout (--output /dev/null --json gives the summary alone).`,
    },
  );
}
