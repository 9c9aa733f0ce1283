import { describe, expect, it } from 'vitest';
import { dnsFailure, tlsFailure } from '../../../src/commands/test-connection/checks/network-failures.js';
import type { ResolvedNetwork } from '../../../src/config/network.js';

const HOST = 'acme.okta.com';

function throughProxy(shown: string, caFile?: ResolvedNetwork['caFile']): ResolvedNetwork {
  return { options: {}, proxy: { shown, from: 'HTTPS_PROXY' }, noProxy: undefined, caFile };
}

describe('dnsFailure', () => {
  it('ENOTFOUND: the host does not exist; check the domain where it came from', () => {
    const failure = dnsFailure(HOST, 'ENOTFOUND', 'OKTA_CLIENT_ORGURL');
    expect(failure.detail).toBe('acme.okta.com does not exist in DNS (ENOTFOUND).');
    expect(failure.fix).toContain('Check the domain from OKTA_CLIENT_ORGURL for typos');
    expect(failure.fix).toContain('nslookup acme.okta.com');
  });

  it('EAI_AGAIN and ETIMEOUT: no DNS server answered, check that the machine is online', () => {
    for (const code of ['EAI_AGAIN', 'ETIMEOUT']) {
      const failure = dnsFailure(HOST, code, 'the profile');
      expect(failure.detail).toBe(`No DNS server answered for acme.okta.com (${code}).`);
      expect(failure.fix).toMatch(/online/);
    }
  });

  it('any other code: names it and points at the network between here and Okta', () => {
    const failure = dnsFailure(HOST, 'ESERVFAIL', 'the profile');
    expect(failure.detail).toBe('The DNS lookup of acme.okta.com failed (ESERVFAIL).');
    expect(failure.fix).toMatch(/HTTPS_PROXY/);
  });
});

describe('tlsFailure', () => {
  it('an untrusted chain names the root to ask for and the CA file that lacks it', () => {
    const failure = tlsFailure(
      HOST,
      443,
      {
        ok: false,
        errorCode: 'SELF_SIGNED_CERT_IN_CHAIN',
        issuer: 'CN=Inspect CA',
        rootIssuer: 'CN=Corp Root',
      },
      throughProxy('http://proxy:3128', { path: '/etc/ca.pem', certificates: [], from: '--ca-file' }),
    );
    expect(failure.detail).toBe(
      'The certificate presented for acme.okta.com is not trusted (SELF_SIGNED_CERT_IN_CHAIN). It was issued by "CN=Inspect CA". The CA file /etc/ca.pem (from --ca-file) does not hold it.',
    );
    expect(failure.fix).toContain('Ask your network team for the certificate of "CN=Corp Root"');
    expect(failure.fix).toContain('--ca-file');
  });

  it('an expired certificate says when, and a not-yet-valid one from when: check the clock', () => {
    const expired = tlsFailure(
      HOST,
      443,
      { ok: false, errorCode: 'CERT_HAS_EXPIRED', validTo: 'Jan 1 2026' },
      undefined,
    );
    expect(expired.detail).toBe(
      'The certificate presented for acme.okta.com expired on Jan 1 2026 (CERT_HAS_EXPIRED).',
    );
    const early = tlsFailure(
      HOST,
      443,
      { ok: false, errorCode: 'CERT_NOT_YET_VALID', validFrom: 'Jan 1 2030' },
      undefined,
    );
    expect(early.detail).toBe(
      'The certificate presented for acme.okta.com is valid only from Jan 1 2030 (CERT_NOT_YET_VALID).',
    );
    expect(early.fix).toMatch(/date and time/);
  });

  it('a certificate for other names lists the names it covers', () => {
    const failure = tlsFailure(
      HOST,
      443,
      { ok: false, errorCode: 'ERR_TLS_CERT_ALTNAME_INVALID', altNames: 'DNS:other.example.com' },
      undefined,
    );
    expect(failure.detail).toBe(
      'The certificate presented is not valid for acme.okta.com (it covers DNS:other.example.com).',
    );
    expect(failure.fix).toMatch(/Customizations > Domain/);
  });

  it('a proxy asking for credentials (407): with and without credentials in its URL', () => {
    const without = tlsFailure(HOST, 443, { ok: false, proxyStatus: 407 }, throughProxy('http://proxy:3128'));
    expect(without.detail).toBe('The proxy http://proxy:3128 requires a user name and password (HTTP 407).');
    expect(without.fix).toContain('(from HTTPS_PROXY)');
    const wrong = tlsFailure(
      HOST,
      443,
      { ok: false, proxyStatus: 407 },
      throughProxy('http://me:****@proxy:3128'),
    );
    expect(wrong.detail).toBe(
      'The proxy http://me:****@proxy:3128 rejected its user name or password (HTTP 407).',
    );
  });

  it('a proxy refusing CONNECT: 403 asks to allow the host, 502 points at the proxy or Okta', () => {
    const refused = tlsFailure(HOST, 443, { ok: false, proxyStatus: 403 }, throughProxy('http://proxy:3128'));
    expect(refused.detail).toBe(
      'The proxy http://proxy:3128 refused to connect to acme.okta.com (HTTP 403 to CONNECT).',
    );
    expect(refused.fix).toMatch(/allow acme\.okta\.com through the proxy/);
    const broken = tlsFailure(HOST, 443, { ok: false, proxyStatus: 502 }, throughProxy('http://proxy:3128'));
    expect(broken.detail).toBe(
      'The proxy http://proxy:3128 refused to connect to acme.okta.com (HTTP 502 to CONNECT).',
    );
    expect(broken.fix).toMatch(/status\.okta\.com/);
  });

  it('a socket error through a proxy blames the proxy; without one, the host', () => {
    const viaProxy = tlsFailure(
      HOST,
      443,
      { ok: false, errorCode: 'ECONNREFUSED' },
      throughProxy('http://proxy:3128'),
    );
    expect(viaProxy.detail).toBe('Could not reach Okta through the proxy http://proxy:3128 (ECONNREFUSED).');
    const direct = tlsFailure(HOST, 8443, { ok: false, errorCode: 'ECONNREFUSED' }, undefined);
    expect(direct.detail).toBe('acme.okta.com:8443 refused the connection (ECONNREFUSED).');
    const silent = tlsFailure(HOST, 443, { ok: false, errorCode: 'ETIMEDOUT' }, undefined);
    expect(silent.detail).toBe('No answer from acme.okta.com:443 (ETIMEDOUT).');
    const other = tlsFailure(HOST, 443, { ok: false, errorCode: 'ECONNRESET' }, undefined);
    expect(other.detail).toBe('The TLS connection to acme.okta.com:443 failed (ECONNRESET).');
    expect(other.fix).toMatch(/--ca-file/);
  });
});
