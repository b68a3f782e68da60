/**
 * SigV4 canonical request and string to sign, exactly as Amazon S3 builds them.
 *
 * Pure string work, no crypto and no I/O, so every step can be checked against AWS's published
 * vectors. References:
 * - https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html (canonical request for S3)
 * - https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html (presigned URLs)
 * - https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html (generic SigV4)
 *
 * Two S3 rules differ from the generic SigV4 recipe and explain most of this file:
 * - the path is NOT normalized ("." / ".." / "//" survive) and is URI-encoded ONCE (other services
 *   encode twice);
 * - the canonical form is built from what the client put on the wire, so the raw path and query are
 *   percent-decoded first and then re-encoded byte by byte with the SigV4 alphabet. That makes
 *   `/a%20b`, `/a b` and `/a%20%62` canonicalize alike, as they name the same key.
 */

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const TERMINATOR = 'aws4_request';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** SHA-256 of the empty string: the payload hash of every body-less signed request. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const HEX = '0123456789ABCDEF';
const utf8 = new TextEncoder();
/** Not fatal: invalid UTF-8 decodes to U+FFFD, as URLSearchParams does. Stateless between calls (no streaming). */
const decoder = new TextDecoder();

/** RFC 3986 unreserved: A-Z a-z 0-9 - . _ ~ — the only bytes SigV4 leaves unencoded. */
function isUnreserved(b: number): boolean {
  return (
    (b >= 0x41 && b <= 0x5a) ||
    (b >= 0x61 && b <= 0x7a) ||
    (b >= 0x30 && b <= 0x39) ||
    b === 0x2d ||
    b === 0x2e ||
    b === 0x5f ||
    b === 0x7e
  );
}

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  return -1;
}

/**
 * Percent-decodes `text` to raw bytes. Non-ASCII characters count as their UTF-8 bytes (a runtime may
 * hand us `/ሴ` instead of `/%E1%88%B4`); a `%` not followed by two hex digits is a literal `%`.
 * `plusIsSpace` applies form decoding, which is how S3 (and URLSearchParams) read query strings.
 */
export function percentDecode(text: string, plusIsSpace = false): Uint8Array {
  const src = utf8.encode(text);
  const out = new Uint8Array(src.length);
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const b = src[i]!;
    if (b === 0x25 && i + 2 < src.length) {
      const hi = hexValue(src[i + 1]!);
      const lo = hexValue(src[i + 2]!);
      if (hi >= 0 && lo >= 0) {
        out[n++] = (hi << 4) | lo;
        i += 2;
        continue;
      }
    }
    out[n++] = plusIsSpace && b === 0x2b ? 0x20 : b;
  }
  return out.subarray(0, n);
}

/** SigV4 URI encoding: unreserved bytes stay, every other byte becomes `%XX` (upper-case hex). */
export function uriEncode(input: string | Uint8Array, keepSlash = false): string {
  const bytes = typeof input === 'string' ? utf8.encode(input) : input;
  let out = '';
  for (const b of bytes) {
    if (isUnreserved(b) || (keepSlash && b === 0x2f)) out += String.fromCharCode(b);
    else out += `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}

export interface CanonicalUriOptions {
  /**
   * Sign an encoded slash (`%2F`) as `%2F` instead of `/`. S3 decodes the whole path into the key, so
   * `a%2Fb` and `a/b` name the same key and AWS, aws4fetch and MinIO sign `/`; a few generic signers
   * pass the path through untouched and sign `%2F`. The verifier tries this only as a fallback.
   */
  keepEncodedSlash?: boolean;
  /** Read a literal `+` in the path as a space (legacy AWS behaviour). Default: a literal plus. */
  plusIsSpace?: boolean;
}

/** Canonical URI for S3: the raw request path decoded and re-encoded once, never normalized. */
export function canonicalUri(rawPath: string, opts: CanonicalUriOptions = {}): string {
  if (rawPath === '') return '/';
  if (!opts.keepEncodedSlash) return uriEncode(percentDecode(rawPath, opts.plusIsSpace), true);
  // Segment by segment, so a slash that was %2F on the wire is re-encoded as %2F.
  return rawPath
    .split('/')
    .map((segment) => uriEncode(percentDecode(segment, opts.plusIsSpace)))
    .join('/');
}

/** Splits a raw query into raw (still encoded) name/value pairs; `a&b=` gives `a=""`, `b=""`. */
function splitQuery(rawQuery: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    pairs.push(eq < 0 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)]);
  }
  return pairs;
}

/** The query as decoded name/value pairs in wire order (what URLSearchParams would give). */
export function parseQuery(rawQuery: string): Array<[string, string]> {
  // Every request's auth is parsed through here, most with no query: nothing to split or decode then.
  if (rawQuery === '') return [];
  return splitQuery(rawQuery).map(([n, v]) => [
    decoder.decode(percentDecode(n, true)),
    decoder.decode(percentDecode(v, true)),
  ]);
}

export interface CanonicalQueryOptions {
  /** A parameter left out of the canonical query: `X-Amz-Signature` for presigned URLs. */
  omit?: string;
  /**
   * Keep only the first value of a repeated parameter. The SigV4 spec keeps them all (sorted by
   * value), but S3 itself has been seen to drop repeats and aws4fetch/aws4 sign that way, so the
   * verifier accepts this form as a fallback (see sigv4.ts).
   */
  firstValueOnly?: boolean;
}

/**
 * Canonical query string: each name and value URI-encoded (`/` included), sorted by encoded name
 * then encoded value, joined with `&`; a valueless parameter is `name=`. Names and values are
 * decoded from the wire first (with `+` as space) and re-encoded from the bytes, so nothing is
 * double-encoded and no byte is lost to UTF-8 decoding.
 */
export function canonicalQuery(rawQuery: string, opts: CanonicalQueryOptions = {}): string {
  const omit = opts.omit === undefined ? undefined : uriEncode(opts.omit);
  const seen = new Set<string>();
  const encoded: Array<[string, string]> = [];
  for (const [rawName, rawValue] of splitQuery(rawQuery)) {
    const name = uriEncode(percentDecode(rawName, true));
    if (name === '' || name === omit) continue;
    if (opts.firstValueOnly) {
      if (seen.has(name)) continue;
      seen.add(name);
    }
    encoded.push([name, uriEncode(percentDecode(rawValue, true))]);
  }
  // Encoded strings are pure ASCII, so plain < compares them byte by byte (code point order).
  encoded.sort(([n1, v1], [n2, v2]) => (n1 < n2 ? -1 : n1 > n2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0));
  return encoded.map(([n, v]) => `${n}=${v}`).join('&');
}

/**
 * Trim, and fold runs of spaces/tabs to one space (the header-value rule of SigV4). Only ASCII
 * space and tab: String#trim and \s would also eat U+00A0 and friends, which signers that work on
 * bytes leave alone.
 */
export function canonicalHeaderValue(value: string): string {
  return value.replace(/^[ \t]+|[ \t]+$/g, '').replace(/[ \t]+/g, ' ');
}

/**
 * Canonical headers block (each line `name:value\n`) for the signed header names, in the order
 * given. A header sent on several lines is joined with `,`. Caveat: a fetch `Headers` object has
 * already merged repeated lines with `, ` before we see them, so a client that signs a header sent
 * twice will not verify (SDKs never send signed headers twice).
 */
export function canonicalHeaders(
  headers: Iterable<readonly [string, string]>,
  signedHeaders: readonly string[],
): string {
  // Only the signed headers are canonicalized: a request carries unsigned ones too (user-agent, …), and the
  // value folding is two regular expressions per value.
  const signed = new Set(signedHeaders);
  const byName = new Map<string, string[]>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    if (!signed.has(key)) continue;
    const list = byName.get(key);
    if (list) list.push(canonicalHeaderValue(value));
    else byName.set(key, [canonicalHeaderValue(value)]);
  }
  let out = '';
  // A signed header the request lacks canonicalizes as `name:`, so the signature simply fails.
  for (const name of signedHeaders) out += `${name}:${(byName.get(name) ?? []).join(',')}\n`;
  return out;
}

/** Everything the canonical request is made of, as it arrived on the wire. */
export interface CanonicalRequestParts {
  method: string;
  /** Path as sent (may be percent-encoded or not; never normalized). */
  rawPath: string;
  /** Query string as sent, without the leading `?`. */
  rawQuery: string;
  /** One entry per header line, or per header name with values already combined. */
  headers: Iterable<readonly [string, string]>;
  /** Lower-case names from SignedHeaders / X-Amz-SignedHeaders, in the order given. */
  signedHeaders: readonly string[];
  /** The last line: hex SHA-256, UNSIGNED-PAYLOAD or a STREAMING-… token, used literally. */
  payloadHash: string;
}

export interface CanonicalRequestOptions extends CanonicalUriOptions, CanonicalQueryOptions {}

export function canonicalRequest(parts: CanonicalRequestParts, opts: CanonicalRequestOptions = {}): string {
  return [
    parts.method.toUpperCase(),
    canonicalUri(parts.rawPath, opts),
    canonicalQuery(parts.rawQuery, opts),
    canonicalHeaders(parts.headers, parts.signedHeaders),
    parts.signedHeaders.join(';'),
    parts.payloadHash,
  ].join('\n');
}

/** `yyyymmdd/region/service/aws4_request`. */
export function credentialScope(date: string, region: string, service: string): string {
  return `${date}/${region}/${service}/${TERMINATOR}`;
}

/** The string to sign: algorithm, request timestamp, scope, hex SHA-256 of the canonical request. */
export function stringToSign(amzDate: string, scope: string, canonicalRequestSha256: string): string {
  return `${ALGORITHM}\n${amzDate}\n${scope}\n${canonicalRequestSha256}`;
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Parses the ISO 8601 basic form `yyyyMMdd'T'HHmmss'Z'` to epoch ms, or null if malformed. */
export function parseAmzDate(value: string): number | null {
  const m = AMZ_DATE.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(ms);
  // Reject dates Date.UTC silently rolls over (Feb 30, 25:00, …).
  if (
    check.getUTCFullYear() !== y ||
    check.getUTCMonth() !== mo - 1 ||
    check.getUTCDate() !== d ||
    check.getUTCHours() !== h ||
    check.getUTCMinutes() !== mi ||
    check.getUTCSeconds() !== s
  )
    return null;
  return ms;
}

export function formatAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const HTTP_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

/**
 * Parses a `Date` header: the HTTP IMF-fixdate (`Fri, 24 May 2013 00:00:00 GMT`) or the amz form.
 * Only used when a header-signed request has no `x-amz-date`.
 */
export function parseHttpDate(value: string): number | null {
  const amz = parseAmzDate(value);
  if (amz !== null) return amz;
  const m = HTTP_DATE.exec(value);
  if (!m) return null;
  const month = MONTHS.indexOf(m[2]!);
  if (month < 0) return null;
  return parseAmzDate(`${m[3]}${String(month + 1).padStart(2, '0')}${m[1]}T${m[4]}${m[5]}${m[6]}Z`);
}
