import type { Services } from '../service/context';
import type { Site } from '../sites';
import { address } from './addressing';
import { authenticate } from './auth/authenticate';
import { authorize } from './authorize';
import type { S3Call } from './call';
import { classify } from './classify';
import { S3Error, errorResponse } from './errors';
import { handlers } from './ops';

/**
 * The S3 pipeline of one site: address → classify → authenticate → authorize → the operation's handler.
 * Every failure is an S3Error, rendered once here as AWS's XML <Error>.
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
  let response: Response;
  try {
    const target = address(request.url, hostBucket);
    resource = target.bucket === null ? '/' : `/${target.bucket}${target.key === null ? '' : `/${target.key}`}`;
    const op = classify(request.method, target, request.headers);
    const { key, bucket, auth } = await authenticate(request, s, site, target.bucket, waitUntil);
    authorize(op, key, bucket);
    if (op.name === 'Unsupported') {
      throw new S3Error('NotImplemented', `ROS does not implement this operation (${op.what}).`);
    }
    const call: S3Call = { request, op, query: target.query, site, s, key, bucket, auth, requestId, waitUntil };
    response = await (handlers[op.name] as (c: S3Call) => Promise<Response>)(call);
  } catch (err) {
    if (!(err instanceof S3Error)) console.error(`S3 ${request.method} ${resource} failed`, err);
    const s3err =
      err instanceof S3Error
        ? err
        : new S3Error('InternalError', 'We encountered an internal error. Please try again.');
    response = errorResponse(s3err, resource, requestId, request.method);
  }
  response.headers.set('x-amz-request-id', requestId);
  return response;
}

/** 16 upper-case hex characters, like AWS's x-amz-request-id. */
export function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase();
}
