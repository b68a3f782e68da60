/**
 * AWS Signature Version 2 for the S3 API: the `Authorization: AWS <key id>:<signature>` header and the query form
 * (`AWSAccessKeyId`, `Expires`, `Signature`), what older clients still send by default (boto3's and the aws CLI's
 * presigned URLs for a custom endpoint, s3cmd --signature-v2). Pure logic plus WebCrypto; no I/O.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/RESTAuthentication.html
 *
 *   StringToSign = Verb \n Content-MD5 \n Content-Type \n Date (query: Expires) \n
 *                  CanonicalizedAmzHeaders (each `name:value\n`) CanonicalizedResource
 *   Signature    = base64(HMAC-SHA1(secret, StringToSign))
 *
 * The signature covers no payload: the body is checked only against what the request declares (Content-MD5, an
 * x-amz-content-sha256 hash), as for an unsigned request.
 */
import { timingSafeEqualStrings } from '../../crypto/compare';
import { toBase64 } from '../../crypto/encoding';
import { hmacSha1 } from '../../crypto/hmac';
import { parseAmzDate, parseQuery } from './canonical';
import { SIGNATURE_MISMATCH, SigV4Error } from './errors';
import type { SigV2Attempt } from './parse';
import { bytesHex, checkSkew, isoSeconds } from './sigv4';

/**
 * The sub-resources AWS's documentation lists for the CanonicalizedResource, with delete, cors and restore (which
 * S3 signs too, and s3cmd with it), and the response-* overrides of GetObject.
 */
const DOCUMENTED_SUBRESOURCES = [
  'acl',
  'cors',
  'delete',
  'lifecycle',
  'location',
  'logging',
  'notification',
  'partNumber',
  'policy',
  'requestPayment',
  'restore',
  'torrent',
  'uploadId',
  'uploads',
  'versionId',
  'versioning',
  'versions',
  'website',
  'response-cache-control',
  'response-content-disposition',
  'response-content-encoding',
  'response-content-language',
  'response-content-type',
  'response-expires',
];

/**
 * The newer sub-resources botocore (and minio-go) sign as well: tagging, object lock, …. Tried first; a request
 * naming one of them is also checked with the documented list only, the way s3cmd signs.
 */
const NEWER_SUBRESOURCES = [
  'accelerate',
  'analytics',
  'defaultObjectAcl',
  'encryption',
  'inventory',
  'legal-hold',
  'metrics',
  'object-lock',
  'replication',
  'retention',
  'select',
  'select-type',
  'storageClass',
  'tagging',
];

const DOCUMENTED = new Set(DOCUMENTED_SUBRESOURCES);
const ALL = new Set([...DOCUMENTED_SUBRESOURCES, ...NEWER_SUBRESOURCES]);

/** A SigV2 request, parsed; nothing verified yet. */
export interface SigV2Auth {
  kind: 'sigv2';
  via: 'header' | 'query';
  accessKeyId: string;
  /** The base64 signature the client sent. */
  signature: string;
  /** Header auth: the request time (x-amz-date, else Date). Query auth: when the URL expires. Epoch ms. */
  time: number;
  /** That time as sent, echoed in RequestTimeTooSkewed. */
  timeText: string;
  request: SigV2Attempt['request'];
  /** The bucket named by the Host header (virtual-host style): it heads the canonicalized resource. */
  hostBucket: string | null;
}

/** A SigV2 request whose signature checked out, as the handlers see it (the body is unsigned). */
export interface SigV2VerifiedAuth {
  kind: 'sigv2';
  via: 'header' | 'query';
  accessKeyId: string;
  payload: 'unsigned' | 'signed' | 'streaming-unsigned-trailer';
  /** x-amz-content-sha256 when sent (a hex SHA-256 the body is checked against), else empty. */
  payloadHash: string;
  /** SigV2 names no region: what HeadBucket and GetBucketLocation report, as for an unsigned request. */
  region: 'us-east-1';
}

const HEADER_MALFORMED = 'AWS authorization header is invalid.  Expected AwsAccessKeyId:signature';
const QUERY_INCOMPLETE = 'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters';

/** Reads the key id, signature and time of a SigV2 request, with AWS's answers to each malformed part. */
export function parseSigV2(attempt: SigV2Attempt, hostBucket: string | null): SigV2Auth {
  const { request } = attempt;
  const header = (name: string) => request.headers.find(([n]) => n === name)?.[1] ?? null;
  const base = { kind: 'sigv2' as const, via: attempt.via, request, hostBucket };
  if (attempt.via === 'header') {
    const authorization = header('authorization')!.trim();
    const credentials = authorization.slice(3).trim();
    const colon = credentials.indexOf(':');
    const accessKeyId = colon < 0 ? '' : credentials.slice(0, colon);
    const signature = colon < 0 ? '' : credentials.slice(colon + 1);
    if (accessKeyId === '' || signature === '' || /\s/.test(credentials)) {
      throw new SigV4Error('InvalidArgument', HEADER_MALFORMED, {
        ArgumentName: 'Authorization',
        ArgumentValue: header('authorization')!,
      });
    }
    // x-amz-date wins over Date (for clients that cannot set Date), as in the string to sign.
    const timeText = (header('x-amz-date') ?? header('date') ?? '').trim();
    const time = parseRequestDate(timeText);
    if (time === null) {
      throw new SigV4Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
    }
    return { ...base, accessKeyId, signature, time, timeText };
  }
  const params = parseQuery(request.rawQuery);
  const param = (name: string) => params.find(([n]) => n === name)?.[1];
  const accessKeyId = param('AWSAccessKeyId');
  // A raw `+` of the base64 arrives as a space; base64 has no spaces, so this only undoes that.
  const signature = param('Signature')?.replace(/ /g, '+');
  const expires = param('Expires');
  if (!accessKeyId || !signature || !expires) throw new SigV4Error('AccessDenied', QUERY_INCOMPLETE);
  if (!/^\d{1,12}$/.test(expires)) {
    throw new SigV4Error('AccessDenied', `Invalid date (should be seconds since epoch): ${expires}`);
  }
  return { ...base, accessKeyId, signature, time: Number(expires) * 1000, timeText: expires };
}

/**
 * The clock: header auth within 15 minutes of ours (RequestTimeTooSkewed, as SigV4); a query URL until its Expires
 * (inclusive), then 403 AccessDenied "Request has expired" with AWS's Expires and ServerTime elements.
 */
export function checkSigV2Time(auth: SigV2Auth, nowMs: number): void {
  if (auth.via === 'header') {
    checkSkew(auth.time, auth.timeText, nowMs);
    return;
  }
  if (nowMs > auth.time) {
    throw new SigV4Error('AccessDenied', 'Request has expired', {
      Expires: isoSeconds(auth.time),
      ServerTime: isoSeconds(nowMs),
    });
  }
}

/** Checks the signature (in constant time) against each way a client may have written the string to sign. */
export async function verifySigV2(auth: SigV2Auth, secret: string): Promise<void> {
  const candidates = stringsToSign(auth);
  for (const toSign of candidates) {
    if (timingSafeEqualStrings(toBase64(await hmacSha1(secret, toSign)), auth.signature)) return;
  }
  const toSign = candidates[0]!;
  throw new SigV4Error('SignatureDoesNotMatch', SIGNATURE_MISMATCH, {
    AWSAccessKeyId: auth.accessKeyId,
    StringToSign: toSign,
    SignatureProvided: auth.signature,
    StringToSignBytes: bytesHex(toSign),
  });
}

/**
 * The string to sign as AWS specifies it first, then the forms real signers produce where the request leaves room
 * for them, each only when the request has what makes it differ:
 * - an x-amz-* header sent twice reaches the Worker joined with ", "; AWS (and every signer) joins with ",";
 * - x-amz-date present: AWS's own DELETE example signs its value on the Date line and leaves it out of the headers;
 * - a newer sub-resource (tagging, …) that s3cmd and AWS's list leave out of the resource;
 * - a sub-resource sent as `name=` with no value, signed that way.
 */
export function stringsToSign(auth: Pick<SigV2Auth, 'via' | 'request' | 'hostBucket'>): string[] {
  const { request, via, hostBucket } = auth;
  const header = (name: string) => request.headers.find(([n]) => n === name)?.[1] ?? null;
  const params = via === 'query' ? parseQuery(request.rawQuery) : [];
  // Query auth: botocore moves Content-Type, Content-MD5 and x-amz-* headers it signed into the query.
  const fromQuery = (name: string) => params.find(([n]) => n.toLowerCase() === name)?.[1] ?? null;
  const standard = (name: string) => (header(name) ?? fromQuery(name) ?? '').trim();

  const amz = new Map<string, string>();
  for (const [name, value] of request.headers) {
    if (!name.startsWith('x-amz-')) continue;
    const before = amz.get(name);
    amz.set(name, before === undefined ? value.trim() : `${before},${value.trim()}`);
  }
  for (const [name, value] of params) {
    const lower = name.toLowerCase();
    if (lower.startsWith('x-amz-') && !amz.has(lower)) amz.set(lower, value);
  }
  const xAmzDate = via === 'header' ? header('x-amz-date') : null;
  const dateLine =
    via === 'query'
      ? (params.find(([n]) => n === 'Expires')?.[1] ?? '')
      : xAmzDate === null
        ? (header('date') ?? '')
        : '';

  const headerForms: Array<{ date: string; headers: Map<string, string> }> = [{ date: dateLine, headers: amz }];
  // x-amz-date is one value whose ", " is its own (an HTTP date).
  const joined = (name: string, value: string) => (name === 'x-amz-date' ? value : value.replace(/,\s+/g, ','));
  if ([...amz].some(([name, value]) => joined(name, value) !== value)) {
    headerForms.push({ date: dateLine, headers: new Map([...amz].map(([n, v]) => [n, joined(n, v)])) });
  }
  if (xAmzDate !== null) {
    for (const form of [...headerForms]) {
      const headers = new Map(form.headers);
      headers.delete('x-amz-date');
      headerForms.push({ date: xAmzDate.trim(), headers });
    }
  }

  const resources = canonicalResources(request.rawPath, request.rawQuery, hostBucket);
  const head = `${request.method}\n${standard('content-md5')}\n${standard('content-type')}\n`;
  const out = new Set<string>();
  for (const form of headerForms) {
    const amzLines = [...form.headers]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, value]) => `${name}:${unfold(value)}\n`)
      .join('');
    for (const resource of resources) out.add(`${head}${form.date.trim()}\n${amzLines}${resource}`);
  }
  return [...out];
}

/** Header values lose folding whitespace and their surrounding blanks. */
const unfold = (value: string) => value.replace(/\s*\r?\n\s*/g, ' ').trim();

/**
 * `/bucket` (from the Host header for virtual-host requests) + the path as sent + the sub-resources among the
 * query's parameters, sorted by name, with their values decoded (AWS: "you do not encode these values").
 */
function canonicalResources(rawPath: string, rawQuery: string, hostBucket: string | null): string[] {
  const path = `${hostBucket === null ? '' : `/${hostBucket}`}${rawPath || '/'}`;
  // A bucket addressed path style without its trailing slash (`/bucket?list-type=2`) is the resource `/bucket/`,
  // as for virtual-host style: what botocore signs. The path exactly as sent is tried too.
  const paths = hostBucket === null && /^\/[^/]+$/.test(path) ? [`${path}/`, path] : [path];
  const sub: Array<{ name: string; value: string | null }> = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decodeLoosely(eq < 0 ? part : part.slice(0, eq));
    if (ALL.has(name)) sub.push({ name, value: eq < 0 ? null : decodeLoosely(part.slice(eq + 1)) });
  }
  sub.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const render = (path: string, list: typeof sub, keepEmptyEquals: boolean) => {
    if (list.length === 0) return path;
    const items = list.map(({ name, value }) =>
      value === null || (value === '' && !keepEmptyEquals) ? name : `${name}=${value}`,
    );
    return `${path}?${items.join('&')}`;
  };
  const documented = sub.filter(({ name }) => DOCUMENTED.has(name));
  const lists = documented.length === sub.length ? [sub] : [sub, documented];
  const keepEquals = sub.some(({ value }) => value === '') ? [false, true] : [false];
  const forms = paths.flatMap((p) => keepEquals.flatMap((keep) => lists.map((list) => render(p, list, keep))));
  return [...new Set(forms)];
}

function decodeLoosely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** RFC 1123 / 822 dates as SigV2 clients write them: `GMT`, `UTC`, `Z` or a numeric offset (`+0000`). */
const RFC1123 =
  /^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) (GMT|UTC|Z|[+-]\d{4})$/;

/** A Date / x-amz-date value in epoch ms: the HTTP date forms above, or the ISO 8601 basic form SigV4 uses. */
export function parseRequestDate(value: string): number | null {
  const amz = parseAmzDate(value);
  if (amz !== null) return amz;
  const m = RFC1123.exec(value);
  if (!m) return null;
  const month = MONTHS.indexOf(m[2]!);
  if (month < 0) return null;
  const utc = parseAmzDate(
    `${m[3]}${String(month + 1).padStart(2, '0')}${m[1]!.padStart(2, '0')}T${m[4]}${m[5]}${m[6]}Z`,
  );
  if (utc === null) return null;
  const zone = m[7]!;
  if (!/^[+-]/.test(zone)) return utc;
  const offsetMinutes = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5));
  return utc - (zone[0] === '+' ? 1 : -1) * offsetMinutes * 60_000;
}
