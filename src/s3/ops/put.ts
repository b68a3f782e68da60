import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from '../../checksums';
import { fromBase64, fromHex } from '../../crypto/encoding';
import { putObjectChecksum } from '../../db/object-records';
import { recordObjectAcl } from '../../service/public-access';
import { recordObjectTags } from '../../service/tagging';
import { checkKeyLength } from '../../service/object-keys';
import { storageKey } from '../../storage/layout';
import { CHECKSUM_META, quotedEtag } from '../../storage/metadata';
import { objectEtag } from '../../storage/object-etag';
import { checksumMeta, deferredChecksumMeta } from '../../storage/stored-checksum';
import { decodeAwsChunked, isAwsChunked, parseTrailerNames } from '../body/aws-chunked';
import { checksumCheck } from '../body/checksum-check';
import { coalesced } from '../../storage/coalesce';
import { checkedBody, digestCheck, md5Digest, type StreamCheck } from '../body/verify';
import type { Handler, RequestAuth, S3Call } from '../call';
import { requestedAcl } from '../acl-request';
import { algorithmOfHeader, headerName } from '../checksum-wire';
import { etagListMatches } from '../conditions';
import { S3Error, s3Errors } from '../errors';
import { metadataFromHeaders } from '../object-headers';
import { requestedTags } from './tagging';

/** S3's largest single PUT. (Workers' own request-body cap, 100–500 MB by plan, is lower: see README.) */
export const MAX_PUT_BYTES = 5 * 1024 ** 3;

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html — streamed to R2, verified on the way. */
export const putObject: Handler<'PutObject'> = async (call) => {
  const { request, site, op } = call;
  checkKeyLength(op.bucket, op.key);
  refuseUnsupportedHeaders(request.headers);
  const acl = requestedAcl(request.headers, call.bucket);
  const tags = requestedTags(request.headers, call);
  const length = contentLength(call);
  const metadata = metadataFromHeaders(request.headers);
  const target = storageKey(op.bucket, op.key);
  const onlyIf = await writeConditions(call, target);
  const received = await receiveBody(requestUpload(call), length, (body, checksum) =>
    site.bucket.put(target, body, {
      httpMetadata: metadata.httpMetadata,
      customMetadata: { ...metadata.customMetadata, ...checksum },
      ...(onlyIf && { onlyIf }),
    }),
  );
  // A trailer's value came after the object's metadata was fixed: it is kept in D1, tied to this version.
  if (received.checksum?.fromTrailer) {
    const { algorithm, value } = received.checksum;
    await putObjectChecksum(call.s.db, site.id, target, received.object.version, checksumMeta(algorithm, value));
  }
  await recordObjectAcl(call.s, site, received.object, acl);
  await recordObjectTags(call.s, site, op.bucket, received.object, tags);
  return new Response(null, {
    status: 200,
    headers: { ETag: quotedEtag(received.object), ...checksumHeaders(received) },
  });
};

/** What a received body was checked against: the flexible checksum the client sent (or ROS computed). */
export interface Received<T = R2Object> {
  /** What `write` stored: an R2 object, or (a multipart part) where the part's bytes went. */
  object: T;
  checksum: { algorithm: ChecksumAlgorithm; value: string; fromTrailer: boolean } | null;
}

/**
 * What receiveBody stores: a request's own body with its headers and signature (`requestUpload`), or the file of
 * a POST form, whose fields stand for the headers (./post.ts).
 */
export interface Upload {
  headers: Headers;
  body: ReadableStream<Uint8Array> | null;
  /** How the request was signed (a payload hash to check, aws-chunked framing); null for a form's file. */
  auth: RequestAuth | null;
  /**
   * For a body whose length the runtime does not vouch for (unlike a request's, bound by its Content-Length): the
   * error when it turns out not to be `length` bytes.
   */
  lengthError?: () => S3Error;
  /** The error that ended the body itself, if one did. */
  failure?: () => S3Error | null;
}

export const requestUpload = ({ request, auth }: S3Call): Upload => ({
  headers: request.headers,
  body: request.body,
  auth,
});

/**
 * Streams the body into `write` with every check the request asks for — aws-chunked decoding (chunk and trailer
 * signatures), Content-MD5, the signed SHA-256, an x-amz-checksum-* header or trailer. A failed check means
 * nothing was stored, and its own S3 error is thrown. A write refused by its precondition (null) → 412.
 * `write` gets the `ros:checksum` metadata to store: the value of a header checksum (known before the first
 * byte), or only the algorithm of a trailer one (its value is known at the end, and returned).
 * `algorithm` (a multipart upload's) is the checksum the body must carry: another one is refused, and when the
 * client sent none it is computed here, as S3 does for the parts of an upload created with an algorithm.
 * `md5`: also digest the (decoded) bytes in the same pass and hand `write` a getter for the MD5, valid once `write`'s
 * consumer has read the whole stream; the stream is then always one of known length (checkedBody's).
 */
export async function receiveBody<T = R2Object>(
  upload: Upload,
  length: number,
  write: (
    body: ReadableStream<Uint8Array> | null,
    checksumMetadata: Record<string, string>,
    md5?: () => Promise<Uint8Array>,
  ) => Promise<T | null>,
  algorithm: ChecksumAlgorithm | null = null,
  { md5 = false }: { md5?: boolean } = {},
): Promise<Received<T>> {
  const { headers, auth } = upload;
  const checks = payloadChecks(upload);
  // With a Content-MD5, the body is checked against it (payloadChecks), so a body R2 took whole has that MD5: no
  // second digest.
  const contentMd5 = headers.get('Content-MD5');
  const digest = md5 && contentMd5 === null ? md5Digest() : null;
  if (digest) checks.push(digest);
  const md5Of = !md5 ? undefined : digest ? () => digest.digest() : async () => fromBase64(contentMd5!.trim())!;
  const chunked = auth !== null && isAwsChunked(auth.payload);
  const computes = algorithm !== null || CHECKSUM_ALGORITHMS.some((alg) => headers.has(headerName(alg)));
  // A body ROS examines is read in large pieces (the aws-chunked decoder reads its own; src/storage/coalesce.ts for
  // the rest); one it does not goes to R2 untouched.
  const bodyLength = declaredBodyLength(headers);
  let source = !chunked && (checks.length > 0 || computes) ? coalesced(upload.body, bodyLength) : upload.body;
  let decoded: ReturnType<typeof decodeAwsChunked> | null = null;
  if (auth && isAwsChunked(auth.payload)) {
    decoded = decodeAwsChunked(source, {
      payload: auth.payload,
      decodedLength: length,
      trailer: headers.get('x-amz-trailer'),
      auth: auth.kind === 'header' || auth.kind === 'presigned' ? auth : undefined,
      bodyLength,
    });
    source = decoded.stream;
    checks.unshift(decoded.check);
  }
  const flexible =
    flexibleChecksum(headers, decoded) ??
    (algorithm && { check: checksumCheck(algorithm, null), fromHeader: null, source: 'computed' as const });
  if (flexible && algorithm && flexible.check.algorithm !== algorithm) {
    throw new S3Error(
      'InvalidRequest',
      `Checksum Type mismatch occurred, expected checksum Type: ${algorithm.toLowerCase()}, actual checksum Type: ${flexible.check.algorithm.toLowerCase()}`,
    );
  }
  if (flexible) checks.push(flexible.check);
  const stored: Record<string, string> = !flexible
    ? {}
    : {
        [CHECKSUM_META]: flexible.fromHeader
          ? checksumMeta(flexible.check.algorithm, flexible.fromHeader)
          : deferredChecksumMeta(flexible.check.algorithm),
      };
  const body = checkedBody(source, length, checks, upload.lengthError, decoded?.recycle);
  let object: T | null;
  try {
    object = await write(body.stream, stored, md5Of);
  } catch (err) {
    // A failure inside the decoder (or the form's parser) errors its stream; the S3 error class does not survive
    // the pipe, so ask it.
    throw decoded?.failure() ?? upload.failure?.() ?? body.failure() ?? err;
  }
  if (!object) throw preconditionFailed();
  const value = flexible?.check.resultBase64();
  return {
    object,
    checksum:
      flexible && value
        ? { algorithm: flexible.check.algorithm, value, fromTrailer: flexible.source === 'trailer' }
        : null,
  };
}

/** The request body's Content-Length (framing included), when it states one: the size to read it in at most. */
export function declaredBodyLength(headers: Headers): number | null {
  const value = headers.get('Content-Length');
  const n = value === null ? Number.NaN : Number(value);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/**
 * The one flexible checksum a request may carry: an x-amz-checksum-<alg> header, or a trailer of that name
 * announced in x-amz-trailer. https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
 */
function flexibleChecksum(headers: Headers, decoded: ReturnType<typeof decodeAwsChunked> | null) {
  for (const alg of CHECKSUM_ALGORITHMS) {
    const value = headers.get(headerName(alg));
    if (value !== null)
      return { check: checksumCheck(alg, value), fromHeader: value.trim() as string | null, source: 'header' as const };
  }
  for (const name of parseTrailerNames(headers.get('x-amz-trailer'))) {
    const alg = algorithmOfHeader(name);
    if (alg && decoded) {
      return {
        check: checksumCheck(alg, () => decoded.trailers().get(name.toLowerCase())),
        fromHeader: null,
        source: 'trailer' as const,
      };
    }
  }
  return null;
}

/** The checksum response header S3 sends back for a checked body. */
export function checksumHeaders(received: Received<unknown>): Record<string, string> {
  return received.checksum ? { [headerName(received.checksum.algorithm)]: received.checksum.value } : {};
}

const preconditionFailed = () => s3Errors.preconditionFailed();

/**
 * Conditional writes (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html):
 * `If-None-Match: *` creates only if the key is free; `If-Match: <etag>` overwrites only that version (404 when
 * there is none). Returned as an R2 precondition, so the check and the write are one atomic step in R2: of two
 * racing creates, exactly one wins.
 */
export async function writeConditions(call: S3Call, r2key: string): Promise<R2Conditional | null> {
  const ifNoneMatch = call.request.headers.get('If-None-Match');
  const ifMatch = call.request.headers.get('If-Match');
  if (ifNoneMatch !== null && ifNoneMatch.trim() !== '*') {
    throw new S3Error('NotImplemented', 'If-None-Match on a write accepts only "*".');
  }
  if (ifMatch === null) return ifNoneMatch !== null ? { etagDoesNotMatch: '*' } : null;
  // S3 compares its own ETag (for multipart objects not R2's): look the version up, then pin the write to it.
  const current = await call.site.bucket.head(r2key);
  if (!current) throw s3Errors.noSuchKey(r2key.slice(r2key.indexOf('/') + 1));
  if (!etagListMatches(ifMatch, await objectEtag(call.s.db, call.site.id, r2key, current))) throw preconditionFailed();
  return { etagMatches: current.etag };
}

/**
 * The object's length: x-amz-decoded-content-length for an aws-chunked body (Content-Length counts its framing
 * too), Content-Length otherwise. S3 takes no body of unknown length (HTTP chunked coding without aws-chunked).
 */
export function contentLength({ request, auth }: S3Call, max = MAX_PUT_BYTES): number {
  const header = isAwsChunked(auth.payload)
    ? request.headers.get('x-amz-decoded-content-length')
    : request.headers.get('Content-Length');
  if (header === null) {
    if (!request.body) return 0;
    throw new S3Error('MissingContentLength', 'You must provide the Content-Length HTTP header.');
  }
  const length = Number(header);
  if (!Number.isSafeInteger(length) || length < 0) throw new S3Error('InvalidArgument', 'Invalid Content-Length.');
  if (length > max) throw s3Errors.entityTooLarge(length, max);
  return length;
}

/** Encryption ROS cannot honour is refused rather than ignored (R2 always encrypts at rest, so AES256 is fine). */
export function refuseUnsupportedHeaders(headers: Headers): void {
  const sse = headers.get('x-amz-server-side-encryption');
  if ((sse && sse !== 'AES256') || headers.has('x-amz-server-side-encryption-customer-algorithm')) {
    throw new S3Error('NotImplemented', 'ROS does not implement this kind of server-side encryption.');
  }
}

/** The checks of the bytes as they arrive: Content-MD5, and the signed x-amz-content-sha256. */
export function payloadChecks({ headers, auth }: Upload): StreamCheck[] {
  const checks: StreamCheck[] = [];
  const md5 = headers.get('Content-MD5');
  if (md5 !== null) {
    const expected = fromBase64(md5.trim());
    if (expected?.length !== 16) throw s3Errors.invalidContentMd5();
    checks.push(digestCheck('MD5', expected, s3Errors.contentMd5Mismatch));
  }
  if (auth?.payload === 'signed') {
    checks.push(
      digestCheck(
        'SHA-256',
        fromHex(auth.payloadHash),
        () =>
          new S3Error(
            'XAmzContentSHA256Mismatch',
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
            {
              ClientComputedContentSHA256: auth.payloadHash,
            },
          ),
      ),
    );
  }
  return checks;
}
