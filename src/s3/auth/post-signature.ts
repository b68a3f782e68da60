/**
 * How a POST form is signed: by fields of the form, over its base64 policy (the string to sign), in one of two ways.
 * - Signature Version 4: x-amz-algorithm (AWS4-HMAC-SHA256), x-amz-credential (<key id>/<date>/<region>/s3/
 *   aws4_request), x-amz-date and x-amz-signature = hex HMAC-SHA256(signing key, policy).
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-authentication-HTTPPOST.html
 * - Signature Version 2: AWSAccessKeyId and signature = base64 HMAC-SHA1(secret, policy), what boto3's
 *   generate_presigned_post writes unless told s3v4. https://docs.aws.amazon.com/AmazonS3/latest/userguide/HTTPPOSTForms.html
 * A form with neither (and no policy) is anonymous.
 */
import { timingSafeEqualStrings } from '../../crypto/compare';
import { toBase64 } from '../../crypto/encoding';
import { hmacSha1 } from '../../crypto/hmac';
import { S3Error } from '../errors';
import { SIGNATURE_MISMATCH } from './errors';
import { ALGORITHM, SERVICE, SigV4Error, defaultSigningKeyCache, hmacHex, parseFormCredential } from './sigv4';

export type FormSignature =
  | { version: 4; accessKeyId: string; date: string; region: string; signature: string }
  | { version: 2; accessKeyId: string; signature: string };

/** The fields each way needs, as S3 names them when one is missing. */
const V4_FIELDS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Signature', 'Policy'];
const V2_FIELDS = ['AWSAccessKeyId', 'Signature', 'Policy'];

/** The form's signature (`fields` by lower-case name), or null for an anonymous form. */
export function formSignature(fields: Map<string, string>): FormSignature | null {
  const field = (name: string) => fields.get(name.toLowerCase());
  const v4 = V4_FIELDS.slice(0, 4).some((name) => field(name) !== undefined);
  if (!v4 && !V2_FIELDS.some((name) => field(name) !== undefined)) return null;
  for (const name of v4 ? V4_FIELDS : V2_FIELDS) {
    if (!field(name)) {
      throw new S3Error(
        'InvalidArgument',
        `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`,
        { ArgumentName: name, ArgumentValue: '' },
      );
    }
  }
  if (!v4) return { version: 2, accessKeyId: field('AWSAccessKeyId')!, signature: field('Signature')! };
  const algorithm = field('X-Amz-Algorithm')!;
  if (algorithm !== ALGORITHM) {
    throw new S3Error('InvalidArgument', `x-amz-algorithm only supports "${ALGORITHM}"`, {
      ArgumentName: 'x-amz-algorithm',
      ArgumentValue: algorithm,
    });
  }
  const { accessKeyId, date, region } = parseFormCredential(field('X-Amz-Credential')!);
  return { version: 4, accessKeyId, date, region, signature: field('X-Amz-Signature')! };
}

/** Checks the signature over the policy field as sent; SignatureDoesNotMatch with what AWS shows when it fails. */
export async function verifyFormSignature(sig: FormSignature, policy: string, secret: string): Promise<void> {
  const expected =
    sig.version === 4
      ? await hmacHex(await defaultSigningKeyCache.get(secret, sig.date, sig.region, SERVICE), policy)
      : toBase64(await hmacSha1(secret, policy));
  if (timingSafeEqualStrings(expected, sig.signature)) return;
  throw new SigV4Error('SignatureDoesNotMatch', SIGNATURE_MISMATCH, {
    AWSAccessKeyId: sig.accessKeyId,
    StringToSign: policy,
    SignatureProvided: sig.signature,
  });
}
