import { fromBase64, toHex } from '../../crypto/encoding';
import type { S3Call } from '../call';
import { S3Error } from '../errors';

/**
 * Reads a small request body (an XML document) whole — bounded, so it is never a way to buffer an object — and
 * checks it as PutObject checks its stream: the signed x-amz-content-sha256 and Content-MD5.
 */
export async function readSmallBody({ request, auth }: S3Call, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get('Content-Length') ?? '0');
  if (declared > maxBytes) throw new S3Error('MalformedXML', `The XML you provided was larger than ${maxBytes} bytes.`);
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.length > maxBytes)
    throw new S3Error('MalformedXML', `The XML you provided was larger than ${maxBytes} bytes.`);
  if (auth.payload === 'signed' && toHex(await crypto.subtle.digest('SHA-256', bytes)) !== auth.payloadHash) {
    throw new S3Error(
      'XAmzContentSHA256Mismatch',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  }
  const md5 = request.headers.get('Content-MD5');
  if (md5 !== null) {
    const got = new Uint8Array(await crypto.subtle.digest('MD5', bytes));
    let want: Uint8Array | null = null;
    try {
      want = fromBase64(md5.trim());
    } catch {
      // reported below
    }
    if (want?.length !== 16) throw new S3Error('InvalidDigest', 'The Content-MD5 you specified was invalid.');
    if (toHex(got) !== toHex(want))
      throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
  }
  return new TextDecoder().decode(bytes);
}
