import type { BucketRow } from '../db/buckets';
import { loadBucket } from '../service/bucket-cache';
import type { Services } from '../service/context';
import type { Site } from '../sites';
import { corsRules, matchCorsRule, requestedHeaders, type CorsMatch } from '../storage/cors';
import type { Target } from './addressing';
import { S3Error } from './errors';

/**
 * CORS as S3 answers it, from the bucket's rules (src/storage/cors.ts): the preflight (OPTIONS, answered before
 * and without authentication, as a browser sends it without credentials), and the headers of every other answer
 * to a request with an Origin. https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html
 */
const VARY = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';

// S3's words, typo included ("evalution").
const NOT_ALLOWED =
  "This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.";

/**
 * The headers S3 sends for the matched rule. `allowHeaders`: the requested header names a preflight allows
 * (S3 answers them lower case, in the order asked), none on an actual request.
 */
function setCorsHeaders(headers: Headers, { rule, allowOrigin }: CorsMatch, allowHeaders: string[]) {
  headers.set('Access-Control-Allow-Origin', allowOrigin);
  headers.set('Access-Control-Allow-Methods', rule.allowedMethods.join(', '));
  if (allowHeaders.length) headers.set('Access-Control-Allow-Headers', allowHeaders.join(', '));
  if (rule.exposeHeaders.length) headers.set('Access-Control-Expose-Headers', rule.exposeHeaders.join(', '));
  if (rule.maxAgeSeconds !== undefined) headers.set('Access-Control-Max-Age', String(rule.maxAgeSeconds));
  // A wildcard origin cannot be sent with credentials (Fetch standard), so S3 leaves the header out then.
  if (allowOrigin !== '*') headers.set('Access-Control-Allow-Credentials', 'true');
  headers.set('Vary', VARY);
}

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/RESTOPTIONSobject.html — OPTIONS on a bucket or an object.
 * S3's checks, in S3's order: an Origin (400), the bucket (403 "Bucket not found", not NoSuchBucket), its CORS
 * configuration (403), Access-Control-Request-Method (400), then the first matching rule (403 when none).
 */
export async function preflight(request: Request, s: Services, site: Site, target: Target): Promise<Response> {
  const origin = request.headers.get('Origin');
  if (!origin) throw new S3Error('BadRequest', 'Insufficient information. Origin request header needed.');
  const method = request.headers.get('Access-Control-Request-Method');
  const refused = (message: string, resourceType: 'BUCKET' | 'OBJECT') =>
    new S3Error('AccessForbidden', `CORSResponse: ${message}`, {
      Method: method ?? 'OPTIONS',
      ResourceType: resourceType,
    });
  const bucket = target.bucket === null ? null : await loadBucket(s.db, site.id, target.bucket, s.now());
  if (!bucket) throw refused('Bucket not found', 'BUCKET');
  const rules = corsRules(bucket.cors);
  if (!rules) throw refused('CORS is not enabled for this bucket.', 'BUCKET');
  if (method === null) throw new S3Error('BadRequest', 'Invalid Access-Control-Request-Method: null');
  const headers = requestedHeaders(request.headers.get('Access-Control-Request-Headers'));
  const match = matchCorsRule(rules, { origin, method, headers });
  if (!match) throw refused(NOT_ALLOWED, target.key === null ? 'BUCKET' : 'OBJECT');
  const response = new Response(null, { status: 200 });
  setCorsHeaders(response.headers, match, headers);
  return response;
}

/**
 * An actual request from an origin a rule admits gets the rule's headers, whatever the answer (an error too: a
 * browser shows a script the error only then). Without an Origin, nothing is looked up. `bucket` is the row the
 * request already read (null: none such), undefined when it failed before reading it: then it is looked up in
 * the cache (or D1). As on S3, an Access-Control-Request-Method or -Headers sent along is matched instead of the
 * request's own method, and the request's real headers are not checked.
 */
export async function addCorsHeaders(
  request: Request,
  response: Response,
  s: Services,
  site: Site,
  bucketName: string | null,
  bucket: BucketRow | null | undefined,
): Promise<void> {
  const origin = request.headers.get('Origin');
  if (!origin || bucketName === null) return;
  const row = bucket === undefined ? await loadBucket(s.db, site.id, bucketName, s.now()) : bucket;
  const rules = corsRules(row?.cors ?? null);
  if (!rules) return;
  const match = matchCorsRule(rules, {
    origin,
    method: request.headers.get('Access-Control-Request-Method') ?? request.method,
    headers: requestedHeaders(request.headers.get('Access-Control-Request-Headers')),
  });
  if (match) setCorsHeaders(response.headers, match, []);
}
