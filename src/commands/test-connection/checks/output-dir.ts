import { describeSource, type ResolvedSettings, resolveSettings } from '../../../config/resolve.js';
import { ConfigError, ExitCode, UsageError } from '../../../errors.js';
import { checkWritableDirectory } from '../../../okta/diagnostics.js';
import type { Env } from '../../../ui/io.js';
import type { CheckList } from './check-list.js';
import type { Configuration } from './configuration.js';

/** The output folder sync will write to: can this user create files in it? */
export async function checkOutputDir(
  list: CheckList,
  config: Configuration,
  input: {
    profile: string;
    env: Env;
    cwd: string;
    outputDir?: string | undefined;
    /** Where the folder came from, when not from the settings (`--demo` picks its own). */
    outputDirFrom?: string | undefined;
  },
): Promise<void> {
  const { profile } = input;
  list.step('Output directory');
  let settings: ResolvedSettings | undefined;
  try {
    settings = resolveSettings({
      profile,
      env: input.env,
      loadProfile: config.loadProfile,
      cwd: input.cwd,
      flags: { outputDir: input.outputDir },
    });
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof UsageError)) throw error;
    if (error === config.domainError)
      list.skip('output-dir', 'Output directory', 'the config file could not be read (see above)');
    else list.failWith('output-dir', 'Output directory', error);
  }
  if (!settings) return;
  const from = input.outputDirFrom ?? describeSource(settings.sources.outputDir, 'outputDir', profile);
  const writable = await checkWritableDirectory(settings.outputDir);
  if (writable.ok) {
    list.add({
      id: 'output-dir',
      title: 'Output directory',
      status: 'pass',
      detail: `${settings.outputDir} is writable${writable.created ? ' (it does not exist yet; sync will create it)' : ''}, from ${from}.`,
    });
  } else {
    list.add(
      {
        id: 'output-dir',
        title: 'Output directory',
        status: 'fail',
        detail: `Cannot write to ${settings.outputDir} (${writable.code}), from ${from}.`,
        fix: `Choose a folder this user can write to with --output-dir, ${'OKTA_CONNECTOR_OUTPUT_DIR'} or "okta-connector configure --output-dir <dir>", or fix the folder's permissions. Cron runs as the user who owns the crontab.`,
      },
      ExitCode.Config,
    );
  }
}
