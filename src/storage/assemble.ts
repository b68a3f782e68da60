/**
 * Writes one R2 object from byte ranges of other R2 objects, streaming (memory stays flat whatever the size).
 * Used to complete multipart uploads (staged parts → final object) and to copy objects.
 *
 * Up to SINGLE_PUT_LIMIT bytes go in one put. Larger objects go through an R2 multipart upload whose parts all
 * have the same size — production R2 requires that of every part but the last, while S3 clients may send parts of
 * any sizes — so the bytes are re-cut into uniform parts on the way.
 */
export const SINGLE_PUT_LIMIT = 4 * 1024 ** 3;
const MIN_R2_PART = 64 * 1024 ** 2;
const MAX_R2_PARTS = 10_000;

export interface Piece {
  key: string;
  /** The R2 ETag the source must still have (the read fails otherwise). */
  etag?: string;
  /** Byte range within the source object; the whole object when absent. */
  offset?: number;
  length: number;
}

/**
 * The pieces' bytes in order, as one stream of exactly their total length; a missing or changed source errors
 * it. The stream is workerd's native FixedLengthStream and the sources are R2 bodies, so the bytes are pumped
 * natively from R2 to R2, never through a JS callback per chunk (which at R2's read size costs more than the
 * copy itself).
 */
export function concatenate(bucket: R2Bucket, pieces: Piece[]): ReadableStream<Uint8Array> {
  const total = pieces.reduce((n, p) => n + p.length, 0);
  const { readable, writable } = new FixedLengthStream(total);
  (async () => {
    for (const piece of pieces) {
      const range = piece.offset !== undefined ? { offset: piece.offset, length: piece.length } : undefined;
      const object = await bucket.get(piece.key, {
        ...(range && { range }),
        ...(piece.etag !== undefined && { onlyIf: { etagMatches: piece.etag } }),
      });
      if (!object || !('body' in object)) throw new Error(`source ${piece.key} vanished or changed`);
      await object.body.pipeTo(writable, { preventClose: true });
    }
    await writable.close();
  })().catch((err) => writable.abort(err).catch(() => {}));
  return readable;
}

/** Sizes that tests shrink to exercise the multipart path without writing gigabytes. */
export interface AssembleLimits {
  singlePutLimit: number;
  minPartSize: number;
}

/** R2's put options, plus `observe`: called with each chunk on its way (e.g. to checksum a copied part). */
export type AssembleOptions = R2PutOptions & { observe?: (chunk: Uint8Array) => void | Promise<void> };

/** Passes chunks through unchanged, showing each to `observe` on its way (e.g. to checksum them). */
export const observer = (observe: (chunk: Uint8Array) => void | Promise<void>) =>
  new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      await observe(chunk);
      controller.enqueue(chunk);
    },
  });

/** Resolves to the new object, or null when `options.onlyIf` did not hold (nothing written). */
export async function assemble(
  bucket: R2Bucket,
  key: string,
  pieces: Piece[],
  { observe, ...options }: AssembleOptions,
  limits: AssembleLimits = { singlePutLimit: SINGLE_PUT_LIMIT, minPartSize: MIN_R2_PART },
): Promise<R2Object | null> {
  const total = pieces.reduce((n, p) => n + p.length, 0);
  let source = concatenate(bucket, pieces);
  if (observe) {
    source = source.pipeThrough(observer(observe));
  }
  if (total <= limits.singlePutLimit) {
    return bucket.put(
      key,
      total === 0 ? null : observe ? source.pipeThrough(new FixedLengthStream(total)) : source,
      options,
    );
  }
  // An R2 multipart upload has no precondition of its own: check it first (a narrow race, unlike a single put).
  if (options.onlyIf && !(await preconditionHolds(bucket, key, options.onlyIf))) return null;
  const partSize = Math.max(limits.minPartSize, Math.ceil(total / MAX_R2_PARTS));
  const { onlyIf: _, ...uploadOptions } = options;
  const upload = await bucket.createMultipartUpload(key, uploadOptions);
  try {
    return await upload.complete(await cutInto(upload, source, total, partSize));
  } catch (err) {
    await upload.abort().catch(() => {});
    throw err;
  }
}

/**
 * Cuts `source` (exactly `total` bytes) into parts of `partSize` bytes (the last one smaller) and uploads them
 * into `upload`, numbered from `firstNumber` on: a layout production R2 completes.
 */
export async function cutInto(
  upload: R2MultipartUpload,
  source: ReadableStream<Uint8Array>,
  total: number,
  partSize: number,
  firstNumber = 1,
): Promise<R2UploadedPart[]> {
  const reader = source.getReader();
  const parts: R2UploadedPart[] = [];
  let leftover: Uint8Array | null = null;
  for (let n = firstNumber, sent = 0; sent < total; n++) {
    const size = Math.min(partSize, total - sent);
    const part = new FixedLengthStream(size);
    const writer = part.writable.getWriter();
    const uploading = upload.uploadPart(n, part.readable);
    let remaining = size;
    while (remaining > 0) {
      let chunk: Uint8Array;
      if (leftover) {
        chunk = leftover;
        leftover = null;
      } else {
        const next = await reader.read();
        if (next.done) throw new Error('source ended early');
        chunk = next.value;
      }
      if (chunk.byteLength > remaining) {
        leftover = chunk.subarray(remaining);
        chunk = chunk.subarray(0, remaining);
      }
      await writer.write(chunk);
      remaining -= chunk.byteLength;
    }
    await writer.close();
    parts.push(await uploading);
    sent += size;
  }
  return parts;
}

/** An R2 multipart upload has no precondition of its own: ROS checks it just before completing (a narrow race). */
export async function preconditionHolds(
  bucket: R2Bucket,
  key: string,
  onlyIf: R2Conditional | Headers,
): Promise<boolean> {
  const current = await bucket.head(key);
  const cond = onlyIf as R2Conditional;
  if (cond.etagDoesNotMatch === '*') return current === null;
  if (cond.etagMatches) return current?.etag === cond.etagMatches;
  return true;
}
