/**
 * Listing a bucket over its site's R2 bucket, for ListObjects / ListObjectsV2 (src/s3/ops/list.ts) and the
 * console alike: key order, resume points, continuation tokens, and the walk over R2's list pages that turns
 * them into one exact S3 page. Kept free of the request so it can be unit-tested against a fake R2 bucket
 * (test/unit/storage/listing.test.ts).
 */

import { fromBase64Url, toBase64Url, utf8 } from '../crypto/encoding';
import { R2_KEY_LIMIT } from './layout';

/**
 * Compares two keys in UTF-8 binary order, the order S3 (and R2) list keys in.
 * JS `<` compares UTF-16 code units, which agrees with code point (= UTF-8 byte) order except between a
 * surrogate (U+D800–DFFF, half of a character above U+FFFF) and U+E000–FFFF: "\u{1D11E}" > "\uFFFD" in UTF-8,
 * but "\uD834" < "\uFFFD" as code units. So: find the first differing code unit and, when both are ≥ U+D800,
 * move the surrogates above U+E000–FFFF before comparing.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  let x = a.charCodeAt(i);
  let y = b.charCodeAt(i);
  if (x >= 0xd800 && y >= 0xd800) {
    x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
    y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
  }
  return x - y;
}

/**
 * The common prefix `key` rolls up into under `prefix` + `delimiter` (prefix, then up to and including the first
 * delimiter after it), or null when the key is listed on its own.
 */
export function groupOf(key: string, prefix: string, delimiter: string): string | null {
  if (!delimiter || !key.startsWith(prefix)) return null;
  const at = key.indexOf(delimiter, prefix.length);
  return at < 0 ? null : key.slice(0, at + delimiter.length);
}

/**
 * Continuation tokens: opaque to clients, here the last entry (key or common prefix) the page returned, as
 * base64url of "1:" + its UTF-8. Resuming from it is exactly resuming from a v1 marker (see `listPage`).
 */
const TOKEN_VERSION = '1:';

export function encodeToken(last: string): string {
  return toBase64Url(utf8.encode(TOKEN_VERSION + last));
}

/** The entry a token resumes after, or null when it is not a token ROS issued (empty, not base64url, …). */
export function decodeToken(token: string): string | null {
  const bytes = token ? fromBase64Url(token) : null;
  if (!bytes) return null;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
  return text.startsWith(TOKEN_VERSION) ? text.slice(TOKEN_VERSION.length) : null;
}

/** What one page of a listing asks for, in the bucket's own key space. */
export interface ListRequest {
  /** The storage prefix of the bucket in the site's R2 bucket ("<bucket>/"). */
  base: string;
  prefix: string;
  /** '' for none. */
  delimiter: string;
  /** List only what comes after this (a v1 marker, v2 start-after, or the entry a continuation token names). */
  after: string | null;
  /** Entries wanted (Contents + CommonPrefixes), 1..1000. */
  limit: number;
}

/** An entry of a page: an R2 object (key still with the storage prefix), or a common prefix (without it). */
export type ListEntry = R2Object | string;

export interface ListResult {
  entries: ListEntry[];
  truncated: boolean;
}

/** The one R2 call this needs; an R2Bucket, or a fake of one in the unit tests. */
export interface Lister {
  list(options: R2ListOptions): Promise<R2Objects>;
}

const R2_PAGE = 1000;

/**
 * One S3 page: up to `limit` entries in key order after `after`, and whether more exist.
 *
 * Resuming after an entry is exact whatever it was: a key (listed on its own) resumes after that key; anything
 * that falls in a common prefix G under this prefix and delimiter — G itself, as a previous page's last entry or
 * NextMarker, or a key inside it, as a v1 marker may be — resumes after every key in G. So a page that ended on a
 * common prefix never repeats it, and never skips the key after it (`photos/2024/` → next is `photos/20240`).
 *
 * R2 pages are followed until limit+1 entries are in hand or R2 has no more, so `truncated` is exact even when R2
 * returns short (or empty) pages while truncated. Within a page R2 gives objects and delimited prefixes as two
 * sorted arrays: they are merged in UTF-8 order. A common prefix that R2 repeats across its pages (or that the
 * resume point sits in) is skipped by prefix match, never listed twice.
 */
export async function listPage(r2: Lister, req: ListRequest): Promise<ListResult> {
  const { base, prefix, delimiter, after, limit } = req;
  let startAfter: string | undefined;
  /** The storage-key form of the common prefix whose keys are all accounted for: anything under it is skipped. */
  let skip: string | null = null;
  if (after !== null) {
    const group = groupOf(after, prefix, delimiter);
    if (group !== null) {
      skip = base + group;
      startAfter = skip;
    } else if (after.startsWith(prefix)) {
      startAfter = base + after;
    } else if (compareUtf8(after, prefix) > 0) {
      // After every key that starts with the prefix: nothing left.
      return { entries: [], truncated: false };
    }
    // Otherwise the resume point sorts before the prefix: list from its start.
  }

  // No stored key is longer than R2's limit: a longer prefix matches nothing, and a longer resume point is sent
  // to R2 cut to the limit (R2 need not accept more), with what lies between the two filtered out here.
  if (tooLong(base + prefix)) return { entries: [], truncated: false };
  let floor: string | null = null;
  if (startAfter !== undefined && tooLong(startAfter)) {
    floor = startAfter;
    startAfter = cutToLimit(startAfter);
  }

  // Without a delimiter every further object under the prefix is an entry of the next page, so R2's own
  // `truncated` is S3's IsTruncated: a full page costs one R2 call. With a delimiter (or a cut resume point) what
  // follows may all be skipped, so one entry more is fetched to know.
  const trustR2 = !delimiter && floor === null;
  const want = trustR2 ? limit : limit + 1;
  const entries: ListEntry[] = [];
  let cursor: string | undefined;
  let moreInR2 = false;
  for (;;) {
    const options: R2ListOptions = {
      prefix: base + prefix,
      // One more when a skipped common prefix is likely to come back first.
      limit: Math.min(R2_PAGE, want - entries.length + (skip === null ? 0 : 1)),
      // No `include`: with metadata R2 returns at most 100 objects a call. Multipart ETags: ./listed-etags.ts.
    };
    if (delimiter) options.delimiter = delimiter;
    if (cursor !== undefined) options.cursor = cursor;
    else if (startAfter !== undefined) options.startAfter = startAfter;
    const page = await r2.list(options);

    const objects = page.objects;
    const prefixes = page.delimitedPrefixes;
    let o = 0;
    let p = 0;
    while (entries.length < want && (o < objects.length || p < prefixes.length)) {
      if (p >= prefixes.length || (o < objects.length && compareUtf8(objects[o].key, prefixes[p]) < 0)) {
        const object = objects[o++];
        if (skip !== null && object.key.startsWith(skip)) continue;
        if (floor !== null && compareUtf8(object.key, floor) <= 0) continue;
        entries.push(object);
      } else {
        const group = prefixes[p++];
        if (skip !== null && group.startsWith(skip)) continue;
        if (floor !== null && compareUtf8(group, floor) <= 0) continue;
        entries.push(group.slice(base.length));
        skip = group;
      }
    }
    moreInR2 = o < objects.length || p < prefixes.length || (page.truncated && !!page.cursor);
    if (entries.length >= want || !page.truncated || !page.cursor) break;
    cursor = page.cursor;
  }
  const truncated = trustR2 ? entries.length === limit && moreInR2 : entries.length > limit;
  if (truncated) entries.length = limit;
  return { entries, truncated };
}

/** Whether a key's UTF-8 form is longer than any stored key can be (checked without encoding when it cannot be). */
const tooLong = (key: string) => key.length * 3 > R2_KEY_LIMIT && utf8.encode(key).length > R2_KEY_LIMIT;

/** The longest start of `key` (whole characters) that fits R2's key limit: sorts before `key`. */
function cutToLimit(key: string): string {
  let bytes = 0;
  let i = 0;
  while (i < key.length) {
    const c = key.codePointAt(i)!;
    const size = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (bytes + size > R2_KEY_LIMIT) break;
    bytes += size;
    i += c < 0x10000 ? 1 : 2;
  }
  return key.slice(0, i);
}
