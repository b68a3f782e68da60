/** Query parameters of ListObjects / ListObjectsV2 / ListMultipartUploads / ListParts as S3 reads and writes them. */
import { S3Error } from './errors';

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

/**
 * A listing's max-keys (ListObjects, ListObjectsV2, ListObjectVersions): one that is not an int32 is refused here;
 * a negative one is returned, to be refused by refuseNegativeMaxKeys after the other parameters, in S3's order.
 */
export function listingMaxKeys(q: URLSearchParams, fallback: number): number {
  const raw = q.get('max-keys');
  const maxKeys = parseMaxKeys(raw, fallback);
  if (maxKeys === null) {
    throw new S3Error('InvalidArgument', 'Provided max-keys not an integer or within integer range', {
      ArgumentName: 'max-keys',
      ArgumentValue: raw ?? '',
    });
  }
  return maxKeys;
}

export function refuseNegativeMaxKeys(maxKeys: number): void {
  if (maxKeys < 0) {
    throw new S3Error('InvalidArgument', 'Argument maxKeys must be an integer between 0 and 2147483647', {
      ArgumentName: 'maxKeys',
      ArgumentValue: String(maxKeys),
    });
  }
}

/** `encoding-type` as sent (echoed in the answer), null when absent; any value but `url` (any case) is refused. */
export function listingEncodingType(q: URLSearchParams): string | null {
  const encodingType = q.get('encoding-type');
  if (encodingType !== null && encodingType.toLowerCase() !== 'url') {
    throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', {
      ArgumentName: 'encoding-type',
      ArgumentValue: encodingType,
    });
  }
  return encodingType;
}
