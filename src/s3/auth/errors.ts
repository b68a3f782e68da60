/**
 * The error every SigV4 failure throws: an S3 error code exactly as AWS spells it, AWS's message,
 * and the extra elements AWS puts in its XML error body (StringToSign, ServerTime, …). The S3 layer
 * turns it into its own S3Error; `status` is the HTTP status AWS pairs with the code.
 * Codes: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
 */

export type SigV4ErrorCode =
  | "AccessDenied"
  | "AuthorizationHeaderMalformed"
  | "AuthorizationQueryParametersError"
  | "InvalidArgument"
  | "InvalidRequest"
  | "NotImplemented"
  | "RequestTimeTooSkewed"
  | "SignatureDoesNotMatch";

const STATUS: Record<SigV4ErrorCode, number> = {
  AccessDenied: 403,
  AuthorizationHeaderMalformed: 400,
  AuthorizationQueryParametersError: 400,
  InvalidArgument: 400,
  InvalidRequest: 400,
  NotImplemented: 501,
  RequestTimeTooSkewed: 403,
  SignatureDoesNotMatch: 403,
};

/** An authentication failure; `extra` holds the additional elements of AWS's XML error body. */
export class SigV4Error extends Error {
  override readonly name = "SigV4Error";
  constructor(
    readonly code: SigV4ErrorCode,
    message: string,
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
  }

  /** The HTTP status AWS uses with this code. */
  get status(): number {
    return STATUS[this.code];
  }
}
