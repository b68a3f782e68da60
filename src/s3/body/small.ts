import { timingSafeEqualBytes } from '../../crypto/compare';
import { fromBase64, toHex } from '../../crypto/encoding';
import type { S3Call } from '../call';
import { s3Errors } from '../errors';

/**
 * Reads a small request body (an XML document) whole — bounded, so it is never a way to buffer an object — and
 * checks it as PutObject checks its stream: the signed x-amz-content-sha256 and Content-MD5.
 */
export async function readSmallBody({ request, auth }: S3Call, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get('Content-Length') ?? '0');
  const tooLarge = () => s3Errors.malformedXml(`The XML you provided was larger than ${maxBytes} bytes.`);
  if (declared > maxBytes) throw tooLarge();
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.length > maxBytes) throw tooLarge();
  if (auth.payload === 'signed' && toHex(await crypto.subtle.digest('SHA-256', bytes)) !== auth.payloadHash) {
    throw s3Errors.sha256Mismatch();
  }
  const md5 = request.headers.get('Content-MD5');
  if (md5 !== null) {
    const want = fromBase64(md5.trim());
    if (want?.length !== 16) throw s3Errors.invalidContentMd5();
    const got = new Uint8Array(await crypto.subtle.digest('MD5', bytes));
    if (!timingSafeEqualBytes(got, want)) throw s3Errors.contentMd5Mismatch();
  }
  return new TextDecoder().decode(bytes);
}
