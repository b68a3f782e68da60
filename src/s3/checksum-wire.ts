/**
 * How flexible checksums travel in S3: `x-amz-checksum-<alg>` headers and trailers (base64 of the big-endian
 * digest), and the Checksum<ALG> / ChecksumType elements of S3's XML.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
 *
 * Error texts are AWS's as recorded by clients that test against S3 (versitygw's s3err, scality's Arsenal):
 *   InvalidRequest  "Value for x-amz-checksum-crc32 header is invalid."  (…"trailing header is invalid." for a trailer)
 */
import { DIGEST_LENGTH, parseAlgorithm, type ChecksumAlgorithm } from '../checksums';
import { fromBase64 } from '../crypto/encoding';
import type { ObjectChecksum } from '../storage/stored-checksum';
import { S3Error } from './errors';
import type { XmlNode } from './xml';

/** `x-amz-checksum-crc32` for CRC32, etc. */
export function headerName(alg: ChecksumAlgorithm): string {
  return `x-amz-checksum-${alg.toLowerCase()}`;
}

/** The algorithm a `x-amz-checksum-*` header (or trailer) name stands for, if any. */
export function algorithmOfHeader(name: string): ChecksumAlgorithm | undefined {
  const lower = name.trim().toLowerCase();
  return lower.startsWith('x-amz-checksum-') ? parseAlgorithm(lower.slice('x-amz-checksum-'.length)) : undefined;
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

/** The XML elements S3 answers a checksum with (CopyObjectResult, CompleteMultipartUploadResult, ListParts). */
export const checksumElements = (
  c: { algorithm: ChecksumAlgorithm; value: string; type?: ObjectChecksum['type'] } | null,
): XmlNode[] =>
  c ? [[`Checksum${c.algorithm}`, c.value], ...(c.type ? ([['ChecksumType', c.type]] as XmlNode[]) : [])] : [];

/** The headers GetObject/HeadObject answer a stored checksum with (x-amz-checksum-mode: ENABLED). */
export const checksumResponseHeaders = (c: ObjectChecksum): Record<string, string> => ({
  [headerName(c.algorithm)]: c.value,
  'x-amz-checksum-type': c.type,
});
