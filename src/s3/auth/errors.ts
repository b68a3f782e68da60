import { S3Error } from '../errors';

/**
 * The error every SigV4 failure throws: an S3Error whose code is spelled exactly as AWS spells it, with AWS's
 * message and the extra elements AWS puts in its XML error body (StringToSign, ServerTime, …).
 * Codes: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
 */
export type SigV4ErrorCode =
  | 'AccessDenied'
  | 'AuthorizationHeaderMalformed'
  | 'AuthorizationQueryParametersError'
  | 'InvalidArgument'
  | 'InvalidRequest'
  | 'NotImplemented'
  | 'RequestTimeTooSkewed'
  | 'SignatureDoesNotMatch';

export class SigV4Error extends S3Error {
  override readonly name = 'SigV4Error';
  declare readonly code: SigV4ErrorCode;

  constructor(code: SigV4ErrorCode, message: string, extra: Record<string, string> = {}) {
    super(code, message, extra);
  }

  /** The additional elements of AWS's XML error body. */
  get extra(): Record<string, string> {
    return this.fields;
  }
}

/** AWS's message for a signature that does not match, SigV4's and SigV2's alike. */
export const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your key and signing method.';
