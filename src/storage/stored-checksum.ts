import { parseAlgorithm, type ChecksumAlgorithm } from '../checksums';
import { findObjectChecksum } from '../db/object-records';
import { CHECKSUM_META } from './metadata';

/**
 * The flexible checksum stored with an object, returned by GetObject/HeadObject with `x-amz-checksum-mode:
 * ENABLED`. It lives in the object's `ros:checksum` metadata as "<ALGORITHM>:<base64>" when it was known before
 * the write began (a header, a completed multipart upload, a copy), or as "<ALGORITHM>:~" when it came in an
 * aws-chunked trailer, whose value is then in D1 (migrations/0003_object_checksums.sql).
 * A multipart object's COMPOSITE checksum ends in "-<parts>", as S3 shows it; anything else is FULL_OBJECT.
 */
export interface ObjectChecksum {
  algorithm: ChecksumAlgorithm;
  value: string;
  type: 'FULL_OBJECT' | 'COMPOSITE';
}

const DEFERRED = '~';

export const checksumMeta = (algorithm: ChecksumAlgorithm, value: string) => `${algorithm}:${value}`;
/** The metadata of an object whose checksum arrives in a trailer: only the algorithm is known up front. */
export const deferredChecksumMeta = (algorithm: ChecksumAlgorithm) => `${algorithm}:${DEFERRED}`;

export const checksumType = (value: string): ObjectChecksum['type'] =>
  /-\d+$/.test(value) ? 'COMPOSITE' : 'FULL_OBJECT';

export function parseChecksumMeta(
  meta: string | undefined,
): { algorithm: ChecksumAlgorithm; value: string; deferred: boolean } | null {
  if (!meta) return null;
  const colon = meta.indexOf(':');
  const algorithm = parseAlgorithm(meta.slice(0, colon));
  if (colon < 0 || !algorithm) return null;
  const value = meta.slice(colon + 1);
  return { algorithm, value, deferred: value === DEFERRED };
}

/** The object's checksum: from its metadata, or (for a trailer checksum) the D1 row of this very version. */
export async function objectChecksum(
  db: D1Database,
  siteId: string,
  r2key: string,
  object: R2Object,
): Promise<ObjectChecksum | null> {
  const meta = parseChecksumMeta(object.customMetadata?.[CHECKSUM_META]);
  if (!meta) return null;
  if (!meta.deferred) return { algorithm: meta.algorithm, value: meta.value, type: checksumType(meta.value) };
  const stored = parseChecksumMeta((await findObjectChecksum(db, siteId, r2key, object.version)) ?? undefined);
  if (!stored || stored.deferred || stored.algorithm !== meta.algorithm) return null;
  return { algorithm: stored.algorithm, value: stored.value, type: checksumType(stored.value) };
}
