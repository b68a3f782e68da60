import { timingSafeEqualBytes } from '../../crypto/compare';
import { type S3Error, s3Errors } from '../errors';

/**
 * A body check computed while the bytes stream past (never buffered), and decided at the end. The last chunk is
 * held back until every check has passed: R2 commits an object only once it has all its bytes, so a failed check
 * errors the stream while it is still short, the put fails, and nothing is stored — an older object under the
 * same key stays as it was.
 */
export interface StreamCheck {
  /** Sees every chunk, in order. */
  update(chunk: Uint8Array): void | Promise<void>;
  /** After the last chunk: the error to fail with, or null when the body is good. */
  finish(): Promise<S3Error | null>;
}

export interface CheckedBody {
  /** What to hand R2's put: a stream of known length, or null for an empty body. */
  stream: ReadableStream<Uint8Array> | null;
  /** The check that failed the stream, if one did (the put's own error is then just a consequence). */
  failure(): S3Error | null;
}

/**
 * Pipes `body` through the checks into a stream of known length, as R2's put requires. With no checks the
 * request body (whose length the runtime knows from Content-Length) goes to R2 untouched. A body whose length
 * the runtime does not vouch for comes with `lengthError`: it is always counted, and one that turns out not to
 * be `length` bytes fails with that error (as soon as it runs past `length`).
 */
export function checkedBody(
  body: ReadableStream<Uint8Array> | null,
  length: number,
  checks: StreamCheck[],
  lengthError?: () => S3Error,
): CheckedBody {
  let failed: S3Error | null = null;
  if (checks.length === 0 && !lengthError) return { stream: body, failure: () => null };
  const wrongLength = lengthError ?? s3Errors.incompleteBody;
  const source = body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
  let seen = 0;
  let held: Uint8Array | null = null;
  const verifier = new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > length) {
        failed = wrongLength();
        throw failed;
      }
      for (const check of checks) await check.update(chunk);
      if (held) controller.enqueue(held);
      held = chunk;
    },
    async flush(controller) {
      if (seen !== length) {
        failed = wrongLength();
      }
      for (const check of checks) failed ??= await check.finish();
      if (failed) controller.error(failed);
      else if (held) controller.enqueue(held);
    },
  });
  return { stream: source.pipeThrough(verifier).pipeThrough(new FixedLengthStream(length)), failure: () => failed };
}

/** A WebCrypto digest fed chunk by chunk (workerd's DigestStream: MD5, SHA-1, SHA-256…). */
export function digestCheck(
  algorithm: 'MD5' | 'SHA-1' | 'SHA-256',
  expected: Uint8Array,
  onMismatch: () => S3Error,
): StreamCheck {
  const digest = new crypto.DigestStream(algorithm);
  const writer = digest.getWriter();
  return {
    update: (chunk) => writer.write(chunk),
    async finish() {
      await writer.close();
      const got = new Uint8Array(await digest.digest);
      return timingSafeEqualBytes(got, expected) ? null : onMismatch();
    },
  };
}
