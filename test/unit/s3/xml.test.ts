import { describe, expect, it } from 'vitest';
import { S3Error } from '../../../src/s3/errors';
import { parseXml } from '../../../src/s3/xml';

// Request bodies the parser must refuse as MalformedXML, never as an internal error (issue 12, "never a 5xx").
describe('parseXml refuses, as MalformedXML', () => {
  it.each([
    [
      'an internal DOCTYPE with an entity',
      '<!DOCTYPE d [<!ENTITY a "b">]><Delete><Object><Key>&a;</Key></Object></Delete>',
    ],
    ['an external DOCTYPE', '<!DOCTYPE d SYSTEM "http://example.com/d.dtd"><Delete/>'],
    ['a lower-case doctype', '<!doctype d><Delete/>'],
    ['nesting deeper than the limit', `${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}`],
    ['a __proto__ element', '<Delete><__proto__>1</__proto__></Delete>'],
    ['a __proto__ root', '<__proto__><x>1</x></__proto__>'],
    ['a truncated document', '<Delete><Object><Key>a</Key></Object>'],
    ['an empty body', '  '],
  ])('%s', (_what, text) => {
    let err: unknown;
    try {
      parseXml(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(S3Error);
    expect((err as S3Error).code).toBe('MalformedXML');
  });

  it('still reads an ordinary document', () => {
    expect(parseXml('<Delete><Object><Key>a &amp; b</Key></Object></Delete>')).toEqual({
      Delete: { Object: { Key: 'a & b' } },
    });
  });
});
