import { describe, expect, it } from 'vitest';
import { parseProxyUrl } from '../../src/config/network.js';
import { ConfigError, UsageError } from '../../src/errors.js';
import { bypassesProxy, describeProxy, proxyForUrl } from '../../src/okta/proxy-for-url.js';
import { redact } from '../../src/ui/redact.js';

const proxy = new URL('http://alice:s3cr%40t@proxy.corp:3128');

describe('proxyForUrl', () => {
  it('uses the https proxy for https targets and the http one for http targets', () => {
    const http = new URL('http://other:8080');
    const settings = { https: proxy, http };
    expect(proxyForUrl(new URL('https://acme.okta.com'), settings)).toBe(proxy);
    expect(proxyForUrl(new URL('http://127.0.0.1:4000'), settings)).toBe(http);
    expect(proxyForUrl(new URL('http://127.0.0.1:4000'), { https: proxy })).toBeUndefined();
    expect(proxyForUrl(new URL('https://acme.okta.com'), undefined)).toBeUndefined();
  });

  it('sends loopback through the proxy unless NO_PROXY names it, as curl does', () => {
    expect(proxyForUrl(new URL('https://127.0.0.1:8443'), { https: proxy })).toBe(proxy);
    expect(
      proxyForUrl(new URL('https://127.0.0.1:8443'), { https: proxy, noProxy: '127.0.0.1' }),
    ).toBeUndefined();
    expect(
      proxyForUrl(new URL('https://localhost:8443'), { https: proxy, noProxy: 'localhost' }),
    ).toBeUndefined();
  });
});

describe('bypassesProxy (NO_PROXY)', () => {
  it.each([
    ['acme.okta.com', 443, '*', true],
    ['acme.okta.com', 443, 'okta.com', true],
    ['acme.okta.com', 443, '.okta.com', true],
    ['acme.okta.com', 443, '*.okta.com', true],
    ['okta.com', 443, '.okta.com', true],
    ['acme.okta.com', 443, 'acme.okta.com:443', true],
    ['acme.okta.com', 443, 'acme.okta.com:8443', false],
    ['notokta.com', 443, 'okta.com', false],
    ['acme.okta.com', 443, 'example.com, intranet', false],
    ['acme.okta.com', 443, 'example.com  ACME.OKTA.COM', true],
    ['acme.okta.com.', 443, 'acme.okta.com', true],
    ['127.0.0.1', 8443, '127.0.0.1', true],
    ['127.0.0.1', 8443, '127.0.0.2', false],
    ['127.0.0.1', 8443, '127.0.0.0/8', true],
    ['10.1.2.3', 443, '10.0.0.0/16', false],
    ['::1', 443, '[::1]', true],
    ['::1', 443, '::/0', true],
    ['acme.okta.com', 443, '', false],
  ])('%s:%d with NO_PROXY=%j → %s', (host, port, noProxy, expected) => {
    expect(bypassesProxy(host, port, noProxy)).toBe(expected);
  });
});

describe('proxy URLs are never shown with their password', () => {
  it('describeProxy masks the password and keeps the user', () => {
    expect(describeProxy(proxy)).toBe('http://alice:****@proxy.corp:3128');
    expect(describeProxy(new URL('http://proxy.corp:3128'))).toBe('http://proxy.corp:3128');
  });

  it('redact masks the password of any URL, however short', () => {
    expect(redact('via http://bob:pw@proxy:3128 and https://u:x%40y@p.corp/')).toBe(
      'via http://bob:[redacted]@proxy:3128 and https://u:[redacted]@p.corp/',
    );
  });

  it('parseProxyUrl adds http://, registers the password, and refuses other schemes without echoing it', () => {
    const url = parseProxyUrl('carol:LongProxyPassw0rd@proxy.corp:8080', 'HTTPS_PROXY');
    expect(url.href).toBe('http://carol:LongProxyPassw0rd@proxy.corp:8080/');
    expect(redact('the password is LongProxyPassw0rd')).toBe('the password is [redacted]');
    expect(() => parseProxyUrl('socks5://dave:AnotherPassw0rd@proxy:1080', 'HTTPS_PROXY')).toThrow(
      ConfigError,
    );
    try {
      parseProxyUrl('socks5://dave:AnotherPassw0rd@proxy:1080', '--proxy', true);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect(String((error as Error).message)).not.toContain('AnotherPassw0rd');
      expect((error as Error).message).toContain('socks5://');
    }
  });
});
