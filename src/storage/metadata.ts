/**
 * What ROS keeps with an object in R2: the standard HTTP metadata in R2's httpMetadata, user metadata
 * (`x-amz-meta-*`) in customMetadata under the bare name (as R2's own S3 API stores them, so objects stay
 * readable by other R2 tools), and ROS's own bookkeeping under names with a ':' — never a valid header name, so
 * never a user's. How S3 headers map to it is src/s3/object-headers.ts.
 */
export interface ObjectMetadata {
  httpMetadata: R2HTTPMetadata;
  customMetadata: Record<string, string>;
}

/**
 * ROS's own bookkeeping in customMetadata (names with ':' can never be user metadata):
 * - `ros:etag`: the S3 ETag where it is not R2's (multipart objects: MD5 of the part MD5s, then "-N");
 * - `ros:checksum`: the verified x-amz-checksum-* of the upload, returned with x-amz-checksum-mode: ENABLED;
 * - `ros:parts`: the part sizes of a multipart object, run-length encoded ("8388608*12,1048576"), for
 *   GetObject/HeadObject with partNumber.
 * A multipart object completed from R2's own multipart upload had its metadata fixed when the upload was created,
 * before any of this was known: its `ros:etag` and `ros:parts` say "~" (DEFERRED), and the values are in D1, tied
 * to the object's version (src/storage/object-etag.ts, src/storage/part-layout.ts).
 */
export const ETAG_META = 'ros:etag';
/** `ros:checksum`: "<ALGORITHM>:<base64>", the flexible checksum the client sent (and ROS verified) at upload. */
export const CHECKSUM_META = 'ros:checksum';
export const PARTS_META = 'ros:parts';

/** The value of a bookkeeping entry that lives in D1 instead (the object's metadata was fixed before it was known). */
export const DEFERRED = '~';

/**
 * The object's S3 ETag, unquoted, as far as its metadata tells: for a deferred one R2's own (which R2 computes
 * as S3 does when the R2 parts are the S3 parts); objectEtag (./object-etag.ts) has the exact answer.
 */
export function s3Etag(object: R2Object): string {
  const meta = object.customMetadata?.[ETAG_META];
  return meta === undefined || meta === DEFERRED ? object.etag : meta;
}
export const quotedEtag = (object: R2Object) => `"${s3Etag(object)}"`;

export function encodeParts(sizes: number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < sizes.length; ) {
    let j = i;
    while (j < sizes.length && sizes[j] === sizes[i]) j++;
    runs.push(j - i > 1 ? `${sizes[i]}*${j - i}` : String(sizes[i]));
    i = j;
  }
  return runs.join(',');
}

export function decodeParts(encoded: string | undefined): number[] | null {
  if (!encoded) return null;
  const sizes: number[] = [];
  for (const run of encoded.split(',')) {
    const [size, count = '1'] = run.split('*');
    for (let i = 0; i < Number(count); i++) sizes.push(Number(size));
  }
  return sizes;
}
