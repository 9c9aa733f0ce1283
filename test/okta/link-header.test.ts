import { describe, expect, it } from 'vitest';
import { nextLinkOf, parseLinkHeader } from '../../src/okta/link-header.js';

const self = '<https://acme.okta.com/api/v1/users?limit=200>; rel="self"';
const next = '<https://acme.okta.com/api/v1/users?after=00ud4tVDDXYVKPXKVLCO&limit=200>; rel="next"';

describe('parseLinkHeader', () => {
  it('reads one header per relation (repeated headers, as an array)', () => {
    expect(parseLinkHeader([self, next])).toEqual([
      { url: 'https://acme.okta.com/api/v1/users?limit=200', rel: ['self'], params: { rel: 'self' } },
      {
        url: 'https://acme.okta.com/api/v1/users?after=00ud4tVDDXYVKPXKVLCO&limit=200',
        rel: ['next'],
        params: { rel: 'next' },
      },
    ]);
  });

  it('reads headers joined with a comma', () => {
    expect(nextLinkOf(`${self}, ${next}`)).toBe(
      'https://acme.okta.com/api/v1/users?after=00ud4tVDDXYVKPXKVLCO&limit=200',
    );
  });

  it('keeps commas and semicolons inside the URL', () => {
    const url = 'https://acme.okta.com/api/v1/users?filter=a,b;c&after=x%2Cy,z&limit=2';
    expect(nextLinkOf(`<https://acme.okta.com/x?a=1,2;3>; rel="self", <${url}>; rel="next"`)).toBe(url);
  });

  it('handles unquoted, multi-valued and upper-case rel, and other parameters', () => {
    expect(nextLinkOf('<https://a/1>; title="a, b; c"; rel=NEXT')).toBe('https://a/1');
    expect(nextLinkOf('<https://a/2>; rel="last next"')).toBe('https://a/2');
    expect(parseLinkHeader('<https://a/3>;rel="next";title="x \\" y"')[0]?.params.title).toBe('x " y');
  });

  it('returns nothing without a next relation or header', () => {
    expect(nextLinkOf(self)).toBeUndefined();
    expect(nextLinkOf(undefined)).toBeUndefined();
    expect(nextLinkOf('')).toBeUndefined();
    expect(nextLinkOf('garbage; rel="next"')).toBeUndefined();
  });

  it('takes the first next when several are given', () => {
    expect(nextLinkOf(['<https://a/first>; rel="next"', '<https://a/second>; rel="next"'])).toBe(
      'https://a/first',
    );
  });
});
