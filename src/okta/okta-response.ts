/** A 2xx answer from Okta, as the client hands it to the paginator and resources. */
export interface OktaResponse<T> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | undefined>;
  /** The absolute URL that was requested. */
  url: string;
  requestId?: string;
  /** The server's clock, from the `Date` header. */
  serverDate?: Date;
}

export interface GetOptions {
  searchParams?: Record<string, string | number>;
  /**
   * Send the token. Only `/.well-known/okta-organization` is read without it.
   * @default true
   */
  authenticated?: boolean;
  /** Passed through to RequestEvent, so a caller can attribute requests (e.g. to an entity). */
  label?: string;
  /**
   * A list page: when the answer is a JSON array, the body is a {@link JsonArrayBody} whose
   * elements are parsed one at a time, instead of the whole array parsed at once.
   * @default false
   */
  elementWise?: boolean;
}
