import { describe, expect, it } from 'vitest';
import {
  compareUtf8,
  decodeToken,
  encodeToken,
  groupOf,
  listPage,
  type ListEntry,
  type Lister,
} from '../../../src/storage/listing';
import { parseMaxKeys, urlEncode } from '../../../src/s3/list-params';

/** The reference order: UTF-8 bytes, compared with no help from compareUtf8. */
const utf8 = new TextEncoder();
function byteOrder(a: string, b: string): number {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}
const sign = (n: number) => Math.sign(n);

/** A small deterministic PRNG, so a failing case can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('compareUtf8', () => {
  it('orders as UTF-8 bytes, not UTF-16 code units', () => {
    expect(compareUtf8('\uFFFD', '𝄞')).toBeLessThan(0); // EF BF BD < F0 9D 84 9E, though 0xFFFD > 0xD834
    expect('\uFFFD' < '𝄞').toBe(false); // what plain JS would have said
    expect(compareUtf8('\uE000', '\u{10000}')).toBeLessThan(0);
    expect(compareUtf8('𝄞', '\uFFFF')).toBeGreaterThan(0);
    expect(compareUtf8('𝄞a', '𝄞b')).toBeLessThan(0);
    expect(compareUtf8('\u{1F600}', '\u{1D11E}')).toBeGreaterThan(0);
    expect(compareUtf8('a', 'ab')).toBeLessThan(0);
    expect(compareUtf8('ab', 'a')).toBeGreaterThan(0);
    expect(compareUtf8('', '')).toBe(0);
    expect(compareUtf8('photos/2024/', 'photos/20240')).toBeLessThan(0);
    expect(compareUtf8('a/', 'a-')).toBeGreaterThan(0);
  });

  it('agrees with UTF-8 byte order on random strings', () => {
    const pool = [
      'a',
      'b',
      '/',
      ' ',
      '+',
      '%',
      '~',
      'é',
      '中',
      '\uE000',
      '\uFFFD',
      '\uFFFF',
      '𝄞',
      '😀',
      '\u{10FFFF}',
      '\u0000',
    ];
    const next = rng(7);
    const word = () =>
      Array.from({ length: Math.floor(next() * 5) }, () => pool[Math.floor(next() * pool.length)]).join('');
    for (let i = 0; i < 5000; i++) {
      const a = word();
      const b = word();
      expect(sign(compareUtf8(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(sign(byteOrder(a, b)));
    }
  });
});

describe('groupOf', () => {
  it('is the prefix up to and including the first delimiter after it', () => {
    expect(groupOf('photos/2024/a.jpg', 'photos/', '/')).toBe('photos/2024/');
    expect(groupOf('photos/a.jpg', 'photos/', '/')).toBeNull();
    expect(groupOf('photos/', '', '/')).toBe('photos/');
    expect(groupOf('/lead', '', '/')).toBe('/');
    expect(groupOf('a--b--c', 'a', '--')).toBe('a--');
    expect(groupOf('x/y', 'p', '/')).toBeNull();
    expect(groupOf('x/y', '', '')).toBeNull();
    // The delimiter is searched after the prefix only.
    expect(groupOf('a/b/c', 'a/', '/')).toBe('a/b/');
  });
});

describe('continuation tokens', () => {
  it('round-trip any key or prefix, unicode included', () => {
    for (const key of ['a', 'photos/2024/', '𝄞 +%/~ 中文', 'x'.repeat(1024), '\uFFFD', '']) {
      const token = encodeToken(key);
      expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeToken(token)).toBe(key);
    }
  });

  it('refuse anything ROS did not issue', () => {
    for (const bad of [
      '',
      '!!!',
      'a',
      'abc=',
      'a b',
      btoa('no-version'),
      'AAAA',
      btoa('1:\xff\xfe').replace(/=+$/, ''),
    ]) {
      expect(decodeToken(bad), bad).toBeNull();
    }
  });
});

describe('urlEncode', () => {
  it('encodes as S3 does for encoding-type=url', () => {
    expect(urlEncode('plain/key-1_2.txt*')).toBe('plain/key-1_2.txt*');
    // A space is %20 (ceph/s3-tests' test_bucket_list_encoding_basic), a plus %2B: any decoder gets the key back.
    expect(urlEncode('a b+c')).toBe('a%20b%2Bc');
    expect(decodeURIComponent(urlEncode('a b+c'))).toBe('a b+c');
    expect(urlEncode("!'()~")).toBe('%21%27%28%29%7E');
    expect(urlEncode('100%')).toBe('100%25');
    expect(urlEncode('한글')).toBe('%ED%95%9C%EA%B8%80');
    expect(urlEncode('𝄞')).toBe('%F0%9D%84%9E');
    expect(urlEncode('a//b/')).toBe('a//b/');
    expect(urlEncode('\u0001&<')).toBe('%01%26%3C');
  });
});

describe('parseMaxKeys', () => {
  it.each<[string | null, number | null]>([
    [null, 1000],
    ['', 1000],
    ['0', 0],
    ['05', 5],
    ['0000000000000005', 5],
    ['-0', 0],
    ['-1', -1],
    ['1001', 1001],
    ['2147483647', 2147483647],
    ['-2147483648', -2147483648],
    ['2147483648', null],
    ['-2147483649', null],
    ['99999999999', null],
    ['abc', null],
    ['1.5', null],
    [' 5', null],
    ['+5', null],
    ['1e3', null],
  ])('%s → %s', (raw, expected) => {
    expect(parseMaxKeys(raw)).toBe(expected);
  });
});

/**
 * A fake R2 bucket over a fixed key set, with R2's list semantics (prefix, delimiter, startAfter, cursor, limit)
 * but hostile page sizes: pages shorter than the limit, empty pages while truncated, and (optionally) a page
 * boundary inside a common prefix so the same delimited prefix comes back on the next page.
 */
function fakeR2(keys: string[], seed: number, opts: { short?: boolean; splitGroups?: boolean } = {}) {
  const sorted = [...new Set(keys)].sort(byteOrder);
  const next = rng(seed);
  const calls: R2ListOptions[] = [];
  const lister: Lister = {
    async list(o: R2ListOptions): Promise<R2Objects> {
      calls.push(o);
      const limit = o.limit ?? 1000;
      expect(limit).toBeGreaterThanOrEqual(1);
      expect(limit).toBeLessThanOrEqual(1000);
      // R2 keys are at most 1024 bytes; nothing longer is sent as a key bound.
      expect(utf8.encode(o.prefix ?? '').length).toBeLessThanOrEqual(1024);
      expect(utf8.encode(o.startAfter ?? '').length).toBeLessThanOrEqual(1024);
      const prefix = o.prefix ?? '';
      const delimiter = o.delimiter ?? '';
      let i: number;
      if (o.cursor !== undefined) i = Number(o.cursor);
      else {
        i = 0;
        if (o.startAfter !== undefined) while (i < sorted.length && byteOrder(sorted[i], o.startAfter) <= 0) i++;
      }
      const take = opts.short ? Math.floor(next() * (limit + 1)) : limit; // 0..limit
      const objects: R2Object[] = [];
      const delimitedPrefixes: string[] = [];
      let count = 0;
      let lastGroup: string | null = null;
      while (i < sorted.length) {
        const key = sorted[i];
        if (!key.startsWith(prefix)) {
          if (byteOrder(key, prefix) < 0) {
            i++;
            continue;
          }
          i = sorted.length;
          break;
        }
        const at = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
        if (at >= 0) {
          const group = key.slice(0, at + delimiter.length);
          if (group === lastGroup) {
            i++;
            // Sometimes end the page inside the group: R2 may then send it again.
            if (opts.splitGroups && next() < 0.3 && count >= take) break;
            continue;
          }
          if (count >= take) break;
          delimitedPrefixes.push(group);
          lastGroup = group;
          count++;
          i++;
          continue;
        }
        if (count >= take) break;
        objects.push({
          key,
          size: key.length,
          httpEtag: `"${key.length}"`,
          uploaded: new Date(0),
        } as unknown as R2Object);
        lastGroup = null;
        count++;
        i++;
      }
      // Skip keys outside the prefix so truncated means "more under the prefix".
      let rest = i;
      while (rest < sorted.length && !sorted[rest].startsWith(prefix) && byteOrder(sorted[rest], prefix) < 0) rest++;
      const more = rest < sorted.length && sorted[rest].startsWith(prefix);
      return more
        ? { objects, delimitedPrefixes, truncated: true, cursor: String(i) }
        : { objects, delimitedPrefixes, truncated: false };
    },
  };
  return { lister, calls, sorted };
}

/** The whole listing after `after`, as S3 defines it, computed the slow obvious way. */
function reference(sorted: string[], prefix: string, delimiter: string): string[] {
  const out: string[] = [];
  for (const key of sorted) {
    if (!key.startsWith(prefix)) continue;
    const group = groupOf(key, prefix, delimiter);
    const entry = group ?? key;
    if (out[out.length - 1] !== entry) out.push(entry);
  }
  return out;
}

const BASE = 'bkt/';
const name = (e: ListEntry) => (typeof e === 'string' ? e : e.key.slice(BASE.length));

async function pageThrough(lister: Lister, prefix: string, delimiter: string, limit: number) {
  const all: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 10_000; pages++) {
    const { entries, truncated } = await listPage(lister, { base: BASE, prefix, delimiter, after, limit });
    expect(entries.length).toBeLessThanOrEqual(limit);
    const names = entries.map(name);
    all.push(...names);
    if (!truncated) return all;
    expect(entries.length).toBe(limit); // truncated pages are full: exact IsTruncated
    after = names[names.length - 1];
  }
  throw new Error('did not terminate');
}

function keySet(seed: number): string[] {
  const next = rng(seed);
  const parts = ['a', 'b', 'photos', '2024', '20240', '/', '/', '--', ' ', '+', '%', 'é', '𝄞', '\uFFFD', '\uE000', 'z'];
  const keys = [
    'photos/2024/a.jpg',
    'photos/2024/b.jpg',
    'photos/20240',
    'photos/2024',
    'photos/2025/x',
    '/lead',
    'a//b',
    'dir/',
  ];
  for (let i = 0; i < 400; i++) {
    keys.push(
      Array.from({ length: 1 + Math.floor(next() * 6) }, () => parts[Math.floor(next() * parts.length)]).join(''),
    );
  }
  return keys.map((k) => BASE + k).concat(['bk/x', 'bkt', 'bkt-other/a', 'bkt0/a', 'bku/a']); // other "buckets"
}

describe('listPage', () => {
  it.each([
    ['plain pages', { short: false, splitGroups: false }],
    ['short and empty pages while truncated', { short: true, splitGroups: false }],
    ['pages that end inside a common prefix', { short: true, splitGroups: true }],
  ])('pages through every entry exactly once, in order (%s)', async (_label, opts) => {
    for (const seed of [1, 2]) {
      const { lister, sorted } = fakeR2(keySet(seed), seed, opts);
      const bucketKeys = sorted.filter((k) => k.startsWith(BASE)).map((k) => k.slice(BASE.length));
      for (const [prefix, delimiter] of [
        ['', ''],
        ['', '/'],
        ['photos/', '/'],
        ['photos/2024', '/'],
        ['', '--'],
        ['a', '/'],
        ['', '𝄞'],
        ['nothing-here/', '/'],
      ]) {
        const expected = reference(bucketKeys, prefix, delimiter);
        for (const limit of [1, 3, 1000]) {
          expect(await pageThrough(lister, prefix, delimiter, limit), `${prefix}|${delimiter}|${limit}`).toEqual(
            expected,
          );
        }
      }
    }
  });

  it('resumes after a common prefix without repeating it or skipping the key after it', async () => {
    const { lister } = fakeR2(
      ['photos/2024/a', 'photos/2024/b', 'photos/2024/c', 'photos/2024', 'photos/20240', 'photos/2025/a'].map(
        (k) => BASE + k,
      ),
      1,
    );
    const first = await listPage(lister, { base: BASE, prefix: 'photos/', delimiter: '/', after: null, limit: 2 });
    expect(first.entries.map(name)).toEqual(['photos/2024', 'photos/2024/']);
    expect(first.truncated).toBe(true);
    const second = await listPage(lister, {
      base: BASE,
      prefix: 'photos/',
      delimiter: '/',
      after: 'photos/2024/',
      limit: 2,
    });
    expect(second.entries.map(name)).toEqual(['photos/20240', 'photos/2025/']);
    expect(second.truncated).toBe(false);
    // A marker inside a common prefix (a key of it) resumes after the whole prefix too.
    const inside = await listPage(lister, {
      base: BASE,
      prefix: 'photos/',
      delimiter: '/',
      after: 'photos/2024/a',
      limit: 5,
    });
    expect(inside.entries.map(name)).toEqual(['photos/20240', 'photos/2025/']);
  });

  it('handles a resume point before, inside and after the prefix', async () => {
    const { lister, calls } = fakeR2(
      ['a/1', 'p/1', 'p/2', 'q/1'].map((k) => BASE + k),
      1,
    );
    const run = (after: string | null) =>
      listPage(lister, { base: BASE, prefix: 'p/', delimiter: '', after, limit: 10 }).then((r) => r.entries.map(name));
    expect(await run('a')).toEqual(['p/1', 'p/2']);
    expect(await run('p/')).toEqual(['p/1', 'p/2']);
    expect(await run('p/1')).toEqual(['p/2']);
    calls.length = 0;
    expect(await run('p0')).toEqual([]);
    expect(calls).toHaveLength(0); // nothing can follow: R2 is not asked
  });

  it('resumes after a point longer than any key, and lists nothing under a longer prefix', async () => {
    const x = 'x'.repeat(1019);
    const { lister, calls } = fakeR2(
      [`${x}a`, `${x}b`, `${x}é`, 'y'].map((k) => BASE + k),
      1,
    );
    for (const tail of ['', 'zzzz', 'é'.repeat(10)]) {
      const page = await listPage(lister, { base: BASE, prefix: '', delimiter: '', after: `${x}a${tail}`, limit: 10 });
      expect(page.entries.map(name), tail).toEqual([`${x}b`, `${x}é`, 'y']);
    }
    const astral = await listPage(lister, {
      base: BASE,
      prefix: '',
      delimiter: '',
      after: `${x}b${'𝄞'.repeat(5)}`,
      limit: 10,
    });
    expect(astral.entries.map(name)).toEqual([`${x}é`, 'y']);
    calls.length = 0;
    const long = await listPage(lister, {
      base: BASE,
      prefix: 'p'.repeat(2000),
      delimiter: '',
      after: null,
      limit: 10,
    });
    expect(long).toEqual({ entries: [], truncated: false });
    expect(calls).toHaveLength(0);
  });

  it('one R2 call per full page without a delimiter (R2 truncated is exact); max-keys+1 with one', async () => {
    const keys = Array.from({ length: 2500 }, (_, i) => `${BASE}k${String(i).padStart(5, '0')}`);
    const { lister, calls } = fakeR2(keys, 1);
    const page = await listPage(lister, { base: BASE, prefix: '', delimiter: '', after: null, limit: 1000 });
    expect(page.entries).toHaveLength(1000);
    expect(page.truncated).toBe(true);
    expect(calls.map((c) => c.limit)).toEqual([1000]);
    // No metadata asked for: with it R2 returns at most 100 objects a call (see migrations/0005_object_etags.sql).
    expect(calls[0].include).toBeUndefined();
    calls.length = 0;
    // With a delimiter the entries after a full page may all be skipped: one more is fetched to know.
    const grouped = await listPage(lister, { base: BASE, prefix: '', delimiter: '/', after: null, limit: 1000 });
    expect([grouped.entries.length, grouped.truncated]).toEqual([1000, true]);
    expect(calls.map((c) => c.limit)).toEqual([1000, 1]);
    calls.length = 0;
    const exact = fakeR2(keys.slice(0, 1000), 1);
    const whole = await listPage(exact.lister, { base: BASE, prefix: '', delimiter: '', after: null, limit: 1000 });
    expect(whole.truncated).toBe(false); // exactly max-keys entries: not truncated
    const wholeGrouped = await listPage(exact.lister, {
      base: BASE,
      prefix: '',
      delimiter: '/',
      after: null,
      limit: 1000,
    });
    expect(wholeGrouped.truncated).toBe(false);
    const small = await listPage(lister, { base: BASE, prefix: '', delimiter: '', after: null, limit: 333 });
    expect(small.truncated).toBe(true);
    expect(calls.map((c) => c.limit)).toEqual([333]);
  });
});
