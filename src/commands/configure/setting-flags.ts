import { parseProxyUrl, readCaFile } from '../../config/network.js';
import { resolveUserPath } from '../../config/paths.js';
import { parseSchedule } from '../../config/schedule.js';
import { OUTPUT_FORMATS, type OutputFormat, outputFormatSchema } from '../../config/schema.js';
import { UsageError } from '../../errors.js';
import { type OrgUrl, parseOrgUrl } from '../../okta/org-url.js';
import type { Env } from '../../ui/io.js';

/** The flags that set something in the profile (the others choose a mode: --show, --list, --delete). */
export const SETTING_FLAGS = [
  'domain',
  'tokenStdin',
  'auth',
  'clientId',
  'privateKeyFile',
  'keyId',
  'scopes',
  'generateKey',
  'dpop',
  'proxy',
  'caFile',
  'trustHost',
  'outputDir',
  'format',
  'schedule',
] as const;

export type SettingFlag = (typeof SETTING_FLAGS)[number];

/** The setting flags given, in {@link SETTING_FLAGS} order (`--no-x` and unset ones left out). */
export function settingFlagsOf(
  options: { [Flag in SettingFlag]?: string | boolean | undefined },
): SettingFlag[] {
  return SETTING_FLAGS.filter((flag) => options[flag] !== undefined && options[flag] !== false);
}

/** `none` as the value of --proxy or --ca-file: remove the setting. */
export const NONE = /^none$/i;

export function parseFormat(value: string): OutputFormat {
  const parsed = outputFormatSchema.safeParse(value.trim().toLowerCase());
  if (!parsed.success) {
    throw new UsageError(`Unknown output format "${value}".`, {
      hint: `Use one of ${OUTPUT_FORMATS.join(', ')}.`,
    });
  }
  return parsed.data;
}

/** The setting flags, parsed: a bad flag fails before any question or read from stdin. */
export function parseSettingFlags(options: {
  env: Env;
  cwd: string;
  domain?: string | undefined;
  format?: string | undefined;
  schedule?: string | undefined;
  proxy?: string | undefined;
  caFile?: string | undefined;
  outputDir?: string | undefined;
}) {
  const orgUrl: OrgUrl | undefined = options.domain === undefined ? undefined : parseOrgUrl(options.domain);
  const format = options.format === undefined ? undefined : parseFormat(options.format);
  const schedule = options.schedule === undefined ? undefined : parseSchedule(options.schedule);
  const proxy =
    options.proxy === undefined || NONE.test(options.proxy.trim())
      ? options.proxy?.trim()
      : parseProxyUrl(options.proxy, '--proxy', true).href;
  let caFile: string | undefined;
  if (options.caFile !== undefined) {
    caFile = NONE.test(options.caFile.trim())
      ? 'none'
      : resolveUserPath(options.caFile.trim(), options.env, options.cwd);
    if (caFile !== 'none') readCaFile(caFile, '--ca-file', true);
  }
  const outputDir =
    options.outputDir === undefined
      ? undefined
      : resolveUserPath(options.outputDir, options.env, options.cwd);
  return { orgUrl, format, schedule, proxy, caFile, outputDir };
}
