import { splitRawUrl } from './auth/parse';
import { S3Error } from './errors';

/** Where a request points: a bucket (or none, for the service), and an object key (or none). */
export interface Target {
  bucket: string | null;
  key: string | null;
  query: URLSearchParams;
  /** The path as the client sent it, for error <Resource> and signatures. */
  rawPath: string;
}

/**
 * Path style (`/bucket/key`) or virtual-host style (bucket from the Host header, `/key`). The key is the rest of
 * the raw path, percent-decoded exactly once; `//` and a trailing `/` stay as they are. A literal `+` is a space,
 * as on AWS S3 (knox#267, AdRoll/goamz#259): S3 clients send a plus in a key as %2B, and read a raw `+` as a space.
 */
export const PLUS_IS_SPACE = true;

export function address(url: string, hostBucket: string | null): Target {
  const { path, query } = splitRawUrl(url);
  const params = new URLSearchParams(query);
  const rawPath = path || '/';
  const rest = rawPath.slice(1);
  if (hostBucket !== null)
    return { bucket: hostBucket, key: rest === '' ? null : decode(rest), query: params, rawPath };
  if (rest === '') return { bucket: null, key: null, query: params, rawPath };
  const slash = rest.indexOf('/');
  if (slash < 0) return { bucket: decode(rest), key: null, query: params, rawPath };
  const key = rest.slice(slash + 1);
  return { bucket: decode(rest.slice(0, slash)), key: key === '' ? null : decode(key), query: params, rawPath };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw new S3Error('InvalidURI', "Couldn't parse the specified URI.");
  }
}
