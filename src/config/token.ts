import { ConfigError } from '../errors.js';

export interface NormalizedToken {
  token: string;
  /** What was fixed (a pasted `SSWS ` prefix, quotes), to show as warnings. Never contain the token. */
  notes: string[];
}

const WHERE_TO_CREATE =
  'Create one in the Admin Console: Security > API > Tokens > Create token (ideally as a dedicated read-only admin).';

const PLACEHOLDER =
  /^(?:\{[^}]*\}|<[^>]*>|\$\{[^}]*\}|\$[A-Z_][A-Z0-9_]*|(?:your|my)[-_ ]?(?:okta[-_ ]?)?(?:api[-_ ]?)?token|api[-_ ]?token|token|x{4,}|changeme|redacted|\*+)$/i;
const JWT = /^eyJ[\w-]*\.[\w-]*\.[\w-]*$/;

/**
 * Cleans up a pasted API token and rejects the usual mistakes: empty, the documentation placeholder,
 * spaces or line breaks inside, an OAuth access token. A pasted `SSWS `/`Bearer ` prefix,
 * `Authorization:` or surrounding quotes are removed with a note. Messages never include the token.
 * @param source where the token came from, for messages: `"OKTA_CLIENT_TOKEN"`, `"standard input"`.
 */
export function normalizeToken(raw: string | undefined, source = 'the API token'): NormalizedToken {
  const notes: string[] = [];
  let token = (raw ?? '').trim();
  if (token === '')
    throw new ConfigError(`The API token from ${source} is empty.`, { hint: WHERE_TO_CREATE });

  const header = /^authorization\s*:\s*/i.exec(token);
  if (header) {
    token = token.slice(header[0].length);
    notes.push(`Removed "Authorization:" from the token from ${source}.`);
  }
  const quoted = /^(["'`])(.*)\1$/s.exec(token);
  if (quoted) {
    token = (quoted[2] ?? '').trim();
    notes.push(`Removed the quotes around the token from ${source}.`);
  }
  const scheme = /^(ssws|bearer)(\s+|$)/i.exec(token);
  if (scheme) {
    token = token.slice(scheme[0].length);
    const name = scheme[1]!.toLowerCase() === 'ssws' ? 'SSWS' : 'Bearer';
    notes.push(
      `Removed the "${name} " prefix from the token from ${source}: okta-connector adds "SSWS " itself.`,
    );
  }

  if (token === '')
    throw new ConfigError(`The API token from ${source} is empty.`, { hint: WHERE_TO_CREATE });
  if (PLACEHOLDER.test(token)) {
    throw new ConfigError(`The API token from ${source} is a placeholder, not a token.`, {
      hint: `Paste the token value Okta showed when it was created. ${WHERE_TO_CREATE}`,
    });
  }
  if (/\s/.test(token)) {
    throw new ConfigError(`The API token from ${source} contains spaces or line breaks.`, {
      hint: 'Copy the token again as one line, without anything before or after it.',
    });
  }
  if (JWT.test(token)) {
    throw new ConfigError(`The value from ${source} is an OAuth access token, not an Okta API token.`, {
      hint: `okta-connector uses an API token (sent as "SSWS <token>"). ${WHERE_TO_CREATE}`,
    });
  }
  // Printable ASCII only: anything else cannot go in an HTTP header and means a bad paste.
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new ConfigError(`The API token from ${source} contains characters an API token never has.`, {
      hint: 'Copy the token again; check that no quotes, accents or invisible characters came along.',
    });
  }
  return { token, notes };
}

/** `00abcdefgh…wxyz` → `00ab…wxyz`: at most the first and last four characters, fewer for short tokens. */
export function maskToken(token: string): string {
  if (token.length >= 16) return `${token.slice(0, 4)}…${token.slice(-4)}`;
  if (token.length >= 8) return `${token.slice(0, 2)}…${token.slice(-2)}`;
  return '…';
}
