import { refuseEmptyPath, resolveUserPath } from '../../config/paths.js';
import { describeSource, resolveSettings } from '../../config/resolve.js';
import { DEMO_OUTPUT_DIR } from '../../demo/demo-output-dir.js';
import { UsageError } from '../../errors.js';
import type { OutputFormat } from '../../formats/entity-writer.js';
import type { Env } from '../../ui/io.js';
import type { SyncFlags } from './options.js';

/** What resolveOutput reads of sync's options. */
export type OutputChoice = Pick<SyncFlags, 'demo' | 'outputDir' | 'format'> & {
  profile: string;
  env: Env;
  cwd: string;
};

/** The output folder and format (and where the folder came from, for messages): the profile's or the demo's. */
export function resolveOutput(options: OutputChoice): {
  outputDir: string;
  format: OutputFormat;
  source: string;
} {
  if (!options.demo) {
    const resolved = resolveSettings({
      profile: options.profile,
      env: options.env,
      cwd: options.cwd,
      flags: { outputDir: options.outputDir, format: options.format },
    });
    return {
      outputDir: resolved.outputDir,
      format: resolved.format,
      source: describeSource(resolved.sources.outputDir, 'outputDir', options.profile),
    };
  }
  refuseEmptyPath('--output-dir', options.outputDir, DEMO_OUTPUT_DIR);
  const format = (options.format ?? 'json') as OutputFormat;
  const outputDir = resolveUserPath(options.outputDir ?? DEMO_OUTPUT_DIR, options.env, options.cwd);
  if (!['json', 'ndjson', 'csv'].includes(format)) {
    throw new UsageError(`Unknown output format "${options.format}"; use one of json, ndjson, csv.`);
  }
  return { outputDir, format, source: options.outputDir === undefined ? 'the default' : '--output-dir' };
}
