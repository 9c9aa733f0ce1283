import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Got, Response } from 'got';
import { z } from 'zod';
import { DpopProver } from './dpop-prover.js';
import { NetworkError, OAuthError, parseWwwAuthenticate } from './errors.js';
import type { RequestAuthorization, RequestAuthorizer } from './request-authorizer.js';
import { signJwt } from './sign-jwt.js';
import type { SigningKey } from './signing-key.js';

/** An OAuth 2.0 service app (API Services app): client credentials with `private_key_jwt`. */
export interface OAuthCredentials {
  kind: 'oauth';
  clientId: string;
  key: SigningKey;
  /** The `kid` of the client assertion. @default the JWK's `kid`, else none (Okta then tries the app's keys) */
  keyId?: string | undefined;
  /** Scopes to ask for (`okta.users.read` …). */
  scopes: readonly string[];
  /**
   * Send DPoP proofs from the first token request. Without it, DPoP starts as soon as the token
   * endpoint says the app requires it (`invalid_dpop_proof`). @default false
   */
  dpop?: boolean | undefined;
}

/** What the current access token is, for test-connection and the logs (never the token itself). */
export interface AccessTokenInfo {
  type: 'Bearer' | 'DPoP';
  /** Scopes Okta granted. */
  scopes: string[];
  /** Scopes asked for but not granted (dropped by Okta, or refused and dropped by okta-connector). */
  missingScopes: string[];
  lifetimeSeconds: number;
}

export interface OAuthAuthorizerOptions {
  origin: string;
  credentials: OAuthCredentials;
  /** The client's got instance (its proxy, CAs, timeout, no redirects). */
  http: Got;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  /** Every access token, as soon as it is received, so the UI can mask it. */
  onSecret: (secret: string) => void;
  /** One event per token request, for `--verbose`. */
  onTokenRequest: (event: {
    status?: number;
    durationMs: number;
    attempt: number;
    error?: string;
    requestId?: string;
  }) => void;
}

const TOKEN_PATH = '/oauth2/v1/token';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Client assertions live this long: Okta allows up to an hour; a short one is useless if it leaks. */
const ASSERTION_LIFETIME_S = 300;
/** Token requests that fail transiently (network, 429, 5xx) are tried this many times. */
const TOKEN_ATTEMPTS = 4;
/** Clock skew above which an `invalid_client` is blamed on this machine's clock. */
const SKEW_LIMIT_MS = 60_000;

const tokenResponseSchema = z
  .object({
    access_token: z.string().min(1),
    token_type: z.string(),
    expires_in: z.coerce.number().positive(),
    scope: z.string().optional(),
  })
  .loose();

const errorResponseSchema = z.object({ error: z.string(), error_description: z.string().optional() }).loose();

interface AccessToken {
  value: string;
  type: 'Bearer' | 'DPoP';
  scopes: string[];
  /** Local time from which a new token is fetched (before expiry, by a margin proportional to the lifetime). */
  refreshAt: number;
  /** Local time after which the token is no longer sent. */
  usableUntil: number;
  lifetimeSeconds: number;
}

/**
 * `Authorization: Bearer|DPoP <access token>`, with the token obtained from the org authorization
 * server by client credentials and a signed client assertion (`private_key_jwt`), cached in memory
 * only, refreshed before it expires (by a fifth of its lifetime, at most 5 minutes) and once after
 * an unexpected 401 `invalid_token`. DPoP (RFC 9449) is switched on when configured or when the
 * token endpoint asks for it, with the `use_dpop_nonce` exchange at the token endpoint and at the API.
 * https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/main/
 */
export class OAuthAuthorizer implements RequestAuthorizer {
  readonly kind = 'oauth';
  readonly #options: OAuthAuthorizerOptions;
  readonly #tokenUrl: URL;
  readonly #secrets = new Set<string>();
  #prover: DpopProver | undefined;
  #tokenNonce: string | undefined;
  #resourceNonce: string | undefined;
  #current: AccessToken | undefined;
  #pending: Promise<AccessToken> | undefined;
  /** Tokens already replaced after a 401: a second 401 with the new one is a real failure. */
  readonly #rejected = new Set<string>();
  #missingScopes: string[] = [];

  constructor(options: OAuthAuthorizerOptions) {
    this.#options = options;
    this.#tokenUrl = new URL(TOKEN_PATH, `${options.origin}/`);
    if (options.credentials.dpop) this.#prover = new DpopProver();
  }

  /** The current token's type and scopes, fetching one if needed. */
  async tokenInfo(): Promise<AccessTokenInfo> {
    const token = await this.#token();
    return {
      type: token.type,
      scopes: [...token.scopes],
      missingScopes: [...this.#missingScopes],
      lifetimeSeconds: token.lifetimeSeconds,
    };
  }

  async authorize(method: string, url: URL): Promise<RequestAuthorization> {
    const token = await this.#token();
    if (token.type === 'Bearer')
      return { headers: { authorization: `Bearer ${token.value}` }, token: token.value };
    const prover = this.#proverFor();
    const proof = prover.proof({
      htm: method,
      htu: url,
      nowMs: this.#options.now(),
      accessToken: token.value,
      nonce: this.#resourceNonce,
    });
    return { headers: { authorization: `DPoP ${token.value}`, dpop: proof }, token: token.value };
  }

  shouldResend(
    status: number,
    headers: IncomingHttpHeaders,
    sent: RequestAuthorization,
    resends: number,
  ): boolean {
    const nonce = headerValue(headers['dpop-nonce']);
    if (nonce) this.#resourceNonce = nonce;
    if (status !== 401 || resends >= 2) return false;
    const challenge = parseWwwAuthenticate(headerValue(headers['www-authenticate']));
    if (challenge?.error === 'use_dpop_nonce') return nonce !== undefined;
    // A token refused before its time (revoked, or the clocks disagree): fetch a new one, once.
    if (this.#rejected.has(sent.token)) return false;
    this.#rejected.add(sent.token);
    if (this.#current?.value === sent.token) this.#current = undefined;
    return true;
  }

  scrub(text: string): string {
    let result = text;
    for (const secret of this.#secrets) result = result.split(secret).join('[redacted]');
    return result;
  }

  #proverFor(): DpopProver {
    this.#prover ??= new DpopProver();
    return this.#prover;
  }

  /** The cached token; a new one when none is left or it is due. While a due token is still usable, requests go on with it. */
  #token(): Promise<AccessToken> {
    const now = this.#options.now();
    const current = this.#current;
    if (current && now < current.refreshAt) return Promise.resolve(current);
    if (!this.#pending) {
      const pending = this.#requestToken().then((token) => {
        this.#current = token;
        return token;
      });
      this.#pending = pending;
      pending.then(
        () => {
          if (this.#pending === pending) this.#pending = undefined;
        },
        () => {
          if (this.#pending === pending) this.#pending = undefined;
        },
      );
    }
    if (current && now < current.usableUntil) return Promise.resolve(current);
    return this.#pending;
  }

  async #requestToken(): Promise<AccessToken> {
    const { credentials, http, now, sleep, random } = this.#options;
    let scopes = [...credentials.scopes];
    const dropped: string[] = [];
    let transient = 0;
    let nonceRetries = 0;
    let dpopSwitched = false;
    for (let attempt = 1; ; attempt++) {
      const sentAt = now();
      const iat = Math.floor(sentAt / 1000);
      const assertion = signJwt(
        { typ: 'JWT', ...(this.#keyId() ? { kid: this.#keyId() } : {}) },
        {
          iss: credentials.clientId,
          sub: credentials.clientId,
          aud: this.#tokenUrl.href,
          iat,
          exp: iat + ASSERTION_LIFETIME_S,
          jti: randomUUID(),
        },
        credentials.key.key,
        credentials.key.alg,
      );
      const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
      if (this.#prover) {
        headers.dpop = this.#prover.proof({
          htm: 'POST',
          htu: this.#tokenUrl,
          nowMs: sentAt,
          nonce: this.#tokenNonce,
        });
      }
      const body = new URLSearchParams({
        grant_type: 'client_credentials',
        scope: scopes.join(' '),
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: assertion,
      }).toString();

      let response: Response<string>;
      try {
        response = await http.post(this.#tokenUrl, { body, headers });
      } catch (error) {
        const code = (error as { code?: string }).code;
        this.#options.onTokenRequest({ durationMs: now() - sentAt, attempt, error: code ?? 'network error' });
        if (++transient < TOKEN_ATTEMPTS) {
          await sleep(backoff(transient, random));
          continue;
        }
        throw new NetworkError(
          `Could not get an access token from ${this.#tokenUrl.host}: the token request failed (${code ?? 'network error'}) ${transient} times.`,
          {
            request: `POST ${TOKEN_PATH}`,
            hint: 'Check the network, proxy or firewall between this machine and Okta; test-connection says which.',
            ...(code ? { networkCode: code } : {}),
          },
        );
      }
      const requestId = headerValue(response.headers['x-okta-request-id']);
      this.#options.onTokenRequest({
        status: response.statusCode,
        durationMs: now() - sentAt,
        attempt,
        ...(requestId ? { requestId } : {}),
      });
      const nonce = headerValue(response.headers['dpop-nonce']);
      if (nonce) this.#tokenNonce = nonce;
      const status = response.statusCode;

      if (status === 200) return this.#accept(response.body, scopes, dropped, sentAt, requestId);
      if (status === 429 || status >= 500) {
        if (++transient < TOKEN_ATTEMPTS) {
          await sleep(retryWait(response, status, transient, random, now()));
          continue;
        }
        throw this.#error(
          status,
          undefined,
          `the token endpoint kept answering HTTP ${status}`,
          requestId,
          'Okta may be busy or having an incident (https://status.okta.com); run again later.',
        );
      }

      const parsed = errorResponseSchema.safeParse(parseJson(response.body));
      const error = parsed.success ? parsed.data.error : undefined;
      const description = parsed.success ? (parsed.data.error_description ?? '') : '';
      if (error === 'use_dpop_nonce' && nonce && nonceRetries++ < 2) {
        this.#proverFor();
        continue;
      }
      if (error === 'invalid_dpop_proof' && !this.#prover && !dpopSwitched) {
        // The app requires DPoP (the default for new API Services apps): prove possession from now on.
        dpopSwitched = true;
        this.#proverFor();
        continue;
      }
      if (error === 'invalid_scope') {
        const refused = scopes.filter((scope) => description.includes(scope));
        if (refused.length > 0 && refused.length < scopes.length) {
          dropped.push(...refused);
          scopes = scopes.filter((scope) => !refused.includes(scope));
          continue;
        }
      }
      throw this.#failure(status, error, description, requestId, dateOf(response.headers.date), sentAt);
    }
  }

  #keyId(): string | undefined {
    return this.#options.credentials.keyId ?? this.#options.credentials.key.kid;
  }

  #accept(
    text: string,
    requested: string[],
    dropped: string[],
    sentAt: number,
    requestId: string | undefined,
  ): AccessToken {
    const parsed = tokenResponseSchema.safeParse(parseJson(text));
    if (!parsed.success) {
      throw this.#error(
        200,
        undefined,
        'the token endpoint answered without a usable access token',
        requestId,
        'A proxy may be replacing the answer; run again, and check the proxy if it keeps happening.',
      );
    }
    const { access_token: value, token_type: tokenType, expires_in: lifetimeSeconds, scope } = parsed.data;
    this.#secrets.add(value);
    this.#options.onSecret(value);
    const granted = scope === undefined ? requested : scope.split(/\s+/).filter(Boolean);
    this.#missingScopes = [...dropped, ...requested.filter((name) => !granted.includes(name))];
    const lifetimeMs = lifetimeSeconds * 1000;
    const type = tokenType.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
    if (type === 'DPoP') this.#proverFor();
    return {
      value,
      type,
      scopes: granted,
      // Measured from when the request was sent, so a slow answer never makes a token look younger.
      refreshAt: sentAt + lifetimeMs - Math.min(lifetimeMs / 5, 300_000),
      usableUntil: sentAt + lifetimeMs - Math.min(lifetimeMs / 20, 30_000),
      lifetimeSeconds,
    };
  }

  #error(
    status: number,
    oauthError: string | undefined,
    problem: string,
    requestId: string | undefined,
    hint: string,
  ): OAuthError {
    return new OAuthError(
      `Could not get an access token for client ${this.#options.credentials.clientId}: ${problem}.`,
      {
        status,
        request: `POST ${TOKEN_PATH}`,
        hint,
        ...(oauthError ? { oauthError, errorCode: oauthError } : {}),
        ...(requestId ? { requestId } : {}),
      },
    );
  }

  /** A refusal of the token endpoint, with advice for the usual causes. */
  #failure(
    status: number,
    error: string | undefined,
    description: string,
    requestId: string | undefined,
    serverDate: number | undefined,
    sentAt: number,
  ): OAuthError {
    const clientId = this.#options.credentials.clientId;
    const kid = this.#keyId();
    const said = `${error ?? `HTTP ${status}`}${description ? `: ${this.scrub(description)}` : ''}`;
    const skewMs = serverDate === undefined ? 0 : sentAt - serverDate;
    if (
      error === 'invalid_client' &&
      (Math.abs(skewMs) > SKEW_LIMIT_MS || /expire|future|\biat\b|\bexp\b|\bnbf\b|clock/i.test(description))
    ) {
      const skew =
        Math.abs(skewMs) > SKEW_LIMIT_MS
          ? ` This machine's clock is ${Math.round(Math.abs(skewMs) / 1000)} s ${skewMs > 0 ? 'ahead of' : 'behind'} Okta's.`
          : '';
      return this.#error(
        status,
        error,
        `Okta refused the client assertion as expired or not yet valid (${said})`,
        requestId,
        `The assertion is valid for ${ASSERTION_LIFETIME_S / 60} minutes from this machine's clock.${skew} Turn on time synchronisation (NTP): 'timedatectl set-ntp true' on Linux, 'w32tm /resync' on Windows.`,
      );
    }
    if (error === 'invalid_client') {
      const advice = /kid|key id/i.test(description)
        ? `The key id (kid) sent was ${kid ? `"${kid}"` : 'none'}: use the Key ID shown next to the public key on the app (Admin Console > Applications > the app > General > Public keys), with --key-id or OKTA_CLIENT_KEYID.`
        : /client_id|client id|not found|unknown client/i.test(description)
          ? `Check the client id (${clientId}): it is the Client ID of the API Services app (Admin Console > Applications > the app > General).`
          : `Check, on the API Services app (Admin Console > Applications > the app > General): the Client ID is ${clientId}; Client authentication is "Public key / Private key"; the public key registered there is the half of this private key${kid ? ` and its Key ID is "${kid}"` : ''}.`;
      return this.#error(status, error, `Okta refused the client credentials (${said})`, requestId, advice);
    }
    if (error === 'invalid_scope') {
      return this.#error(
        status,
        error,
        `Okta refused the scopes ${this.#options.credentials.scopes.join(' ')} (${said})`,
        requestId,
        'Grant the scopes to the app (Admin Console > Applications > the app > Okta API Scopes > Grant), or ask for fewer with --scopes or OKTA_CLIENT_SCOPES.',
      );
    }
    if (error === 'unauthorized_client') {
      return this.#error(
        status,
        error,
        `the app may not use client credentials (${said})`,
        requestId,
        'Use an API Services app (Applications > Create App Integration > API Services) whose Client authentication is "Public key / Private key".',
      );
    }
    if (error === 'invalid_dpop_proof' || error === 'use_dpop_nonce') {
      return this.#error(
        status,
        error,
        `Okta refused the DPoP proof (${said})`,
        requestId,
        "Check this machine's clock (NTP); if it is right, turn DPoP off on the app (Admin Console > Applications > the app > General > Require Demonstrating Proof of Possession) and report the message.",
      );
    }
    return this.#error(
      status,
      error,
      `the token endpoint answered ${said}`,
      requestId,
      'Check the app in the Admin Console (Applications > the app), then run okta-connector test-connection.',
    );
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function dateOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Full jitter, from up to 1 s doubling to 8 s. */
function backoff(retry: number, random: () => number): number {
  return Math.floor(random() * Math.min(8_000, 1_000 * 2 ** (retry - 1)));
}

/** A 429 waits for the bucket's reset (server clock, plus 1 s), a 5xx backs off. */
function retryWait(
  response: Response<string>,
  status: number,
  retry: number,
  random: () => number,
  now: number,
): number {
  const reset = Number(headerValue(response.headers['x-rate-limit-reset']));
  const serverNow = dateOf(headerValue(response.headers.date)) ?? now;
  if (status === 429 && Number.isFinite(reset) && reset * 1000 > serverNow)
    return Math.min(reset * 1000 - serverNow + 1000, 60_000);
  return backoff(retry, random);
}
