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
 * Pipes `body` through the checks into a stream of known length, as R2's put requires. `recycle`, when given,
 * gets back each piece of `body` once its bytes are checked and written on (the producer may fill it again). With no checks the
 * request body (whose length the runtime knows from Content-Length) goes to R2 untouched. A body whose length
 * the runtime does not vouch for comes with `lengthError`: it is always counted, and one that turns out not to
 * be `length` bytes fails with that error (as soon as it runs past `length`).
 */
export function checkedBody(
  body: ReadableStream<Uint8Array> | null,
  length: number,
  checks: StreamCheck[],
  lengthError?: () => S3Error,
  recycle?: (piece: Uint8Array) => void,
): CheckedBody {
  let failed: S3Error | null = null;
  if (checks.length === 0 && !lengthError) return { stream: body, failure: () => null };
  const wrongLength = lengthError ?? s3Errors.incompleteBody;
  // Pumped by hand into the sized stream rather than through a TransformStream: when the stage before this one (the
  // aws-chunked decoder) errors, workerd's pipe from a JS TransformStream into a native FixedLengthStream leaves a
  // rejected promise nobody observes ("Uncaught (in promise)" for every refused aws-chunked body). Here every
  // promise is awaited or caught, and the refusal reaches R2's put as the error of the stream it reads.
  const sized = new FixedLengthStream(length);
  const writer = sized.writable.getWriter();
  const reader = body?.getReader();
  const pump = async () => {
    let seen = 0;
    let held: Uint8Array | null = null;
    // One write in flight: the next piece is read and checked while R2 takes the previous one.
    let writing: Promise<void> = Promise.resolve();
    const write = async (chunk: Uint8Array) => {
      await writing;
      // Once the write resolved, the sized stream's reader has taken the bytes: the piece may be filled again.
      writing = recycle ? writer.write(chunk).then(() => recycle(chunk)) : writer.write(chunk);
      writing.catch(() => {}); // observed by the next await; an early exit must not leave it unhandled
    };
    // Small pieces (a POST form's file, a hand-made stream; the aws-chunked decoder and coalesced bodies come in
    // 1 MiB ones) are regrouped into pieces of at least GROUP_BYTES, so that the checks and the writes, each a few
    // promise turns, run once per 256 KiB at most.
    let group: Uint8Array[] = [];
    let grouped = 0;
    for (;;) {
      const next = reader ? await reader.read() : { done: true as const, value: undefined };
      if (!next.done) {
        seen += next.value.byteLength;
        if (seen > length) {
          failed = wrongLength();
          throw failed;
        }
        group.push(next.value);
        grouped += next.value.byteLength;
        if (grouped < GROUP_BYTES) continue;
      }
      if (grouped > 0) {
        const piece = group.length === 1 ? group[0] : concatenate(group, grouped);
        if (group.length > 1 && recycle) for (const p of group) recycle(p); // copied
        group = [];
        grouped = 0;
        for (const check of checks) await check.update(piece);
        if (held) await write(held);
        held = piece;
      }
      if (next.done) break;
    }
    if (seen !== length) failed = wrongLength();
    for (const check of checks) failed ??= await check.finish();
    if (failed) throw failed;
    if (held) await write(held);
    await writing;
    await writer.close();
  };
  pump().catch((err) => {
    reader?.cancel(err).catch(() => {});
    writer.abort(err).catch(() => {});
  });
  return { stream: sized.readable, failure: () => failed };
}

/**
 * The MD5 of the bytes that stream past, for a caller that needs it rather than checks it (a multipart part's
 * ETag): computed in the same pass as the other checks instead of by a stage of its own. No verdict.
 */
export function md5Digest(): StreamCheck & { digest(): Promise<Uint8Array> } {
  return { ...streamingDigest('MD5'), finish: async () => null };
}

const GROUP_BYTES = 256 * 1024;

function concatenate(pieces: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** A WebCrypto digest fed chunk by chunk (workerd's DigestStream: MD5, SHA-1, SHA-256…); `digest()` ends it. */
function streamingDigest(algorithm: 'MD5' | 'SHA-1' | 'SHA-256') {
  const stream = new crypto.DigestStream(algorithm);
  const writer = stream.getWriter();
  let result: Promise<Uint8Array> | null = null;
  return {
    update: (chunk: Uint8Array) => writer.write(chunk),
    digest(): Promise<Uint8Array> {
      result ??= writer.close().then(async () => new Uint8Array(await stream.digest));
      return result;
    },
  };
}

/** A digest of the bytes checked against `expected` at the end. */
export function digestCheck(
  algorithm: 'MD5' | 'SHA-1' | 'SHA-256',
  expected: Uint8Array,
  onMismatch: () => S3Error,
): StreamCheck {
  const { update, digest } = streamingDigest(algorithm);
  return {
    update,
    finish: async () => (timingSafeEqualBytes(await digest(), expected) ? null : onMismatch()),
  };
}
