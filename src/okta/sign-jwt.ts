import { createHash, type KeyObject, sign } from 'node:crypto';
import type { SigningAlgorithm } from './signing-key.js';

const HASHES: Record<SigningAlgorithm, string> = {
  RS256: 'sha256',
  RS384: 'sha384',
  RS512: 'sha512',
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
};

/**
 * A compact JWS (RFC 7515) signed with node:crypto. EC signatures are the raw `r‖s` JWS expects
 * (`ieee-p1363`), not DER.
 */
export function signJwt(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  key: KeyObject,
  alg: SigningAlgorithm,
): string {
  const encode = (part: unknown) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const input = `${encode({ ...header, alg })}.${encode(claims)}`;
  const signature = sign(HASHES[alg], Buffer.from(input), {
    key,
    ...(alg.startsWith('ES') ? { dsaEncoding: 'ieee-p1363' as const } : {}),
  });
  return `${input}.${signature.toString('base64url')}`;
}

/** base64url(SHA-256(text)): the DPoP `ath` of an access token. */
export function sha256Base64Url(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}
