import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { ConfigError } from '../errors.js';

/** JWS algorithms Okta accepts for a client assertion (and a DPoP proof). */
export type SigningAlgorithm = 'RS256' | 'RS384' | 'RS512' | 'ES256' | 'ES384' | 'ES512';

/** A private key ready to sign client assertions. */
export interface SigningKey {
  key: KeyObject;
  alg: SigningAlgorithm;
  /** The `kid` of a JWK, if it had one. */
  kid: string | undefined;
  /** The public half as a JWK (`kty`, `n`/`e` or `crv`/`x`/`y`), for the Admin Console. */
  publicJwk: JsonWebKey;
  /** RFC 7638 thumbprint of the public key (base64url SHA-256). */
  thumbprint: string;
}

const EC_ALGORITHMS: Record<string, SigningAlgorithm> = {
  prime256v1: 'ES256',
  secp384r1: 'ES384',
  secp521r1: 'ES512',
};

const WHERE =
  'Use the private key whose public half is registered on the Okta API Services app (Admin Console > Applications > the app > General > Public keys), as PEM (PKCS#8 "BEGIN PRIVATE KEY" or PKCS#1 "BEGIN RSA PRIVATE KEY") or as a JWK, or create one with: okta-connector configure --auth oauth --generate-key';

/**
 * Reads a private key given as PEM (PKCS#8, PKCS#1, SEC1) or as a JWK (or a JWK set of one key),
 * RSA (2048 bits or more) or EC (P-256, P-384, P-521). Messages never include the key.
 * @param source where the key came from, for messages: `--private-key-file key.pem`, `OKTA_CLIENT_PRIVATEKEY`.
 * @throws ConfigError
 */
export function parseSigningKey(text: string, source: string): SigningKey {
  const fail = (problem: string, hint = WHERE) =>
    new ConfigError(`The private key from ${source} ${problem}.`, { hint });
  let raw = text.trim();
  if (raw === '') throw fail('is empty');
  let key: KeyObject;
  let jwk: JsonWebKey | undefined;
  if (raw.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw fail('looks like JSON but is not valid JSON');
    }
    const keys = (parsed as { keys?: unknown }).keys;
    if (Array.isArray(keys)) {
      if (keys.length !== 1) throw fail(`is a JWK set of ${keys.length} keys; give the one private key`);
      parsed = keys[0];
    }
    jwk = parsed as JsonWebKey;
    if (typeof jwk !== 'object' || jwk === null || typeof jwk.kty !== 'string')
      throw fail('is not a JWK (no "kty")');
    if (jwk.d === undefined) {
      throw fail(
        'is a public key (the JWK has no "d")',
        `Okta keeps the public half; okta-connector needs the private one. ${WHERE}`,
      );
    }
    try {
      key = createPrivateKey({ key: jwk, format: 'jwk' });
    } catch {
      throw fail(`is not a valid ${jwk.kty} private key`);
    }
  } else {
    // A PEM pasted into an environment variable often arrives on one line with literal "\n"s.
    if (!raw.includes('\n') && raw.includes('\\n')) raw = raw.replaceAll('\\n', '\n');
    if (!raw.includes('-----BEGIN')) throw fail('is neither PEM ("-----BEGIN …") nor a JWK ("{…}")');
    if (raw.includes('ENCRYPTED PRIVATE KEY') || /Proc-Type:\s*4,ENCRYPTED/.test(raw)) {
      throw fail(
        'is encrypted with a passphrase',
        'Export it without a passphrase (e.g. openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-plain.pem) and keep the file readable only by you.',
      );
    }
    if (!/-----BEGIN (?:RSA |EC )?PRIVATE KEY-----/.test(raw)) {
      throw fail(
        /BEGIN (?:PUBLIC KEY|RSA PUBLIC KEY|CERTIFICATE)/.test(raw)
          ? 'is a public key or certificate, not the private key'
          : 'is not a PEM private key',
      );
    }
    try {
      key = createPrivateKey(raw);
    } catch {
      throw fail('could not be read (damaged PEM)');
    }
  }

  let alg: SigningAlgorithm;
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    if ((details.modulusLength ?? 0) < 2048)
      throw fail(`is an RSA key of ${details.modulusLength} bits; Okta needs 2048 or more`);
    alg = jwk?.alg === 'RS384' || jwk?.alg === 'RS512' ? jwk.alg : 'RS256';
  } else if (key.asymmetricKeyType === 'ec' && details.namedCurve && EC_ALGORITHMS[details.namedCurve]) {
    alg = EC_ALGORITHMS[details.namedCurve] as SigningAlgorithm;
  } else {
    throw fail(
      `is a ${key.asymmetricKeyType ?? 'unknown'} key${details.namedCurve ? ` on ${details.namedCurve}` : ''}; Okta accepts RSA or EC (P-256, P-384, P-521) keys`,
    );
  }
  const publicJwk = publicJwkOf(key);
  return {
    key,
    alg,
    kid: typeof jwk?.kid === 'string' && jwk.kid !== '' ? jwk.kid : undefined,
    publicJwk,
    thumbprint: jwkThumbprint(publicJwk),
  };
}

/** The public JWK of a private key: only the public members. */
export function publicJwkOf(key: KeyObject): JsonWebKey {
  const { kty, n, e, crv, x, y } = createPublicKey(key).export({ format: 'jwk' });
  return kty === 'RSA' ? { kty, e, n } : { kty, crv, x, y };
}

/** RFC 7638: base64url SHA-256 of the required members, in lexicographic order, without spaces. */
export function jwkThumbprint(jwk: JsonWebKey): string {
  const members =
    jwk.kty === 'RSA'
      ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
      : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

/** A new RSA 2048 key pair for an API Services app: the private key as PKCS#8 PEM, and its public JWK with `kid`, `use`, `alg`. */
export function generateSigningKey(): { privateKeyPem: string; publicJwk: JsonWebKey; kid: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicJwk = publicJwkOf(privateKey);
  const kid = jwkThumbprint(publicJwk);
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicJwk: { ...publicJwk, kid, use: 'sig', alg: 'RS256' },
    kid,
  };
}
