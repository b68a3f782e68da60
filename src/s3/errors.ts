import type { ChecksumAlgorithm } from '../checksums';

/**
 * The one S3 error type and its catalogue. Handlers throw S3Error; the pipeline renders it once, as AWS does
 * (src/s3/handler.ts). Every code ROS sends is here with its HTTP status, as in
 * https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html — the compiler refuses any other code.
 */
const STATUS = {
  AccessDenied: 403,
  /** A refused CORS preflight ("CORSResponse: ..."): not in AWS's table, but what S3 sends. */
  AccessForbidden: 403,
  AuthorizationHeaderMalformed: 400,
  AuthorizationQueryParametersError: 400,
  BadDigest: 400,
  /** A CORS preflight without Origin or Access-Control-Request-Method. */
  BadRequest: 400,
  BucketAlreadyExists: 409,
  BucketNotEmpty: 409,
  ConditionalRequestConflict: 409,
  EntityTooLarge: 400,
  EntityTooSmall: 400,
  IncompleteBody: 400,
  InternalError: 500,
  InvalidAccessKeyId: 403,
  InvalidArgument: 400,
  InvalidBucketName: 400,
  InvalidChunkSizeError: 400,
  InvalidDigest: 400,
  InvalidPart: 400,
  InvalidPartNumber: 416,
  InvalidPartOrder: 400,
  InvalidPolicyDocument: 400,
  InvalidRange: 416,
  InvalidRequest: 400,
  InvalidURI: 400,
  KeyTooLongError: 400,
  MalformedACLError: 400,
  MalformedPOSTRequest: 400,
  MalformedTrailerError: 400,
  MalformedXML: 400,
  MaxPostPreDataLengthExceededError: 400,
  MetadataTooLarge: 400,
  MethodNotAllowed: 405,
  MissingContentLength: 411,
  MissingSecurityHeader: 400,
  NoSuchBucket: 404,
  NoSuchCORSConfiguration: 404,
  NoSuchKey: 404,
  NoSuchPublicAccessBlockConfiguration: 404,
  NoSuchUpload: 404,
  NotImplemented: 501,
  OperationAborted: 409,
  PreconditionFailed: 412,
  RequestTimeTooSkewed: 403,
  SignatureDoesNotMatch: 403,
  UnexpectedContent: 400,
  XAmzContentSHA256Mismatch: 400,
} as const satisfies Record<string, number>;

export type S3ErrorCode = keyof typeof STATUS;

export class S3Error extends Error {
  readonly status: number;

  constructor(
    readonly code: S3ErrorCode,
    message: string,
    /** Extra elements AWS includes in the <Error> body (BucketName, Key, StringToSign, ...). */
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

const MALFORMED_XML = 'The XML you provided was not well-formed or did not validate against our published schema';
const PRECONDITION_FAILED = 'At least one of the pre-conditions you specified did not hold';

/**
 * The errors several places throw, each with AWS's wording written once. One-off errors are built where they
 * happen, next to the rule they enforce.
 */
export const s3Errors = {
  malformedXml: (message = MALFORMED_XML) => new S3Error('MalformedXML', message),
  /** `condition` names the header that failed (If-Match, x-amz-copy-source-If-Match, ...), when AWS says it. */
  preconditionFailed: (condition?: string) =>
    new S3Error('PreconditionFailed', PRECONDITION_FAILED, condition ? { Condition: condition } : {}),
  noSuchKey: (key: string) => new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: key }),
  noSuchBucket: (bucket: string) =>
    new S3Error('NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket }),
  notImplemented: (what: string) => new S3Error('NotImplemented', `ROS does not implement this operation (${what}).`),
  invalidContentMd5: () => new S3Error('InvalidDigest', 'The Content-MD5 you specified was invalid.'),
  contentMd5Mismatch: () => new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.'),
  sha256Mismatch: (fields: Record<string, string> = {}) =>
    new S3Error(
      'XAmzContentSHA256Mismatch',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
      fields,
    ),
  checksumMismatch: (alg: ChecksumAlgorithm) =>
    new S3Error('BadDigest', `The ${alg} you specified did not match the calculated checksum.`),
  /** The body ended before the Content-Length (or x-amz-decoded-content-length) it announced, or ran past it. */
  incompleteBody: () =>
    new S3Error(
      'IncompleteBody',
      'You did not provide the number of bytes specified by the Content-Length HTTP header.',
    ),
  malformedTrailer: () =>
    new S3Error(
      'MalformedTrailerError',
      'The request contained trailing data that was not well-formed or did not conform to our published schema.',
    ),
  metadataTooLarge: (size: number, max: number) =>
    new S3Error('MetadataTooLarge', 'Your metadata headers exceed the maximum allowed metadata size.', {
      Size: String(size),
      MaxSizeAllowed: String(max),
    }),
  entityTooLarge: (size: number, max: number) =>
    new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
      ProposedSize: String(size),
      MaxSizeAllowed: String(max),
    }),
  internal: () => new S3Error('InternalError', 'We encountered an internal error. Please try again.'),
};

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
/** What may need escaping: the five specials, characters XML 1.0 cannot carry, and surrogates (paired or not). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find the control characters XML refuses.
const XML_SPECIAL = /[&<>"'\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/;
const XML_ESCAPE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to replace the control characters XML refuses.
  /[&<>"']|[\uD800-\uDBFF][\uDC00-\uDFFF]|[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/g;

/**
 * Text for XML content. A listing escapes thousands of values, most with nothing to escape: test first.
 * A character XML 1.0 cannot carry (not even as a reference) is written as U+FFFD, so that every document parses:
 * keys with one are refused when written (src/service/object-keys.ts), but a request may still echo one (a
 * listing's prefix, an error's key), and objects stored before that rule may hold one — `encoding-type=url`
 * shows those exactly.
 */
export function escapeXml(text: string): string {
  return XML_SPECIAL.test(text)
    ? text.replace(XML_ESCAPE, (c) => XML_ESCAPES[c] ?? (c.length === 2 ? c : '\uFFFD'))
    : text;
}

export function errorResponse(err: S3Error, resource: string, requestId: string, method: string): Response {
  const headers = { 'Content-Type': 'application/xml', 'x-amz-request-id': requestId };
  // HEAD responses carry no body; the status says it all, as with AWS.
  if (method === 'HEAD') return new Response(null, { status: err.status, headers });
  const extra = Object.entries(err.fields)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${err.code}</Code><Message>${escapeXml(err.message)}</Message>` +
    `${extra}<Resource>${escapeXml(resource)}</Resource><RequestId>${requestId}</RequestId></Error>`;
  return new Response(body, { status: err.status, headers });
}
