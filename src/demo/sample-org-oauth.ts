import {
  createHash,
  createPublicKey,
  type JsonWebKey,
  type KeyObject,
  randomBytes,
  verify,
} from 'node:crypto';
import type { RouteResult } from './sample-org-routes.js';

/**
 * The org authorization server of the sample org, written from Okta's documentation and RFC 9449
 * without any code of `src/okta`: the token endpoint (client credentials with a `private_key_jwt`
 * assertion checked against the app's public keys), DPoP-bound tokens with the nonce exchange, and
 * per-endpoint scopes answered with Okta's 403 and `WWW-Authenticate`.
 */
export interface SampleOrgOAuthOptions {
  clientId: string;
  /** Public JWKs registered on the app; a `kid` each. */
  publicKeys: JsonWebKey[];
  /** Scopes granted to the app. @default every read scope okta-connector uses */
  grantedScopes?: string[];
  /** A requested scope that is not granted: left out of the token (`drop`) or `invalid_scope` (`reject`). @default 'drop' */
  ungrantedScopes?: 'drop' | 'reject';
  /** Token requests without a DPoP proof get 400 `invalid_dpop_proof` (new API Services apps). @default true */
  requireDpop?: boolean;
  /** Ask for a DPoP nonce at the token endpoint and/or the API; a new one every `nonceLifetimeMs`. @default 'token' */
  dpopNonce?: 'none' | 'token' | 'both';
  /** @default 60_000 */
  nonceLifetimeMs?: number;
  /** @default 3600 */
  tokenLifetimeSeconds?: number;
}

export const SAMPLE_ORG_READ_SCOPES = [
  'okta.users.read',
  'okta.groups.read',
  'okta.apps.read',
  'okta.logs.read',
  'okta.roles.read',
  'okta.devices.read',
  'okta.schemas.read',
];

export interface SampleOrgOAuthCounters {
  tokenRequests: number;
  tokensIssued: number;
  /** Token endpoint refusals by OAuth error (`invalid_client`, `use_dpop_nonce` …). */
  tokenErrors: Record<string, number>;
  /** Requests whose DPoP proof `jti` had been seen before (a 429 spends a proof too). */
  replayedProofs: number;
  /** API requests refused 401 `invalid_token` (unknown, expired or wrongly bound token). */
  rejectedTokens: number;
  /** API requests refused 401 `use_dpop_nonce`. */
  nonceChallenges: number;
  /** API requests refused 401 `invalid_dpop_proof`. */
  rejectedProofs: number;
  /** API requests refused 403 `insufficient_scope`. */
  insufficientScope: number;
}

interface IssuedToken {
  scopes: Set<string>;
  expiresAt: number;
  /** Thumbprint of the DPoP key the token is bound to. */
  jkt: string | undefined;
}

type AuthResult = { ok: true } | { ok: false; result: RouteResult };

const PROOF_MAX_AGE_S = 300;

function decodePart(part: string | undefined): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function verifyJws(jws: string, key: KeyObject, alg: unknown): boolean {
  const hash = {
    RS256: 'sha256',
    RS384: 'sha384',
    RS512: 'sha512',
    ES256: 'sha256',
    ES384: 'sha384',
    ES512: 'sha512',
  }[String(alg)];
  const [header, payload, signature] = jws.split('.');
  if (!hash || header === undefined || payload === undefined || signature === undefined) return false;
  try {
    return verify(
      hash,
      Buffer.from(`${header}.${payload}`),
      { key, ...(String(alg).startsWith('ES') ? { dsaEncoding: 'ieee-p1363' as const } : {}) },
      Buffer.from(signature, 'base64url'),
    );
  } catch {
    return false;
  }
}

function thumbprint(jwk: JsonWebKey): string {
  const members =
    jwk.kty === 'RSA'
      ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
      : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

function oauthError(
  status: number,
  error: string,
  description: string,
  headers: Record<string, string> = {},
): RouteResult {
  return { status, body: { error, error_description: description }, headers };
}

/** Which read scope an API path needs. */
export function scopeForPath(path: string): string | undefined {
  if (path.startsWith('/.well-known/')) return undefined;
  if (path.startsWith('/api/v1/iam/') || /^\/api\/v1\/(users|groups)\/[^/]+\/roles$/.test(path))
    return 'okta.roles.read';
  if (path.startsWith('/api/v1/users')) return 'okta.users.read';
  if (path.startsWith('/api/v1/groups')) return 'okta.groups.read';
  if (path.startsWith('/api/v1/apps')) return 'okta.apps.read';
  if (path.startsWith('/api/v1/logs')) return 'okta.logs.read';
  if (path.startsWith('/api/v1/devices')) return 'okta.devices.read';
  if (path.startsWith('/api/v1/meta/schemas')) return 'okta.schemas.read';
  if (path.startsWith('/api/v1/mappings')) return 'okta.profileMappings.read';
  return 'okta.orgs.read';
}

export class SampleOrgOAuth {
  readonly counters: SampleOrgOAuthCounters = {
    tokenRequests: 0,
    tokensIssued: 0,
    tokenErrors: {},
    replayedProofs: 0,
    rejectedTokens: 0,
    nonceChallenges: 0,
    rejectedProofs: 0,
    insufficientScope: 0,
  };
  readonly #options: Required<SampleOrgOAuthOptions>;
  readonly #keys: { kid: string | undefined; key: KeyObject }[];
  readonly #tokens = new Map<string, IssuedToken>();
  readonly #seenProofs = new Set<string>();
  readonly #seenAssertions = new Set<string>();
  readonly #now: () => number;
  origin = '';

  constructor(options: SampleOrgOAuthOptions, now: () => number) {
    this.#options = {
      grantedScopes: SAMPLE_ORG_READ_SCOPES,
      ungrantedScopes: 'drop',
      requireDpop: true,
      dpopNonce: 'token',
      nonceLifetimeMs: 60_000,
      tokenLifetimeSeconds: 3600,
      ...options,
    };
    this.#keys = options.publicKeys.map((jwk) => ({
      kid: typeof jwk.kid === 'string' ? jwk.kid : undefined,
      key: createPublicKey({ key: jwk, format: 'jwk' }),
    }));
    this.#now = now;
  }

  /** Whether an `Authorization` header is an OAuth one (else the SSWS check applies). */
  static isOAuth(authorization: string | undefined): boolean {
    return /^(Bearer|DPoP) /i.test(authorization ?? '');
  }

  /** Notes a request's DPoP proof on arrival, before any 429: returns true when its `jti` was seen before. */
  noteProof(proof: string | string[] | undefined): boolean {
    if (typeof proof !== 'string') return false;
    const jti = decodePart(proof.split('.')[1])?.jti;
    if (typeof jti !== 'string') return false;
    if (this.#seenProofs.has(jti)) {
      this.counters.replayedProofs++;
      return true;
    }
    this.#seenProofs.add(jti);
    return false;
  }

  /** The nonce of the current period (a new one every `nonceLifetimeMs`). */
  #nonce(): string {
    const period = Math.floor(this.#now() / this.#options.nonceLifetimeMs);
    return createHash('sha256')
      .update(`nonce-${period}-${this.#options.clientId}`)
      .digest('base64url')
      .slice(0, 22);
  }

  /** `POST /oauth2/v1/token`. */
  token(body: string, proof: string | undefined, replayed: boolean): RouteResult {
    this.counters.tokenRequests++;
    const result = this.#token(body, proof, replayed);
    const error = (result.body as { error?: string }).error;
    if (error) this.counters.tokenErrors[error] = (this.counters.tokenErrors[error] ?? 0) + 1;
    return result;
  }

  #token(body: string, proof: string | undefined, replayed: boolean): RouteResult {
    const form = new URLSearchParams(body);
    const tokenUrl = `${this.origin}/oauth2/v1/token`;
    const nowS = Math.floor(this.#now() / 1000);
    if (form.get('grant_type') !== 'client_credentials') {
      return oauthError(400, 'unsupported_grant_type', 'The authorization grant type is not supported.');
    }
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
      return oauthError(401, 'invalid_client', 'The client_assertion_type is missing or invalid.');
    }
    const assertion = form.get('client_assertion') ?? '';
    const header = decodePart(assertion.split('.')[0]);
    const claims = decodePart(assertion.split('.')[1]);
    if (!header || !claims)
      return oauthError(401, 'invalid_client', 'The client_assertion token is malformed.');
    if (claims.iss !== this.#options.clientId || claims.sub !== this.#options.clientId) {
      return oauthError(401, 'invalid_client', "Invalid value for 'client_id' parameter.");
    }
    const candidates =
      header.kid === undefined ? this.#keys : this.#keys.filter((key) => key.kid === header.kid);
    if (candidates.length === 0) {
      return oauthError(
        401,
        'invalid_client',
        'The client_assertion token has a kid which does not identify a key registered for the client.',
      );
    }
    if (!candidates.some((candidate) => verifyJws(assertion, candidate.key, header.alg))) {
      return oauthError(401, 'invalid_client', 'The client_assertion signature is invalid.');
    }
    if (claims.aud !== tokenUrl) {
      return oauthError(
        401,
        'invalid_client',
        'The audience claim for client_assertion must be the endpoint invoking the client_assertion.',
      );
    }
    const exp = Number(claims.exp);
    if (!Number.isFinite(exp) || exp <= nowS)
      return oauthError(401, 'invalid_client', 'The client_assertion token is expired.');
    if (exp > nowS + 3600)
      return oauthError(
        401,
        'invalid_client',
        'The client_assertion token has an expiration too far into the future.',
      );
    if (Number(claims.iat) > nowS + 60)
      return oauthError(401, 'invalid_client', 'The client_assertion token was issued in the future.');
    const jti = String(claims.jti ?? '');
    if (jti === '' || this.#seenAssertions.has(jti)) {
      return oauthError(401, 'invalid_client', 'The client_assertion token has already been used (jti).');
    }
    this.#seenAssertions.add(jti);

    let jkt: string | undefined;
    if (proof === undefined) {
      if (this.#options.requireDpop)
        return oauthError(400, 'invalid_dpop_proof', 'The DPoP proof JWT header is missing.');
    } else {
      const checked = this.#checkProof(
        proof,
        'POST',
        tokenUrl,
        undefined,
        replayed,
        this.#options.dpopNonce !== 'none',
      );
      if (!checked.ok) {
        return checked.nonce
          ? oauthError(400, 'use_dpop_nonce', 'Authorization server requires nonce in DPoP proof.', {
              'DPoP-Nonce': this.#nonce(),
            })
          : oauthError(400, 'invalid_dpop_proof', checked.problem);
      }
      jkt = checked.jkt;
    }

    const requested = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
    const granted = requested.filter((scope) => this.#options.grantedScopes.includes(scope));
    const ungranted = requested.filter((scope) => !granted.includes(scope));
    if (granted.length === 0 || (ungranted.length > 0 && this.#options.ungrantedScopes === 'reject')) {
      return oauthError(
        400,
        'invalid_scope',
        `The following scopes are not allowed for the client: ${ungranted.join(' ') || '(none requested)'}`,
      );
    }
    const value = `eyJraWQiOiJzYW1wbGUifQ.${randomBytes(36).toString('base64url')}.${randomBytes(16).toString('base64url')}`;
    this.#tokens.set(value, {
      scopes: new Set(granted),
      expiresAt: this.#now() + this.#options.tokenLifetimeSeconds * 1000,
      jkt,
    });
    this.counters.tokensIssued++;
    return {
      status: 200,
      body: {
        token_type: jkt ? 'DPoP' : 'Bearer',
        expires_in: this.#options.tokenLifetimeSeconds,
        access_token: value,
        scope: granted.join(' '),
      },
    };
  }

  #checkProof(
    proof: string,
    htm: string,
    htu: string,
    accessToken: string | undefined,
    replayed: boolean,
    needsNonce: boolean,
  ): { ok: true; jkt: string } | { ok: false; problem: string; nonce?: boolean } {
    const header = decodePart(proof.split('.')[0]);
    const claims = decodePart(proof.split('.')[1]);
    if (
      !header ||
      !claims ||
      header.typ !== 'dpop+jwt' ||
      typeof header.jwk !== 'object' ||
      header.jwk === null
    ) {
      return { ok: false, problem: 'The DPoP proof JWT is malformed.' };
    }
    const jwk = header.jwk as JsonWebKey;
    if ('d' in jwk) return { ok: false, problem: 'The DPoP proof JWT header contains a private key.' };
    let key: KeyObject;
    try {
      key = createPublicKey({ key: jwk, format: 'jwk' });
    } catch {
      return { ok: false, problem: 'The DPoP proof JWT header has an invalid jwk.' };
    }
    if (!verifyJws(proof, key, header.alg))
      return { ok: false, problem: 'The DPoP proof JWT signature is invalid.' };
    if (claims.htm !== htm)
      return { ok: false, problem: "The DPoP proof 'htm' claim does not match the request method." };
    if (claims.htu !== htu)
      return { ok: false, problem: "The DPoP proof 'htu' claim does not match the request URL." };
    const age = Math.floor(this.#now() / 1000) - Number(claims.iat);
    if (!Number.isFinite(age) || age > PROOF_MAX_AGE_S || age < -60)
      return { ok: false, problem: "The DPoP proof 'iat' is too old or in the future." };
    if (replayed || typeof claims.jti !== 'string')
      return { ok: false, problem: 'The DPoP proof has already been used.' };
    if (accessToken !== undefined) {
      const ath = createHash('sha256').update(accessToken).digest('base64url');
      if (claims.ath !== ath)
        return { ok: false, problem: "The DPoP proof 'ath' claim does not match the access token." };
    }
    if (needsNonce && claims.nonce !== this.#nonce()) return { ok: false, problem: 'nonce', nonce: true };
    return { ok: true, jkt: thumbprint(jwk) };
  }

  /**
   * Checks an OAuth `Authorization` header on an API request that arrived at `arrivedAt`, and the
   * scope `path` needs.
   */
  authenticate(
    method: string,
    path: string,
    authorization: string,
    proof: string | undefined,
    replayed: boolean,
    arrivedAt: number,
  ): AuthResult {
    const [scheme = '', value = ''] = authorization.split(/\s+/, 2);
    const token = this.#tokens.get(value);
    const challenge = (error: string, description: string, extra = '') =>
      `${scheme} realm="${this.origin}", error="${error}", error_description="${description}"${extra}`;
    /** Okta's 401 for a token it does not accept, with the WWW-Authenticate (and DPoP-Nonce) headers given. */
    const rejected = (headers: Record<string, string>): AuthResult => ({
      ok: false,
      result: {
        status: 401,
        body: {
          errorCode: 'E0000011',
          errorSummary: 'Invalid token provided',
          errorLink: 'E0000011',
          errorId: '',
          errorCauses: [],
        },
        headers,
      },
    });
    const invalid = (description: string): AuthResult => {
      this.counters.rejectedTokens++;
      return rejected({ 'WWW-Authenticate': challenge('invalid_token', description) });
    };
    if (!token) return invalid('The access token is invalid.');
    if (arrivedAt >= token.expiresAt) return invalid('The access token is expired.');
    const bound = token.jkt !== undefined;
    if (bound !== (scheme.toLowerCase() === 'dpop'))
      return invalid('The token type does not match the authorization scheme.');
    if (bound) {
      if (proof === undefined) return invalid('The DPoP proof JWT header is missing.');
      const needsNonce = this.#options.dpopNonce === 'both';
      const checked = this.#checkProof(proof, method, `${this.origin}${path}`, value, replayed, needsNonce);
      if (!checked.ok && checked.nonce) {
        this.counters.nonceChallenges++;
        return rejected({
          'WWW-Authenticate': challenge('use_dpop_nonce', 'Resource server requires nonce in DPoP proof'),
          'DPoP-Nonce': this.#nonce(),
        });
      }
      if (!checked.ok) {
        this.counters.rejectedProofs++;
        return rejected({ 'WWW-Authenticate': challenge('invalid_dpop_proof', checked.problem) });
      }
      if (checked.jkt !== token.jkt) return invalid('The DPoP proof key does not match the token.');
    }
    const scope = scopeForPath(path);
    if (scope !== undefined && !token.scopes.has(scope)) {
      this.counters.insufficientScope++;
      return {
        ok: false,
        result: {
          status: 403,
          body: undefined,
          headers: {
            'WWW-Authenticate': `${scheme} authorization_uri="${this.origin}/oauth2/v1/authorize", realm="${this.origin}", scope="${scope}", error="insufficient_scope", error_description="The access token provided does not contain the required scopes.", resource="${path}"`,
          },
        },
      };
    }
    return { ok: true };
  }
}
