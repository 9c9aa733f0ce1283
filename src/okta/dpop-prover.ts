import { generateKeyPairSync, type JsonWebKey, type KeyObject, randomUUID } from 'node:crypto';
import { sha256Base64Url, signJwt } from './sign-jwt.js';
import { jwkThumbprint, publicJwkOf } from './signing-key.js';

/**
 * DPoP proofs (RFC 9449) for one run: a P-256 key made in memory when the run starts, separate from
 * the client-assertion key as Okta recommends, and a fresh proof (new `jti`, current `iat`) for every
 * HTTP request, retries included: Okta refuses a proof it has seen, and a 429 spends one.
 * https://developer.okta.com/docs/guides/dpop/nonoktaresourceserver/main/
 */
export class DpopProver {
  readonly #key: KeyObject;
  readonly #publicJwk: JsonWebKey;
  /** RFC 7638 thumbprint: the `cnf.jkt` a DPoP-bound access token carries. */
  readonly thumbprint: string;

  constructor() {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.#key = privateKey;
    this.#publicJwk = publicJwkOf(privateKey);
    this.thumbprint = jwkThumbprint(this.#publicJwk);
  }

  /**
   * A proof for one request.
   * @param htu the exact URL without query or fragment (RFC 9449 §4.2)
   * @param accessToken adds `ath`, for requests that carry the token
   * @param nonce the server's latest `DPoP-Nonce`, if it asked for one
   */
  proof(options: {
    htm: string;
    htu: URL;
    nowMs: number;
    accessToken?: string | undefined;
    nonce?: string | undefined;
  }): string {
    const htu = new URL(options.htu);
    htu.search = '';
    htu.hash = '';
    const claims: Record<string, unknown> = {
      htm: options.htm,
      htu: htu.href,
      iat: Math.floor(options.nowMs / 1000),
      jti: randomUUID(),
    };
    if (options.accessToken !== undefined) claims.ath = sha256Base64Url(options.accessToken);
    if (options.nonce !== undefined) claims.nonce = options.nonce;
    return signJwt({ typ: 'dpop+jwt', jwk: this.#publicJwk }, claims, this.#key, 'ES256');
  }
}
