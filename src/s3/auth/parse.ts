/**
 * Parsing and syntax checks of the two SigV4 forms S3 accepts: the Authorization header and the
 * presigned-URL query parameters. Synchronous and cheap, so the caller learns the access key id
 * (to look up its secret) before any crypto runs. Error codes and messages are AWS's own:
 * - https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-auth-using-authorization-header.html
 * - https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
 */

import {
  ALGORITHM,
  type CanonicalRequestParts,
  credentialScope,
  formatAmzDate,
  parseAmzDate,
  parseHttpDate,
  parseQuery,
  TERMINATOR,
  UNSIGNED_PAYLOAD,
} from './canonical';
import { SigV4Error } from './errors';

export const SERVICE = 's3';
/** Longest lifetime of a presigned URL (7 days), in seconds. */
export const MAX_PRESIGN_EXPIRES = 604800;

/** What parseAuth needs of a request; a fetch `Request` fits. */
export interface RequestLike {
  method: string;
  url: string;
  headers: Iterable<readonly [string, string]>;
  /** Cloudflare's request properties; only `clientAcceptEncoding` matters here. */
  cf?: unknown;
}

/** How the body is (or is not) covered by the signature, from the payload hash. */
export type PayloadKind =
  | 'signed' // hex SHA-256 of the body: the handler must check the body against it
  | 'unsigned' // UNSIGNED-PAYLOAD
  | 'streaming-signed' // STREAMING-AWS4-HMAC-SHA256-PAYLOAD: aws-chunked, each chunk signed
  | 'streaming-signed-trailer' // STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER
  | 'streaming-unsigned-trailer'; // STREAMING-UNSIGNED-PAYLOAD-TRAILER

/** What both signed forms tell us once parsed; nothing here has been verified yet. */
export interface SignedAuthBase {
  accessKeyId: string;
  /** Credential scope date, `yyyymmdd`; always the date part of `amzDate`. */
  date: string;
  /** Region from the credential scope. Any value is accepted: the store has no regions. */
  region: string;
  /** `date/region/s3/aws4_request`. */
  scope: string;
  /** Request timestamp as used in the string to sign, `yyyyMMdd'T'HHmmss'Z'`. */
  amzDate: string;
  /** `amzDate` in epoch milliseconds. */
  requestTime: number;
  signedHeaders: string[];
  /** The signature the client sent (hex). */
  signature: string;
  /** Last line of the canonical request, used literally. */
  payloadHash: string;
  payload: PayloadKind;
  /** The request as received, for building the canonical request. */
  request: Omit<CanonicalRequestParts, 'signedHeaders' | 'payloadHash'>;
}

export interface HeaderAuth extends SignedAuthBase {
  kind: 'header';
  /** The x-amz-date (or Date) header as sent, echoed in RequestTimeTooSkewed. */
  requestTimeText: string;
}

export interface PresignedAuth extends SignedAuthBase {
  kind: 'presigned';
  /** X-Amz-Expires, 0..604800 seconds (0: expired from the start, as on AWS). */
  expiresSeconds: number;
}

export interface AnonymousAuth {
  kind: 'anonymous';
}

/**
 * A request signed with Signature Version 2 (`Authorization: AWS …` or the AWSAccessKeyId/Signature/Expires query):
 * only recognised here; ./sigv2.ts parses and verifies it.
 */
export interface SigV2Attempt {
  kind: 'sigv2';
  via: 'header' | 'query';
  /** Header names in lower case; Accept-Encoding is the client's, as for SigV4. */
  request: { method: string; rawPath: string; rawQuery: string; headers: Array<[string, string]> };
}

export type SignedAuth = HeaderAuth | PresignedAuth;
export type AuthAttempt = AnonymousAuth | SignedAuth | SigV2Attempt;

const CONTENT_SHA256 = 'x-amz-content-sha256';

const PAYLOAD_KINDS: Record<string, PayloadKind> = {
  [UNSIGNED_PAYLOAD]: 'unsigned',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD': 'streaming-signed',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER': 'streaming-signed-trailer',
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER': 'streaming-unsigned-trailer',
};

/** Classifies an x-amz-content-sha256 value; throws the InvalidArgument AWS sends for bad values. */
export function payloadKind(value: string): PayloadKind {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return 'signed';
  const kind = PAYLOAD_KINDS[value];
  if (kind) return kind;
  if (value.startsWith('STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD')) {
    throw new SigV4Error('NotImplemented', 'SigV4a (ECDSA) signed payloads are not supported.');
  }
  throw new SigV4Error(
    'InvalidArgument',
    'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, ' +
      'STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, ' +
      'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER ' +
      'or a valid sha256 value.',
    { ArgumentName: CONTENT_SHA256, ArgumentValue: value },
  );
}

/**
 * Splits a URL string by hand rather than with `new URL()`: the WHATWG parser resolves `.`/`..`
 * segments, which S3 signs verbatim. Returns the authority (host[:port]), raw path and raw query.
 */
export function splitRawUrl(url: string): { authority: string; path: string; query: string } {
  const schemeEnd = url.indexOf('://');
  let rest = schemeEnd >= 0 ? url.slice(schemeEnd + 3) : url;
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const query = q >= 0 ? rest.slice(q + 1) : '';
  const beforeQuery = q >= 0 ? rest.slice(0, q) : rest;
  if (schemeEnd < 0) return { authority: '', path: beforeQuery, query };
  const slash = beforeQuery.indexOf('/');
  return {
    authority: slash >= 0 ? beforeQuery.slice(0, slash) : beforeQuery,
    path: slash >= 0 ? beforeQuery.slice(slash) : '/',
    query,
  };
}

const HEADER_PREFIX = 'The authorization header is malformed; ';
const QUERY_PREFIX = 'Error parsing the X-Amz-Credential parameter; ';

interface Flavor {
  code: 'AuthorizationHeaderMalformed' | 'AuthorizationQueryParametersError';
  prefix: string;
}
const HEADER: Flavor = { code: 'AuthorizationHeaderMalformed', prefix: HEADER_PREFIX };
const QUERY: Flavor = { code: 'AuthorizationQueryParametersError', prefix: QUERY_PREFIX };

/** `AKID/yyyymmdd/region/s3/aws4_request`; any region, service must be s3. */
function parseCredential(value: string, flavor: Flavor) {
  const parts = value.split('/');
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  if (parts.length !== 5 || parts.some((p) => p === '') || !/^\d{8}$/.test(date)) {
    throw new SigV4Error(
      flavor.code,
      `${flavor.prefix}the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`,
    );
  }
  if (service !== SERVICE) {
    throw new SigV4Error(
      flavor.code,
      `${flavor.prefix}incorrect service "${service}". This endpoint belongs to "${SERVICE}".`,
    );
  }
  if (terminator !== TERMINATOR) {
    throw new SigV4Error(
      flavor.code,
      `${flavor.prefix}incorrect terminal "${terminator}". This endpoint uses "${TERMINATOR}".`,
    );
  }
  return { accessKeyId, date, region };
}

/** A POST form's x-amz-credential, checked (and its errors worded) as a presigned URL's X-Amz-Credential. */
export const parseFormCredential = (value: string) => parseCredential(value, QUERY);

function parseSignedHeaders(value: string, flavor: Flavor): string[] {
  const names = value.split(';').map((n) => n.trim().toLowerCase());
  if (names.some((n) => n === '')) {
    throw new SigV4Error(flavor.code, `${flavor.prefix}the SignedHeaders list is malformed.`);
  }
  return names;
}

/**
 * Host must be signed (it binds the signature to this site) and so must every x-amz-* header
 * present, as AWS enforces; x-amz-content-sha256 is exempt (AWS tolerates it unsigned, and its
 * value is the canonical request's last line anyway).
 */
function requireSignedHeaders(headers: Array<[string, string]>, signed: string[]): void {
  const signedSet = new Set(signed);
  const missing = new Set<string>();
  if (!signedSet.has('host')) missing.add('host');
  for (const [name] of headers) {
    if (name.startsWith('x-amz-') && name !== CONTENT_SHA256 && !signedSet.has(name)) missing.add(name);
  }
  if (missing.size > 0) {
    throw new SigV4Error('AccessDenied', 'There were headers present in the request which were not signed', {
      HeadersNotSigned: [...missing].join(', '),
    });
  }
}

/** Classifies the request's authentication (header, presigned or anonymous) and checks its syntax. */
export function parseAuth(request: RequestLike): AuthAttempt {
  const { authority, path, query } = splitRawUrl(request.url);
  const headers: Array<[string, string]> = [];
  for (const [name, value] of request.headers) headers.push([name.toLowerCase(), value]);
  // Cloudflare (and wrangler dev) replace the client's Accept-Encoding with their own (`br, gzip`) and keep the
  // client's in `cf.clientAcceptEncoding`. The signature covers the client's: rclone (aws-sdk-go v1) signs its
  // `Accept-Encoding: gzip` on every GetObject, which failed with SignatureDoesNotMatch before this.
  const clientAcceptEncoding = (request.cf as { clientAcceptEncoding?: unknown } | null | undefined)
    ?.clientAcceptEncoding;
  if (typeof clientAcceptEncoding === 'string' && clientAcceptEncoding !== '') {
    for (const h of headers) if (h[0] === 'accept-encoding') h[1] = clientAcceptEncoding;
  }
  // A fetch Request built in a test (or by aws4fetch) may carry no Host header: fall back to the URL.
  if (authority && !headers.some(([n]) => n === 'host')) headers.push(['host', authority]);
  const header = (name: string) => headers.find(([n]) => n === name)?.[1] ?? null;
  const params = parseQuery(query);
  const param = (name: string) => params.find(([n]) => n === name)?.[1];

  const authorization = header('authorization');
  const presigned = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature'].some((n) => param(n) !== undefined);
  const v2Presigned = !presigned && (param('AWSAccessKeyId') !== undefined || param('Signature') !== undefined);
  if (authorization !== null && (presigned || v2Presigned)) {
    throw new SigV4Error(
      'InvalidArgument',
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string ' +
        'parameter or the Authorization header should be specified',
      { ArgumentName: 'Authorization', ArgumentValue: authorization },
    );
  }
  const base = { request: { method: request.method, rawPath: path, rawQuery: query, headers } };
  if (authorization !== null) {
    if (/^AWS( |$)/.test(authorization.trim())) return { kind: 'sigv2', via: 'header', ...base };
    return parseHeaderAuth(authorization, header, headers, base);
  }
  if (presigned) return parsePresigned(params, header, headers, base);
  if (v2Presigned) return { kind: 'sigv2', via: 'query', ...base };
  return { kind: 'anonymous' };
}

type Lookup = (name: string) => string | null;
type Base = Pick<SignedAuthBase, 'request'>;

function parseHeaderAuth(
  authorization: string,
  header: Lookup,
  headers: Array<[string, string]>,
  base: Base,
): HeaderAuth {
  const value = authorization.trim();
  const space = value.indexOf(' ');
  const scheme = space < 0 ? value : value.slice(0, space);
  if (scheme !== ALGORITHM) {
    throw new SigV4Error('InvalidArgument', 'Unsupported Authorization Type', {
      ArgumentName: 'Authorization',
      ArgumentValue: authorization,
    });
  }
  const fields = new Map<string, string>();
  for (const part of (space < 0 ? '' : value.slice(space + 1)).split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, Math.max(eq, 0)).trim();
    if (eq > 0 && !fields.has(key)) fields.set(key, part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeadersText = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signedHeadersText || !signature) {
    throw new SigV4Error(
      'AuthorizationHeaderMalformed',
      `${HEADER_PREFIX}the authorization header requires three components: Credential, SignedHeaders, and Signature.`,
    );
  }
  const scope = parseCredential(credential, HEADER);
  const signedHeaders = parseSignedHeaders(signedHeadersText, HEADER);

  // x-amz-date wins; the Date header is the documented fallback.
  const xAmzDate = header('x-amz-date');
  const requestTimeText = (xAmzDate ?? header('date') ?? '').trim();
  const requestTime = xAmzDate !== null ? parseAmzDate(requestTimeText) : parseHttpDate(requestTimeText);
  if (requestTime === null) {
    throw new SigV4Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  }
  const amzDate = xAmzDate !== null ? requestTimeText : formatAmzDate(requestTime);
  if (scope.date !== amzDate.slice(0, 8)) {
    throw new SigV4Error(
      'AuthorizationHeaderMalformed',
      `${HEADER_PREFIX}Invalid credential date. Date is not the same as X-Amz-Date.`,
    );
  }

  const payloadHash = header(CONTENT_SHA256);
  if (payloadHash === null) {
    throw new SigV4Error('InvalidRequest', `Missing required header for this request: ${CONTENT_SHA256}`);
  }
  const payload = payloadKind(payloadHash);
  requireSignedHeaders(headers, signedHeaders);
  return {
    kind: 'header',
    ...scope,
    scope: credentialScope(scope.date, scope.region, SERVICE),
    amzDate,
    requestTime,
    requestTimeText,
    signedHeaders,
    signature,
    payloadHash,
    payload,
    ...base,
  };
}

function parsePresigned(
  params: Array<[string, string]>,
  header: Lookup,
  headers: Array<[string, string]>,
  base: Base,
): PresignedAuth {
  const param = (name: string) => params.find(([n]) => n === name)?.[1];
  const algorithm = param('X-Amz-Algorithm');
  const credential = param('X-Amz-Credential');
  const amzDate = param('X-Amz-Date');
  const expires = param('X-Amz-Expires');
  const signedHeadersText = param('X-Amz-SignedHeaders');
  const signature = param('X-Amz-Signature');
  const fail = (message: string) => new SigV4Error('AuthorizationQueryParametersError', message);
  if (!algorithm || !credential || !amzDate || !expires || !signedHeadersText || !signature) {
    throw fail(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, ' +
        'X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }
  if (algorithm !== ALGORITHM) throw fail(`X-Amz-Algorithm only supports "${ALGORITHM}"`);
  const scope = parseCredential(credential, QUERY);
  const requestTime = parseAmzDate(amzDate);
  if (requestTime === null) throw fail(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`);
  if (scope.date !== amzDate.slice(0, 8)) throw fail('Invalid credential date. Date is not the same as X-Amz-Date.');
  if (/^-\d+$/.test(expires)) throw fail('X-Amz-Expires must be non-negative');
  if (!/^\d+$/.test(expires)) throw fail('X-Amz-Expires should be a number');
  const expiresSeconds = Number(expires);
  if (expiresSeconds > MAX_PRESIGN_EXPIRES) {
    throw fail(
      'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds',
    );
  }
  const signedHeaders = parseSignedHeaders(signedHeadersText, QUERY);

  // S3 presigned URLs sign UNSIGNED-PAYLOAD, unless the signer put a hash in the query (the AWS
  // SDK hoists x-amz-content-sha256 there, in lower case) or signed an x-amz-content-sha256 header.
  const queryHash = params.find(([n]) => n.toLowerCase() === CONTENT_SHA256)?.[1];
  const signedHeaderHash = signedHeaders.includes(CONTENT_SHA256) ? header(CONTENT_SHA256) : null;
  const payloadHash = queryHash ?? signedHeaderHash ?? UNSIGNED_PAYLOAD;
  const payload = payloadKind(payloadHash);
  requireSignedHeaders(headers, signedHeaders);
  return {
    kind: 'presigned',
    ...scope,
    scope: credentialScope(scope.date, scope.region, SERVICE),
    amzDate,
    requestTime,
    expiresSeconds,
    signedHeaders,
    signature,
    payloadHash,
    payload,
    ...base,
  };
}
