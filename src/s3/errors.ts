/**
 * The one S3 error type. Handlers throw it; the pipeline renders it once, as AWS does:
 * https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
 */
const STATUS: Record<string, number> = {
  AccessDenied: 403,
  AuthorizationHeaderMalformed: 400,
  AuthorizationQueryParametersError: 400,
  BadDigest: 400,
  BucketAlreadyExists: 409,
  BucketAlreadyOwnedByYou: 409,
  BucketNotEmpty: 409,
  EntityTooLarge: 400,
  EntityTooSmall: 400,
  IncompleteBody: 400,
  InternalError: 500,
  InvalidAccessKeyId: 403,
  InvalidArgument: 400,
  InvalidBucketName: 400,
  InvalidDigest: 400,
  InvalidPart: 400,
  InvalidPartOrder: 400,
  InvalidRange: 416,
  InvalidRequest: 400,
  InvalidURI: 400,
  KeyTooLongError: 400,
  MalformedXML: 400,
  MetadataTooLarge: 400,
  MethodNotAllowed: 405,
  MissingContentLength: 411,
  NoSuchBucket: 404,
  NoSuchKey: 404,
  NoSuchUpload: 404,
  NotImplemented: 501,
  PreconditionFailed: 412,
  ConditionalRequestConflict: 409,
  RequestTimeTooSkewed: 403,
  SignatureDoesNotMatch: 403,
  XAmzContentSHA256Mismatch: 400,
};

export class S3Error extends Error {
  readonly status: number;

  constructor(
    readonly code: string,
    message: string,
    /** Extra elements AWS includes in the <Error> body (BucketName, Key, StringToSign, ...). */
    readonly fields: Record<string, string> = {},
    status?: number,
  ) {
    super(message);
    this.status = status ?? STATUS[code] ?? 400;
  }
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const XML_SPECIAL = /[&<>"']/;

/** Text for XML content. A listing escapes thousands of values, most with nothing to escape: test first. */
export function escapeXml(text: string): string {
  return XML_SPECIAL.test(text) ? text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]) : text;
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
