import type { IncomingHttpHeaders } from 'node:http';

/** The headers one HTTP request carries to prove who it is, and the token they hold. */
export interface RequestAuthorization {
  headers: Record<string, string>;
  /** The credential sent (API token or access token), to tell a stale token from a bad one. */
  token: string;
}

/**
 * How a request is authenticated, asked once per HTTP request (retries included): `SSWS` with an
 * API token, or an OAuth access token (Bearer or DPoP) that the OAuth authorizer obtains and
 * refreshes. The client calls {@link authorize} right before each send, so a DPoP proof is never
 * reused, and {@link shouldResend} after each answer.
 */
export interface RequestAuthorizer {
  readonly kind: 'ssws' | 'oauth';
  /** Headers for one request to `url`; may fetch or refresh an access token first. */
  authorize(method: string, url: URL): Promise<RequestAuthorization>;
  /**
   * Looks at the answer to an authorized request: true when it should be sent again at once with
   * fresh headers (a DPoP nonce was asked for, or an access token was rejected before its time).
   * @param resends how many times this request was already sent again for this reason
   */
  shouldResend(
    status: number,
    headers: IncomingHttpHeaders,
    sent: RequestAuthorization,
    resends: number,
  ): boolean;
  /** Removes every credential this authorizer knows from a text. */
  scrub(text: string): string;
}

/** `Authorization: SSWS <token>`: an Okta API token. */
export class SswsAuthorizer implements RequestAuthorizer {
  readonly kind = 'ssws';
  readonly #token: string;

  constructor(token: string) {
    this.#token = token;
  }

  async authorize(): Promise<RequestAuthorization> {
    return { headers: { authorization: `SSWS ${this.#token}` }, token: this.#token };
  }

  shouldResend(): boolean {
    return false;
  }

  scrub(text: string): string {
    return this.#token === '' ? text : text.split(this.#token).join('[redacted]');
  }
}
