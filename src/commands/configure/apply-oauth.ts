import type { JsonWebKey } from 'node:crypto';
import {
  parseClientId,
  parseScopes,
  readPrivateKeyFile,
  registerPrivateKey,
} from '../../config/credentials.js';
import type { Profile } from '../../config/schema.js';
import { UsageError } from '../../errors.js';
import { generateSigningKey, parseSigningKey } from '../../okta/signing-key.js';
import type { Env } from '../../ui/io.js';
import type { ConfigureFlags } from './options.js';

/** The OAuth settings of a profile, as the scripted flags give them (the wizard's answers take this shape too). */
export type OAuthSettings = Pick<
  ConfigureFlags,
  'clientId' | 'privateKeyFile' | 'keyId' | 'scopes' | 'generateKey' | 'dpop'
>;

/** The public half of a key made by `--generate-key`, to paste into the Admin Console. */
export interface ConfigureGeneratedKey {
  publicJwk: JsonWebKey;
  kid: string;
}

/**
 * Puts the OAuth settings into `profile`: the key read from `--private-key-file` (checked, then
 * stored as text in the 0600 file) or made by `--generate-key`, client id, key id, scopes, DPoP.
 */
export function applyOAuth(
  profile: Profile,
  options: OAuthSettings & { profile: string; env: Env; cwd: string },
): ConfigureGeneratedKey | undefined {
  profile.auth = 'oauth';
  let generated: ConfigureGeneratedKey | undefined;
  if (options.generateKey && options.privateKeyFile) {
    throw new UsageError('--generate-key and --private-key-file cannot be used together.');
  }
  if (options.generateKey) {
    const key = generateSigningKey();
    registerPrivateKey(key.privateKeyPem);
    profile.privateKey = key.privateKeyPem;
    profile.keyId = key.kid;
    generated = { publicJwk: key.publicJwk, kid: key.kid };
  } else if (options.privateKeyFile) {
    const file = readPrivateKeyFile(options.privateKeyFile, options.env, options.cwd);
    const key = parseSigningKey(file.text, `--private-key-file ${file.path}`);
    profile.privateKey = file.text.trim();
    if (key.kid && !options.keyId) profile.keyId = key.kid;
  }
  if (options.clientId !== undefined) profile.clientId = parseClientId(options.clientId, '--client-id');
  if (options.keyId !== undefined) profile.keyId = options.keyId.trim();
  if (options.scopes !== undefined) profile.scopes = parseScopes(options.scopes).join(' ');
  if (options.dpop !== undefined) profile.dpop = options.dpop;
  if (!profile.privateKey) {
    throw new UsageError(`Profile "${options.profile}" needs the app's private key.`, {
      hint: 'Pass --private-key-file <pem or jwk file>, or --generate-key to create a key pair and print the public key to register.',
    });
  }
  if (!profile.clientId && !generated) {
    throw new UsageError(`Profile "${options.profile}" needs the app's client id: pass --client-id.`, {
      hint: 'It is the Client ID of the API Services app (Admin Console > Applications > the app > General).',
    });
  }
  return generated;
}
