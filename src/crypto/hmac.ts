import { utf8 } from './encoding';

/**
 * HMAC-SHA1 of `data` under a secret: the signature of S3's older (Signature Version 2) POST forms, which boto3's
 * generate_presigned_post still writes by default. https://docs.aws.amazon.com/AmazonS3/latest/userguide/HTTPPOSTForms.html
 */
export async function hmacSha1(secret: string, data: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', utf8.encode(secret), { name: 'HMAC', hash: 'SHA-1' }, false, [
    'sign',
  ]);
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8.encode(data)));
}
