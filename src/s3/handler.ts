import type { Site } from '../sites';
import type { Services } from '../service/context';
import { S3Error, errorResponse } from './errors';

/**
 * The S3 pipeline of one site: classify → authenticate → authorize → handler → storage.
 * `bucket` is set when the request came virtual-host style (`<bucket>.<site host>`).
 */
export async function handleS3(request: Request, _s: Services, _site: Site, _bucket: string | null): Promise<Response> {
  const url = new URL(request.url);
  const requestId = newRequestId();
  const err = new S3Error('NotImplemented', 'A header you provided implies functionality that is not implemented');
  return errorResponse(err, url.pathname, requestId, request.method);
}

/** 16 upper-case hex characters, like AWS's x-amz-request-id. */
export function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();
}
