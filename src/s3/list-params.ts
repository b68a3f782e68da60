/** Query parameters of ListObjects / ListObjectsV2 / ListMultipartUploads / ListParts as S3 reads and writes them. */

/**
 * `encoding-type=url`: the UTF-8 bytes percent-encoded (upper-case hex) except letters, digits, `-_.*` and `/`,
 * which stay as they are (the set AWS leaves unencoded: Java's URLEncoder's, with `/` kept). A space is `%20`, as
 * the S3 conformance suite (ceph/s3-tests, test_bucket_list_encoding_basic: `quux ab/` → `quux%20ab/`) expects;
 * `+` itself is `%2B`. So every decoder gets the key back: percent-decoding (decodeURIComponent, Go's
 * PathUnescape) and form decoding (botocore's unquote_plus, Java's URLDecoder) alike — a `+` for a space would
 * come back as a literal `+` through the former.
 */
const URL_SAFE = /^[A-Za-z0-9\-_.*/]*$/;

export function urlEncode(value: string): string {
  if (URL_SAFE.test(value)) return value;
  // Keys and query parameters are UTF-8 (R2 stores UTF-8; URLSearchParams decodes to well-formed strings), so
  // encodeURIComponent, which refuses only lone surrogates, does not throw here.
  return encodeURIComponent(value).replace(/%2F|[!'()~]/g, (m) =>
    m === '%2F' ? '/' : `%${m.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * max-keys as S3 parses it: absent or empty → the default; an int32 written as digits with an optional '-'
 * (leading zeros allowed) → its value, which may be negative (refused later, with its own message);
 * anything else → null (refused as "not an integer or within integer range").
 */
export function parseMaxKeys(raw: string | null, fallback = 1000): number | null {
  if (raw === null || raw === '') return fallback;
  if (!/^-?[0-9]+$/.test(raw)) return null;
  const negative = raw.startsWith('-');
  const digits = (negative ? raw.slice(1) : raw).replace(/^0+/, '') || '0';
  if (digits.length > 10) return null;
  const value = Number(digits);
  if (value > (negative ? 2147483648 : 2147483647)) return null;
  return negative && value !== 0 ? -value : value;
}
