// The console checks bucket names as they are typed (public/js/bucket-names.js) with a copy of the server's rules
// (src/service/bucket-names.ts), since the browser cannot import the server's TypeScript. This keeps the two the same.
import { describe, expect, it } from 'vitest';
import { bucketNameProblem as browserProblem } from '../../../public/js/bucket-names.js';
import { bucketNameProblem as serverProblem } from '../../../src/service/bucket-names';

const VALID = [
  'abc',
  'a'.repeat(63),
  'example-bucket',
  'my.bucket.name',
  'bucket1',
  '123',
  '1-2',
  'a.b',
  'a-b.c-d',
  '0bucket9',
  'xn-single-hyphen',
  'sthree',
  's3alias',
  'ends-with-s3alias-not',
  'mrap',
  'almost.mrap1',
  'x--s3-inside',
  '1.2.3',
  '1.2.3.4.5',
  '256.256.256.256a',
  'amzn-s3-demo',
];

const INVALID: [name: string, why: string][] = [
  ['', 'empty'],
  ['ab', 'too short'],
  ['a'.repeat(64), 'too long'],
  ['a'.repeat(255), 'far too long'],
  ['Bucket', 'upper case'],
  ['bucketA', 'upper case at the end'],
  ['my_bucket', 'underscore'],
  ['my bucket', 'space'],
  ['bücket', 'non-ASCII letter'],
  ['bucket-😀', 'emoji'],
  ['buck\u0000et', 'control character'],
  ['ｂｕｃｋｅｔ', 'full-width letters'],
  ['bıcket', 'dotless i'],
  ['bucket\n', 'trailing newline'],
  ['bucket/name', 'slash'],
  ['bucket:name', 'colon'],
  ['-bucket', 'leading hyphen'],
  ['bucket-', 'trailing hyphen'],
  ['.bucket', 'leading dot'],
  ['bucket.', 'trailing dot'],
  ['my..bucket', 'adjacent dots'],
  ['a..b', 'adjacent dots, short'],
  ['192.168.5.4', 'an IP address'],
  ['1.2.3.4', 'a short IP address'],
  ['999.999.999.999', 'IP-like, out of range'],
  ['xn--bucket', 'xn-- prefix'],
  ['xn--80ak6aa92e', 'a punycode name'],
  ['sthree-bucket', 'sthree- prefix'],
  ['sthree-configurator', 'sthree-configurator'],
  ['amzn-s3-demo-bucket', 'amzn-s3-demo- prefix'],
  ['bucket-s3alias', '-s3alias suffix'],
  ['a-s3alias', '-s3alias suffix, short'],
  ['bucket--ol-s3', '--ol-s3 suffix'],
  ['bucket.mrap', '.mrap suffix'],
  ['bucket--x-s3', '--x-s3 suffix'],
  ['bucket--table-s3', '--table-s3 suffix'],
];

describe('bucket names: the browser says what the server says', () => {
  it.each(VALID)('%s is valid on both', (name) => {
    expect(serverProblem(name)).toBeNull();
    expect(browserProblem(name)).toBeNull();
  });

  it.each(INVALID)('%j (%s) is refused by both, in the same words', (name) => {
    const problem = serverProblem(name);
    expect(problem).toEqual(expect.any(String));
    expect(browserProblem(name)).toBe(problem);
  });
});
