/**
 * S3 flexible checksums: the five algorithms, streaming computation, and the multipart combinations. Pure
 * computation, shared by every layer; how checksums travel in S3 headers, trailers and XML is in
 * src/s3/checksum-wire.ts, the check that runs while a body streams in src/s3/body/checksum-check.ts.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
 *
 * Wire form: `x-amz-checksum-<alg>: base64(big-endian digest)` — 4 bytes for CRC32/CRC32C, 8 for CRC64NVME,
 * 20 for SHA1, 32 for SHA256. Multipart objects carry either a COMPOSITE checksum, base64(alg(concat(part
 * digests)))-N, or for the CRCs a FULL_OBJECT checksum, the CRC of the whole object (combine.ts).
 */

import { toBase64 } from '../crypto/encoding';
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
