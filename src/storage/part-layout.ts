import { PARTS_META, decodeParts, s3Etag } from './metadata';

/**
 * The part layout of an object: how many parts it was uploaded in and, when known, each part's size. The one place
 * that reads it (GetObject/HeadObject with partNumber, GetObjectAttributes), so that where the layout is kept can
 * change here alone.
 *
 * A simple object is one part of its own size. A completed multipart upload records its part sizes in the object's
 * `ros:parts` metadata (src/service/multipart.ts), when they fit R2's metadata; its S3 ETag ends in "-<parts>", so
 * the count is known even when the sizes were too many to record (`sizes` is then null).
 */
export interface PartLayout {
  /** Whether the object was made by a multipart upload (a simple object is reported as one part). */
  multipart: boolean;
  count: number;
  /** The size of part n at index n-1; null when the object's part sizes were not recorded. */
  sizes: number[] | null;
}

const MULTIPART_ETAG = /-(\d+)$/;

export async function partLayout(object: R2Object): Promise<PartLayout> {
  const sizes = decodeParts(object.customMetadata?.[PARTS_META]);
  if (sizes) return { multipart: true, count: sizes.length, sizes };
  const parts = MULTIPART_ETAG.exec(s3Etag(object));
  if (parts) return { multipart: true, count: Number(parts[1]), sizes: null };
  return { multipart: false, count: 1, sizes: [object.size] };
}
