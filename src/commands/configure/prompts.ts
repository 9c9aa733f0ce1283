import { type AuthMode, parseAuthMode } from '../../config/credentials.js';
import { resolveUserPath } from '../../config/paths.js';
import { DEFAULT_FORMAT, defaultOutputDir } from '../../config/resolve.js';
import { parseSchedule } from '../../config/schedule.js';
import { OUTPUT_FORMATS, type OutputFormat, type Profile } from '../../config/schema.js';
import { maskToken, normalizeToken } from '../../config/token.js';
import { UsageError } from '../../errors.js';
import { type OrgUrl, parseOrgUrl } from '../../okta/org-url.js';
import type { Env, Io } from '../../ui/io.js';
import { createPrompter, type Prompter, readAllInput } from '../../ui/prompt.js';
import { registerSecret } from '../../ui/redact.js';
import type { OAuthSettings } from './apply-oauth.js';
import { askUntilValid } from './ask-until-valid.js';
import { askOAuth } from './oauth-questions.js';
import { parseFormat } from './setting-flags.js';

/** The settings as the flags gave them, before any question. */
export interface GivenSettings {
  orgUrl: OrgUrl | undefined;
  oauth: boolean;
  outputDir: string | undefined;
  format: OutputFormat | undefined;
  /** `''`: no schedule. */
  schedule: string | undefined;
}

/** The settings after the token was read and the questions answered. */
export interface Answers extends GivenSettings {
  token: string | undefined;
  oauthAnswers: OAuthSettings;
}

/**
 * Reads what the flags leave open: the token from a piped stdin (`--token-stdin`), then on a
 * terminal the questions: all of them for the wizard (no setting flag), else only the missing
 * domain and token. Every answer is checked as its flag is, and asked again when wrong.
 */
export async function askForSettings(
  io: Io,
  context: {
    name: string;
    existing: Profile | undefined;
    env: Env;
    cwd: string;
    tokenStdin: boolean | undefined;
    /** A terminal and no setting flag: ask every question. */
    wizard: boolean;
    needsDomain: boolean;
    needsToken: boolean;
  },
  given: GivenSettings,
): Promise<Answers> {
  const { name, existing, wizard } = context;
  const interactive = io.isTTY.stdin;
  let { orgUrl, oauth, outputDir, format, schedule } = given;
  let token: string | undefined;
  let oauthAnswers: OAuthSettings = {};

  const acceptToken = (raw: string, source: string): string => {
    registerSecret(raw.trim());
    const normalized = normalizeToken(raw, source);
    for (const note of normalized.notes) io.logger.warn(note);
    registerSecret(normalized.token);
    return normalized.token;
  };

  let prompter: Prompter | undefined;
  const prompt = (): Prompter => {
    prompter ??= createPrompter(io);
    return prompter;
  };
  try {
    if (context.tokenStdin && !interactive) {
      token = acceptToken(await readAllInput(io.stdin), 'standard input');
    }
    if (wizard || (interactive && context.needsDomain)) {
      if (wizard) io.logger.info(`Setting up profile "${name}" (Enter keeps the value in brackets).`);
      orgUrl = await askUntilValid(
        io,
        () => prompt().ask('Okta domain (e.g. acme.okta.com)', existing?.domain),
        (answer) => parseOrgUrl(answer),
      );
    }
    if (wizard) {
      oauth =
        (await askUntilValid(
          io,
          () =>
            prompt().ask(
              'Authentication: 1) API token, 2) OAuth 2.0 service app',
              existing?.auth === 'oauth' ? '2' : '1',
            ),
          parseAuthChoice,
        )) === 'oauth';
      if (oauth) oauthAnswers = await askOAuth(io, prompt(), existing, context);
    }
    if (!oauth && token === undefined && (wizard || context.tokenStdin || context.needsToken)) {
      const keep = existing?.token && !context.tokenStdin ? existing.token : undefined;
      const question = keep ? `API token (Enter keeps ${maskToken(keep)})` : 'API token (input is hidden)';
      token = await askUntilValid(
        io,
        () => prompt().askSecret(question),
        (answer) => (keep && answer.trim() === '' ? keep : acceptToken(answer, 'the prompt')),
      );
    }
    if (wizard) {
      outputDir = await askUntilValid(
        io,
        () => prompt().ask('Output directory', existing?.outputDir ?? defaultOutputDir(context.env)),
        (answer) => resolveUserPath(answer, context.env, context.cwd),
      );
      format = await askUntilValid(
        io,
        () =>
          prompt().ask(`Output format (${OUTPUT_FORMATS.join(', ')})`, existing?.format ?? DEFAULT_FORMAT),
        parseFormat,
      );
      schedule = await askUntilValid(
        io,
        () =>
          prompt().ask(
            'Schedule (hourly, daily, weekly, a cron expression, or "none")',
            existing?.schedule ?? 'none',
          ),
        (answer) => (answer.trim().toLowerCase() === 'none' ? '' : parseSchedule(answer)),
      );
    }
  } finally {
    prompter?.close();
  }
  return { orgUrl, oauth, outputDir, format, schedule, token, oauthAnswers };
}

/** `1`, `2`, `token`, `oauth`, or the words of the choices. */
function parseAuthChoice(answer: string): AuthMode {
  const choice = answer.trim().toLowerCase();
  if (choice === '1' || choice === 'api token') return 'token';
  if (choice === '2' || choice.startsWith('oauth')) return 'oauth';
  try {
    return parseAuthMode(choice, 'The answer', true);
  } catch {
    throw new UsageError('That is not one of the choices.', {
      hint: 'Answer 1 (an API token) or 2 (an OAuth 2.0 API Services app).',
    });
  }
}
