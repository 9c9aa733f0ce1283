/**
 * The last line of defence for secrets: every line okta-connector prints (the error printer, the
 * logger, command output) goes through `redact`. Config resolution registers each token it loads, so
 * even a message built by mistake from a token prints `[redacted]` instead.
 */

/** Shorter strings would mask ordinary words; an Okta API token is about 42 characters. */
const MIN_SECRET_LENGTH = 8;
const REPLACEMENT = '[redacted]';

const secrets = new Set<string>();

/** Remembers a secret (an API token) so that `redact` masks it wherever it appears. */
export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= MIN_SECRET_LENGTH) secrets.add(secret);
}

/** Masks registered secrets, anything shaped like an `Authorization` credential, and URL passwords. */
export function redact(text: string): string {
  let result = text;
  // Longest first, so a secret that contains another is masked whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (result.includes(secret)) result = result.split(secret).join(REPLACEMENT);
  }
  return (
    result
      .replace(/\b(SSWS|Bearer|DPoP)(\s+)[A-Za-z0-9._~+/=-]{8,}/gi, `$1$2${REPLACEMENT}`)
      // The password of a URL (a proxy's `http://user:password@host`), however short; an already
      // masked `****` and the literal placeholder `password` (in hints) stay.
      .replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]*:)(?!\*+@|password@)[^\s/?#@]+@/gi, `$1${REPLACEMENT}@`)
  );
}
