import { existsSync } from 'node:fs';
import {
  parseClientId,
  parseScopes,
  readPrivateKeyFile,
  registerPrivateKey,
} from '../../config/credentials.js';
import { resolveUserPath } from '../../config/paths.js';
import type { Profile } from '../../config/schema.js';
import { UsageError } from '../../errors.js';
import { ENTITY_NAMES } from '../../inventory/entities.js';
import { parseSigningKey } from '../../okta/signing-key.js';
import { scopesForEntities } from '../../sync/entity-scopes.js';
import type { Env, Io } from '../../ui/io.js';
import type { Prompter } from '../../ui/prompt.js';
import type { OAuthSettings } from './apply-oauth.js';
import { askUntilValid } from './ask-until-valid.js';

/** What the wizard's scopes question offers: every read scope a sync may need. */
const SYNC_READ_SCOPES = scopesForEntities(ENTITY_NAMES);

/** A pasted key (a PEM line, a JWK) instead of the path of its file: refused without repeating it. */
function looksLikeKeyMaterial(answer: string, path: string): boolean {
  return /^(-----|\{)/.test(answer) || (/^[A-Za-z0-9+/=_-]{40,}$/.test(answer) && !existsSync(path));
}

/**
 * The wizard's OAuth questions. Each answer is checked with what checks the matching flag and asked
 * again when wrong; the answers then go through `applyOAuth` like the flags would.
 */
export async function askOAuth(
  io: Io,
  prompter: Prompter,
  existing: Profile | undefined,
  options: { env: Env; cwd: string },
): Promise<OAuthSettings> {
  const answers: OAuthSettings = {};
  // Without a key yet, the app may not exist yet either: generate the key now, add the id later.
  const canWait = !existing?.clientId && !existing?.privateKey;
  const clientId = await askUntilValid(
    io,
    () =>
      prompter.ask(
        `Client ID of the API Services app${canWait ? ' (Enter if the app does not exist yet)' : ''}`,
        existing?.clientId,
      ),
    (answer) => (canWait && answer.trim() === '' ? '' : parseClientId(answer, 'The client id')),
  );
  if (clientId) answers.clientId = clientId;

  const keep = existing?.privateKey ? 'keep' : undefined;
  let fileKid: string | undefined;
  const key = await askUntilValid(
    io,
    () =>
      prompter.ask(
        `Private key: the path of a PEM or JWK file, or "generate" for a new key pair${keep ? ', or "keep"' : ''}`,
        keep ?? 'generate',
      ),
    (answer): 'keep' | 'generate' | { file: string } => {
      const value = answer.trim();
      if (keep && value.toLowerCase() === 'keep') return 'keep';
      if (/^generate$/i.test(value)) return 'generate';
      if (looksLikeKeyMaterial(value, resolveUserPath(value, options.env, options.cwd))) {
        registerPrivateKey(value);
        throw new UsageError(
          'That looks like the key itself; give the path of its file (nothing of it is kept).',
          {
            hint: 'Save the key in a file only you can read (chmod 600), then give its path.',
          },
        );
      }
      if (!clientId) {
        throw new UsageError('Without a client id, only "generate" works here.', {
          hint: 'Answer "generate" to create a key pair to register on the new app, or run configure again with the Client ID of the app that has this key.',
        });
      }
      const file = readPrivateKeyFile(value, options.env, options.cwd);
      fileKid = parseSigningKey(file.text, `the file ${file.path}`).kid;
      return { file: value };
    },
  );
  if (key === 'generate') answers.generateKey = true;
  else if (key !== 'keep') answers.privateKeyFile = key.file;

  if (key !== 'generate') {
    const kid = await askUntilValid(
      io,
      () =>
        prompter.ask(
          'Key ID (kid) shown on the app (optional: without it Okta tries each key)',
          existing?.keyId ?? fileKid,
        ),
      (answer) => answer.trim(),
    );
    if (kid !== '') answers.keyId = kid;
  }

  const defaultScopes = existing?.scopes ?? SYNC_READ_SCOPES.join(' ');
  const scopes = await askUntilValid(
    io,
    () => prompter.ask('Scopes to ask for (Enter: the read scopes sync needs)', defaultScopes),
    (answer) => {
      const parsed = parseScopes(answer);
      if (parsed.length === 0) {
        throw new UsageError('No scopes given.', { hint: `For example: ${SYNC_READ_SCOPES.join(' ')}` });
      }
      return parsed.join(' ');
    },
  );
  // Enter keeps the default: store nothing, so each run asks for what it needs (as without --scopes).
  const isDefault =
    parseScopes(defaultScopes).length === parseScopes(scopes).length &&
    parseScopes(scopes).every((scope) => parseScopes(defaultScopes).includes(scope));
  if (!isDefault) answers.scopes = scopes;

  const dpop = await askUntilValid(
    io,
    () =>
      prompter.ask(
        'Does the app require DPoP? New API Services apps do by default (yes/no)',
        existing?.auth === 'oauth' && !existing.dpop ? 'no' : 'yes',
      ),
    parseYesNo,
  );
  // As the flags: `--dpop` stores true, no flag stores nothing (DPoP is then used when Okta asks).
  if (dpop) answers.dpop = true;
  else if (existing?.dpop) answers.dpop = false;
  return answers;
}

function parseYesNo(answer: string): boolean {
  const value = answer.trim().toLowerCase();
  if (value === 'y' || value === 'yes') return true;
  if (value === 'n' || value === 'no') return false;
  throw new UsageError('Answer yes or no.');
}
