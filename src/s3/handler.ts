import { toHex } from '../crypto/encoding';
import type { BucketRow } from '../db/buckets';
import type { Services } from '../service/context';
import { ServiceError } from '../service/errors';
import type { Site } from '../sites';
import { address } from './addressing';
import { authenticate } from './auth/authenticate';
import { authorize } from './authorize';
import type { S3Call } from './call';
import { classify } from './classify';
import { addCorsHeaders, preflight } from './cors';
import { S3Error, errorResponse, s3Errors } from './errors';
import { handlers } from './ops';
import { s3ErrorOf } from './service-errors';

/**
 * The S3 pipeline of one site: address → classify → authenticate → authorize → the operation's handler (POST
 * Object's handler authenticates and authorizes its form itself), then the bucket's CORS headers (./cors.ts). A
 * CORS preflight (OPTIONS) is answered after address, without authentication.
 * Every failure is rendered once here as AWS's XML <Error>: S3Errors as thrown, the service layer's refusals
 * translated (./service-errors.ts), anything else as InternalError.
 * `hostBucket` is set when the request came virtual-host style (`<bucket>.<site host>`).
 */
export async function handleS3(
  request: Request,
  s: Services,
  site: Site,
  hostBucket: string | null,
  waitUntil: (p: Promise<unknown>) => void,
): Promise<Response> {
  const requestId = newRequestId();
  let resource = '/';
  let bucketName: string | null = null;
  /** The bucket's row once authentication has read it (null: no such bucket). */
  let bucket: BucketRow | null | undefined;
  let response: Response;
  try {
    const target = address(request.url, hostBucket);
    bucketName = target.bucket;
    resource = target.bucket === null ? '/' : `/${target.bucket}${target.key === null ? '' : `/${target.key}`}`;
    if (request.method === 'OPTIONS') {
      response = await preflight(request, s, site, target);
    } else {
      const op = classify(request.method, target, request.headers);
      const authenticated = await authenticate(request, s, site, target.bucket, waitUntil, hostBucket);
      const { key, auth } = authenticated;
      bucket = authenticated.bucket;
      // A browser form (POST Object) is signed by fields of its body, not by the request: its handler reads them,
      // then authorizes the form's key (or, for an unsigned form, the ACLs) with this same rule.
      const { readableVersion } =
        op.name === 'PostObject' ? {} : await authorize(s, site, op, key, bucket, target.query);
      if (op.name === 'Unsupported') throw s3Errors.notImplemented(op.what);
      const call: S3Call = {
        request,
        op,
        query: target.query,
        site,
        s,
        key,
        bucket,
        auth,
        requestId,
        waitUntil,
        readableVersion,
      };
      response = await (handlers[op.name] as (c: S3Call) => Promise<Response>)(call);
    }
  } catch (err) {
    response = errorResponse(toS3Error(err, `${request.method} ${resource}`), resource, requestId, request.method);
  }
  // A preflight's answer has its headers already; every other answer, an error too, gets the matching rule's. Without
  // an Origin there is nothing to add: checked here so the common request skips the call and its await.
  if (request.method !== 'OPTIONS' && request.headers.has('Origin')) {
    await addCorsHeaders(request, response, s, site, bucketName, bucket).catch((err) =>
      console.error('CORS headers failed', err),
    );
  }
  response.headers.set('x-amz-request-id', requestId);
  return response;
}

function toS3Error(err: unknown, what: string): S3Error {
  if (err instanceof S3Error) return err;
  if (err instanceof ServiceError) return s3ErrorOf(err);
  console.error(`S3 ${what} failed`, err);
  return s3Errors.internal();
}

/** 16 upper-case hex characters, like AWS's x-amz-request-id. */
export const newRequestId = () => toHex(crypto.getRandomValues(new Uint8Array(8))).toUpperCase();
