/**
 * The flexible-checksum check of a body while it streams (a StreamCheck for checkedBody): computes the
 * algorithm over the bytes and compares at the end with the header's value, or the trailer's.
 *   BadDigest       "The CRC32 you specified did not match the calculated checksum."
 *   MalformedTrailerError when the promised trailer never came.
 */
import { createChecksum, type ChecksumAlgorithm } from '../../checksums';
import { timingSafeEqualBytes } from '../../crypto/compare';
import { toBase64 } from '../../crypto/encoding';
import { parseChecksumValue } from '../checksum-wire';
import { type S3Error, s3Errors } from '../errors';
import type { StreamCheck } from './verify';

/** A StreamCheck that also hands back what it computed (to store and return as x-amz-checksum-*). */
export interface ChecksumCheck extends StreamCheck {
  readonly algorithm: ChecksumAlgorithm;
  /** The computed digest, once finish() has run. */
  result(): Uint8Array | undefined;
  /** The computed digest in base64, once finish() has run. */
  resultBase64(): string | undefined;
}

export interface ChecksumCheckOptions {
  /** Where the expected value comes from, for the wording of the invalid-value error. Default: 'header'. */
  source?: 'header' | 'trailer';
}

/**
 * Computes `alg` over the body and compares with the expected value at the end.
 *
 * `expected` is the base64 value from the request header (checked at once: an invalid one throws
 * InvalidRequest before any byte is read), or a function read only in finish() — for a trailer, known only
 * once the aws-chunked body ended; it returning undefined means the promised trailer never came
 * (MalformedTrailerError) — or null to only compute (e.g. the default checksum S3 adds on its own).
 */
export function checksumCheck(
  alg: ChecksumAlgorithm,
  expected: string | (() => string | undefined) | null,
  opts: ChecksumCheckOptions = {},
): ChecksumCheck {
  const source = opts.source ?? (typeof expected === 'function' ? 'trailer' : 'header');
  const fixed = typeof expected === 'string' ? parseChecksumValue(alg, expected, source) : null;
  const sum = createChecksum(alg);
  let computed: Uint8Array | undefined;
  return {
    algorithm: alg,
    update: (chunk) => sum.update(chunk),
    async finish() {
      computed = await sum.digest();
      let want: Uint8Array;
      if (fixed) want = fixed;
      else if (typeof expected === 'function') {
        const value = expected();
        if (value === undefined) return s3Errors.malformedTrailer();
        try {
          want = parseChecksumValue(alg, value, source);
        } catch (err) {
          return err as S3Error;
        }
      } else return null;
      return timingSafeEqualBytes(computed, want) ? null : s3Errors.checksumMismatch(alg);
    },
    result: () => computed,
    resultBase64: () => (computed ? toBase64(computed) : undefined),
  };
}
