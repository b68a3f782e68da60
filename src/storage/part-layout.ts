import { findObjectParts } from '../db/object-records';
import { DEFERRED, PARTS_META, decodeParts, s3Etag } from './metadata';

/**
 * The part layout of an object: how many parts it was uploaded in and, when known, each part's size. The one place
 * that reads it (GetObject/HeadObject with partNumber, GetObjectAttributes), so that where the layout is kept can
 * change here alone.
 *
 * A simple object is one part of its own size. An object completed from R2's own multipart upload says
 * "ros:parts: ~" and its layout is in D1, tied to this very version (migrations/0008_native_multipart.sql); objects
 * completed before that keep it inline in `ros:parts`, when the sizes fitted R2's metadata. A multipart object's S3
 * ETag ends in "-<parts>", so the count is known even when the sizes were too many to record (`sizes` is then null).
 */
export interface PartLayout {
  /** Whether the object was made by a multipart upload (a simple object is reported as one part). */
  multipart: boolean;
  count: number;
  /** The size of part n at index n-1; null when the object's part sizes were not recorded. */
  sizes: number[] | null;
}

const MULTIPART_ETAG = /-(\d+)$/;

export async function partLayout(db: D1Database, siteId: string, r2key: string, object: R2Object): Promise<PartLayout> {
  const meta = object.customMetadata?.[PARTS_META];
  const encoded = meta === DEFERRED ? ((await findObjectParts(db, siteId, r2key, object.version)) ?? undefined) : meta;
  const sizes = decodeParts(encoded);
  if (sizes) return { multipart: true, count: sizes.length, sizes };
  const parts = MULTIPART_ETAG.exec(s3Etag(object));
  if (parts) return { multipart: true, count: Number(parts[1]), sizes: null };
  return { multipart: false, count: 1, sizes: [object.size] };
}
