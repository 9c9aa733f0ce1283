import { describe, expect, it } from 'vitest';
import { ConfigError, ExitCode } from '../../src/errors.js';
import { parseOrgUrl } from '../../src/okta/org-url.js';

function rejection(input: string | undefined): ConfigError {
  try {
    parseOrgUrl(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`parseOrgUrl(${JSON.stringify(input)}) did not throw`);
}

describe('parseOrgUrl: accepted forms', () => {
  it.each([
    ['acme.okta.com', 'https://acme.okta.com', 'acme.okta.com'],
    ['https://acme.okta.com', 'https://acme.okta.com', 'acme.okta.com'],
    ['https://acme.okta.com/', 'https://acme.okta.com', 'acme.okta.com'],
    ['https://acme.okta.com/app/UserHome?fromLogin=true#x', 'https://acme.okta.com', 'acme.okta.com'],
    ['acme.okta.com/oauth2/default', 'https://acme.okta.com', 'acme.okta.com'],
    ['  ACME.Okta.COM  ', 'https://acme.okta.com', 'acme.okta.com'],
    ['acme.okta.com.', 'https://acme.okta.com', 'acme.okta.com'],
    ['https://acme.okta.com:443', 'https://acme.okta.com', 'acme.okta.com'],
    ['dev-123456.oktapreview.com', 'https://dev-123456.oktapreview.com', 'dev-123456.oktapreview.com'],
    ['trial-1234567.okta.com', 'https://trial-1234567.okta.com', 'trial-1234567.okta.com'],
    ['acme.okta-emea.com', 'https://acme.okta-emea.com', 'acme.okta-emea.com'],
    ['agency.okta-gov.com', 'https://agency.okta-gov.com', 'agency.okta-gov.com'],
    ['unit.okta.mil', 'https://unit.okta.mil', 'unit.okta.mil'],
  ])('%s → %s', (input, origin, host) => {
    expect(parseOrgUrl(input)).toEqual({ origin, host, kind: 'okta-hosted' });
  });

  it('accepts a custom URL domain', () => {
    expect(parseOrgUrl('https://id.example.com/')).toEqual({
      origin: 'https://id.example.com',
      host: 'id.example.com',
      kind: 'custom',
    });
  });

  it.each([
    ['http://localhost:8080', 'http://localhost:8080', 'localhost:8080'],
    ['http://127.0.0.1:9999/', 'http://127.0.0.1:9999', '127.0.0.1:9999'],
    ['http://127.1.2.3', 'http://127.1.2.3', '127.1.2.3'],
    ['http://[::1]:3000', 'http://[::1]:3000', '[::1]:3000'],
    ['https://127.0.0.1:8443', 'https://127.0.0.1:8443', '127.0.0.1:8443'],
  ])('accepts loopback %s (local simulators, the demo org)', (input, origin, host) => {
    expect(parseOrgUrl(input)).toEqual({ origin, host, kind: 'loopback' });
  });
});

describe('parseOrgUrl: rejected forms say what is wrong and how to fix it', () => {
  it('suggests the API host for the Admin Console host', () => {
    const error = rejection('https://acme-admin.okta.com/admin/dashboard');
    expect(error.message).toContain('Admin Console');
    expect(error.hint).toContain('acme.okta.com');
    expect(rejection('acme-admin.oktapreview.com').hint).toContain('acme.oktapreview.com');
    expect(error.exitCode).toBe(ExitCode.Config);
  });

  it.each([undefined, '', '   '])('rejects an empty value (%j)', (input) => {
    const error = rejection(input);
    expect(error.message).toMatch(/empty/);
    expect(error.hint).toMatch(/Admin Console/);
  });

  it.each(['{yourOktaDomain}', 'https://{yourOktaDomain}/', 'yourOktaDomain.okta.com'])(
    'rejects the documentation placeholder %s',
    (input) => {
      expect(rejection(input).message).toMatch(/placeholder/);
    },
  );

  it('rejects an unexpanded environment variable', () => {
    expect(rejection('$OKTA_DOMAIN').message).toMatch(/not expanded/);
  });

  it('rejects .com.com and suggests the fix', () => {
    const error = rejection('acme.okta.com.com');
    expect(error.message).toContain('.com.com');
    expect(error.hint).toContain('acme.okta.com');
  });

  it('rejects a doubled ://', () => {
    expect(rejection('https://https://acme.okta.com').message).toContain('"://" more than once');
  });

  it.each(['https:/acme.okta.com', 'https:acme.okta.com'])('rejects the malformed scheme %s', (input) => {
    const error = rejection(input);
    expect(error.message).toMatch(/malformed/);
    expect(error.hint).toContain('https://acme.okta.com');
  });

  it.each(['acme okta.com', 'acme.okta.com /x', 'acme\t.okta.com'])('rejects spaces (%j)', (input) => {
    expect(rejection(input).message).toMatch(/spaces/);
  });

  it.each(['http://acme.okta.com', 'http://id.example.com'])(
    'rejects http:// outside loopback (%s)',
    (input) => {
      const error = rejection(input);
      expect(error.message).toMatch(/https/);
      expect(error.hint).toMatch(/^Use https:\/\//);
    },
  );

  it.each(['ftp://acme.okta.com', 'ldap://acme.okta.com'])('rejects other schemes (%s)', (input) => {
    expect(rejection(input).message).toMatch(/https:\/\//);
  });

  it.each([
    'acme..okta.com',
    '-acme.okta.com',
    'acme_1.okta.com',
    'acme.okta.com:abc',
    'https://',
    'acme!.okta.com',
  ])('rejects the malformed host %j', (input) => {
    expect(rejection(input).message).toMatch(/not a valid host name|not a full host name/);
  });

  it('rejects a user name in the URL', () => {
    expect(rejection('https://admin@acme.okta.com').message).toContain('@');
  });

  it('rejects a non-standard port and an IP address', () => {
    expect(rejection('acme.okta.com:8443').message).toContain(':8443');
    expect(rejection('https://203.0.113.10').message).toMatch(/IP address/);
  });

  it("rejects Okta's own site", () => {
    expect(rejection('okta.com').message).toMatch(/Okta's own site/);
    expect(rejection('www.okta.com').message).toMatch(/Okta's own site/);
  });

  it.each([
    ['acme.otka.com', 'acme.okta.com'],
    ['acme.okta.co', 'acme.okta.com'],
    ['acme.oktapreveiw.com', 'acme.oktapreview.com'],
  ])('suggests the Okta domain for the typo %s', (input, fixed) => {
    const error = rejection(input);
    expect(error.message).toMatch(/typo/);
    expect(error.hint).toBe(`Did you mean ${fixed}?`);
  });

  it('suggests .okta.com for a bare subdomain', () => {
    const error = rejection('acme');
    expect(error.message).toMatch(/not a full host name/);
    expect(error.hint).toContain('acme.okta.com');
    expect(error.hint).toContain('acme.oktapreview.com');
  });

  it('never echoes a pasted API token', () => {
    const token = '00abcdefghijklmnopqrstuvwxyz0123456789ABCD';
    const error = rejection(token);
    expect(error.message).toMatch(/looks like an API token/);
    expect(`${error.message} ${error.hint}`).not.toContain(token);
  });
});
