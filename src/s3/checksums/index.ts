/**
 * S3 flexible checksums: the five algorithms, their headers and wire form, streaming computation, the check
 * that plugs into checkedBody, and the multipart combinations.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
 *
 * Wire form: `x-amz-checksum-<alg>: base64(big-endian digest)` — 4 bytes for CRC32/CRC32C, 8 for CRC64NVME,
 * 20 for SHA1, 32 for SHA256. Multipart objects carry either a COMPOSITE checksum, base64(alg(concat(part
 * digests)))-N, or for the CRCs a FULL_OBJECT checksum, the CRC of the whole object (combine.ts).
 *
 * Error texts are AWS's as recorded by clients that test against S3 (versitygw's s3err, scality's Arsenal):
 *   BadDigest       "The CRC32 you specified did not match the calculated checksum."
 *   InvalidRequest  "Value for x-amz-checksum-crc32 header is invalid."  (…"trailing header is invalid." for a trailer)
 *   MalformedTrailerError "The request contained trailing data that was not well-formed or did not conform to our published schema."
 */

import { S3Error } from '../errors';
import type { StreamCheck } from '../body/verify';
import { Crc32State, CRC32C_POLY, CRC32_POLY } from './crc32';
import { Crc64State } from './crc64';
import { type CrcAlgorithm, combineParts, crcCombine } from './combine';

export { crcCombine, combineParts, type CrcAlgorithm };
export { Crc32State, CRC32_POLY, CRC32C_POLY, crc32 } from './crc32';
export { Crc64State, crc64nvme } from './crc64';

export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** Digest size in bytes, which also fixes the base64 length (8, 8, 12, 28, 44 characters). */
export const DIGEST_LENGTH: Readonly<Record<ChecksumAlgorithm, number>> = {
  CRC32: 4,
  CRC32C: 4,
  CRC64NVME: 8,
  SHA1: 20,
  SHA256: 32,
};

/** The algorithms whose multipart checksum may be FULL_OBJECT (CRC64NVME may only be FULL_OBJECT). */
export const CRC_ALGORITHMS: readonly CrcAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME'];

export const MALFORMED_TRAILER_MESSAGE =
  'The request contained trailing data that was not well-formed or did not conform to our published schema.';

export function isChecksumAlgorithm(value: string): value is ChecksumAlgorithm {
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(value);
}

export function isCrcAlgorithm(alg: ChecksumAlgorithm): alg is CrcAlgorithm {
  return alg === 'CRC32' || alg === 'CRC32C' || alg === 'CRC64NVME';
}

/** `x-amz-sdk-checksum-algorithm` / `x-amz-checksum-algorithm` values are case-insensitive ("crc32"). */
export function parseAlgorithm(value: string | null | undefined): ChecksumAlgorithm | undefined {
  const upper = value?.trim().toUpperCase();
  return upper !== undefined && isChecksumAlgorithm(upper) ? upper : undefined;
}

/** `x-amz-checksum-crc32` for CRC32, etc. */
export function headerName(alg: ChecksumAlgorithm): string {
  return `x-amz-checksum-${alg.toLowerCase()}`;
}

/** The algorithm a `x-amz-checksum-*` header (or trailer) name stands for, if any. */
export function algorithmOfHeader(name: string): ChecksumAlgorithm | undefined {
  const lower = name.trim().toLowerCase();
  return lower.startsWith('x-amz-checksum-') ? parseAlgorithm(lower.slice('x-amz-checksum-'.length)) : undefined;
}

// ---- base64 -------------------------------------------------------------------------------------

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary);
}

/** Standard base64 (padding required, as S3 sends it); null when it is not valid base64. */
export function fromBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return null;
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/**
 * Decodes a checksum value as sent in a header or trailer: base64 of exactly the digest size. Anything else
 * is S3's InvalidRequest "Value for x-amz-checksum-crc32 header is invalid." (or "trailing header").
 */
export function parseChecksumValue(
  alg: ChecksumAlgorithm,
  value: string,
  source: 'header' | 'trailer' = 'header',
): Uint8Array {
  const bytes = fromBase64(value.trim());
  if (!bytes || bytes.length !== DIGEST_LENGTH[alg]) {
    const where = source === 'trailer' ? 'trailing header' : 'header';
    throw new S3Error('InvalidRequest', `Value for ${headerName(alg)} ${where} is invalid.`);
  }
  return bytes;
}

// ---- streaming computation -------------------------------------------------------------------------

/** An incremental checksum. update() may return a promise (the SHA family goes through WebCrypto). */
export interface Checksum {
  readonly algorithm: ChecksumAlgorithm;
  update(chunk: Uint8Array): void | Promise<void>;
  /** The big-endian digest; call once, after the last update. */
  digest(): Promise<Uint8Array>;
}

export function createChecksum(alg: ChecksumAlgorithm): Checksum {
  switch (alg) {
    case 'CRC32':
    case 'CRC32C': {
      const state = new Crc32State(alg === 'CRC32' ? CRC32_POLY : CRC32C_POLY);
      return { algorithm: alg, update: (c) => state.update(c), digest: async () => state.digestBytes() };
    }
    case 'CRC64NVME': {
      const state = new Crc64State();
      return { algorithm: alg, update: (c) => state.update(c), digest: async () => state.digestBytes() };
    }
    case 'SHA1':
    case 'SHA256': {
      // workerd's DigestStream hashes natively and incrementally (no buffering of the body).
      const stream = new crypto.DigestStream(alg === 'SHA1' ? 'SHA-1' : 'SHA-256');
      const writer = stream.getWriter();
      return {
        algorithm: alg,
        update: (c) => writer.write(c),
        async digest() {
          await writer.close();
          return new Uint8Array(await stream.digest);
        },
      };
    }
  }
}

/** One-shot digest of a whole buffer. */
export async function checksumOf(alg: ChecksumAlgorithm, data: Uint8Array): Promise<Uint8Array> {
  if (alg === 'SHA1' || alg === 'SHA256') {
    return new Uint8Array(await crypto.subtle.digest(alg === 'SHA1' ? 'SHA-1' : 'SHA-256', data));
  }
  const c = createChecksum(alg);
  await c.update(data);
  return c.digest();
}

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
        if (value === undefined) return new S3Error('MalformedTrailerError', MALFORMED_TRAILER_MESSAGE);
        try {
          want = parseChecksumValue(alg, value, source);
        } catch (err) {
          return err as S3Error;
        }
      } else return null;
      return equalBytes(computed, want)
        ? null
        : new S3Error('BadDigest', `The ${alg} you specified did not match the calculated checksum.`);
    },
    result: () => computed,
    resultBase64: () => (computed ? toBase64(computed) : undefined),
  };
}

// ---- multipart ---------------------------------------------------------------------------------------

/**
 * S3's COMPOSITE multipart checksum: base64(alg(part digest 1 ‖ … ‖ part digest N)) + "-N".
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html#large-object-checksums
 * (CRC64NVME has no composite form; S3 rejects it, so do callers.)
 */
export async function compositeChecksum(alg: ChecksumAlgorithm, partDigests: readonly Uint8Array[]): Promise<string> {
  const size = DIGEST_LENGTH[alg];
  const all = new Uint8Array(size * partDigests.length);
  partDigests.forEach((d, i) => {
    if (d.length !== size) throw new RangeError(`part ${i + 1}: a ${alg} digest is ${size} bytes`);
    all.set(d, i * size);
  });
  return `${toBase64(await checksumOf(alg, all))}-${partDigests.length}`;
}

/** FULL_OBJECT checksum (base64, no "-N") from the parts' CRCs and sizes, in part order. */
export function fullObjectChecksum(
  alg: CrcAlgorithm,
  parts: ReadonlyArray<{ digest: Uint8Array; length: number }>,
): string {
  return toBase64(combineParts(alg, parts));
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
