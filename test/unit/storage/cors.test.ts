import { describe, expect, it } from 'vitest';
import { matchCorsRule, matchesPattern, requestedHeaders, type CorsRule } from '../../../src/storage/cors';

describe('matchesPattern', () => {
  // s3-tests' test_cors_origin_response: `*` may stand for nothing, and a pattern is anchored at both ends.
  it.each<[string, string, boolean]>([
    ['*suffix', 'foo.suffix', true],
    ['*suffix', 'suffix', true],
    ['*suffix', 'foo.suffix.get', false],
    ['start*end', 'startend', true],
    ['start*end', 'start12end', true],
    ['start*end', '0start12end', false],
    ['prefix*', 'prefix', true],
    ['prefix*', 'bla.prefix', false],
    ['http://*.example.com', 'http://a.b.example.com', true],
    ['http://*.example.com', 'https://a.example.com', false],
    ['ab*ba', 'aba', false], // the prefix and suffix may not overlap
    ['*', '', true],
    ['exact', 'exact', true],
    ['exact', 'exactly', false],
  ])('%s ~ %s: %s', (pattern, value, expected) => {
    expect(matchesPattern(pattern, value)).toBe(expected);
  });
});

describe('matchCorsRule', () => {
  const rule = (r: Partial<CorsRule>): CorsRule => ({
    allowedOrigins: ['*'],
    allowedMethods: ['GET'],
    allowedHeaders: [],
    exposeHeaders: [],
    ...r,
  });
  const app = rule({ allowedOrigins: ['https://app.test', '*'], allowedMethods: ['PUT'], allowedHeaders: ['X-Amz-*'] });
  const anyone = rule({});

  it('takes the first rule that admits origin, method and every requested header', () => {
    const rules = [app, anyone];
    expect(matchCorsRule(rules, { origin: 'https://app.test', method: 'PUT', headers: ['x-amz-date'] })).toEqual({
      rule: app,
      allowOrigin: 'https://app.test', // a named origin admits it: echoed, so credentials may go along
    });
    expect(matchCorsRule(rules, { origin: 'https://other.test', method: 'PUT', headers: [] })?.allowOrigin).toBe('*');
    expect(matchCorsRule(rules, { origin: 'https://app.test', method: 'GET', headers: [] })?.rule).toBe(anyone);
    expect(matchCorsRule(rules, { origin: 'https://app.test', method: 'PUT', headers: ['range'] })).toBeNull();
    expect(matchCorsRule(rules, { origin: 'https://app.test', method: 'GET', headers: ['range'] })).toBeNull();
    expect(matchCorsRule(rules, { origin: 'https://app.test', method: 'DELETE', headers: [] })).toBeNull();
  });
});

describe('requestedHeaders', () => {
  it('reads the list as browsers and others write it', () => {
    expect(requestedHeaders('content-type,x-amz-date')).toEqual(['content-type', 'x-amz-date']);
    expect(requestedHeaders(' Content-Type , X-Amz-Date,, ')).toEqual(['content-type', 'x-amz-date']);
    expect(requestedHeaders(null)).toEqual([]);
  });
});
