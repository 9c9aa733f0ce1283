import { describe, expect, it } from 'vitest';
import { maskToken, normalizeToken } from '../../src/config/token.js';
import { ConfigError, ExitCode } from '../../src/errors.js';

const TOKEN = '00QCjAl4MlV-WPXM8V1r2TjUPtKBnKpOUydUbPQuaw';

function rejection(raw: string): ConfigError {
  try {
    normalizeToken(raw, 'OKTA_CLIENT_TOKEN');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.exitCode).toBe(ExitCode.Config);
    // Whatever was pasted, the message never repeats it.
    expect(`${configError.message}\n${configError.hint}`).not.toContain(raw.trim() || '\u0000');
    return configError;
  }
  throw new Error('normalizeToken did not throw');
}

describe('normalizeToken', () => {
  it('accepts a token, trimming the newline of a pipe', () => {
    expect(normalizeToken(`${TOKEN}\n`)).toEqual({ token: TOKEN, notes: [] });
  });

  it.each([
    [`SSWS ${TOKEN}`, /"SSWS " prefix/],
    [`ssws   ${TOKEN}`, /"SSWS " prefix/],
    [`Bearer ${TOKEN}`, /"Bearer " prefix/],
    [`Authorization: SSWS ${TOKEN}`, /Authorization/],
    [`"${TOKEN}"`, /quotes/],
    [`'${TOKEN}'`, /quotes/],
  ])('strips %j with a note', (raw, note) => {
    const result = normalizeToken(raw, 'standard input');
    expect(result.token).toBe(TOKEN);
    expect(result.notes.join(' ')).toMatch(note);
    expect(result.notes.join(' ')).not.toContain(TOKEN);
  });

  it.each(['', '   ', '\n', 'SSWS ', '""'])('rejects an empty token (%j)', (raw) => {
    expect(rejection(raw).message).toMatch(/empty/);
  });

  it.each([
    '{apiToken}',
    '<token>',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an unexpanded shell variable, on purpose
    '${OKTA_CLIENT_TOKEN}',
    '$OKTA_CLIENT_TOKEN',
    'YOUR_API_TOKEN',
    'your-token',
    'xxxxxxxx',
    '***',
  ])('rejects the placeholder %j', (raw) => {
    expect(rejection(raw).message).toMatch(/placeholder/);
  });

  it.each([`${TOKEN.slice(0, 20)} ${TOKEN.slice(20)}`, `${TOKEN.slice(0, 20)}\n${TOKEN.slice(20)}`])(
    'rejects whitespace inside (%j)',
    (raw) => {
      const error = rejection(raw);
      expect(error.message).toMatch(/spaces or line breaks/);
      expect(error.hint).toMatch(/one line/);
    },
  );

  it('rejects an OAuth access token (a JWT)', () => {
    expect(rejection('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl').message).toMatch(
      /OAuth access token/,
    );
  });

  it('rejects characters no token has', () => {
    expect(rejection(`${TOKEN}é`).message).toMatch(/characters/);
    expect(rejection(`${TOKEN}\u200b`).message).toMatch(/characters/);
  });

  it('names the source in messages', () => {
    expect(rejection('').message).toContain('OKTA_CLIENT_TOKEN');
  });
});

describe('maskToken', () => {
  it('shows at most the first and last four characters', () => {
    expect(maskToken(TOKEN)).toBe('00QC…uaw'.replace('uaw', 'Quaw'));
    expect(maskToken(TOKEN)).toBe(`${TOKEN.slice(0, 4)}…${TOKEN.slice(-4)}`);
  });

  it('shows less of short tokens', () => {
    expect(maskToken('0123456789')).toBe('01…89');
    expect(maskToken('0123')).toBe('…');
  });
});
