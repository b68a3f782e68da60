import type { BucketRow } from '../db/buckets';
import { listUploads } from '../db/multipart';
import { objectAclsBetween } from '../db/object-records';
import type { Site } from '../sites';
import { bucketPrefix, storageKey } from '../storage/layout';
import { listedEtags, listedRecords } from '../storage/listed-records';
import { decodeToken, encodeToken, listPage } from '../storage/listing';
import { s3Etag, type ObjectMetadata } from '../storage/metadata';
import { asStoredAcl, CANNED_ACLS, storedAcl, type StoredAcl } from './acl';
import { deleteIfEmpty, getBucket } from './buckets';
import { requireSite, type Services } from './context';
import { ServiceError, invalidInput } from './errors';
import { oneOf, optionalBoolean, optionalText, text, type Body } from './input';
import {
  abortUpload,
  completeUpload,
  MIN_PART_SIZE,
  parsePartNumber,
  requireUpload,
  startUpload,
  storePart,
  type PartSink,
  type RequestedPart,
} from './multipart';
import { checkKeyLength } from './object-keys';
import type { ProjectScope } from './policy';
import { changeObjectAcl } from './public-access';

/**
 * Objects as the console sees them: listing, browser uploads (simple and multipart), download, delete, bucket
 * statistics and empty-and-delete. The bucket is opened through getBucket, so the own-key-at-site rule (./buckets.ts)
 * and the project check apply to every call. Multipart uploads use the service shared with the S3 API (./multipart).
 */

/** The largest body of one simple console upload; larger files go as multipart uploads (docs/api.md). */
export const SIMPLE_UPLOAD_LIMIT = 8 * 1024 ** 2;
/** The part size the console asks browsers to use (they may use larger parts for very large files). */
export const CONSOLE_PART_SIZE = 8 * 1024 ** 2;
/** The largest part body one console request may carry: the Workers request-body limit on every plan. */
export const CONSOLE_PART_LIMIT = 100 * 1000 ** 2;
/** Listing pages: at most this many entries (objects and folders). */
export const MAX_PAGE = 1000;
export const DEFAULT_PAGE = 100;
/** Statistics walk at most this many R2 list pages (1000 objects each) per request, then say they are partial. */
export const STATS_PAGES = 50;
/** One empty-and-delete request removes at most this many objects (1000 per R2 call) before answering. */
export const EMPTY_BATCHES = 10;
const EMPTY_UPLOADS = 100;

export interface OpenBucket {
  site: Site;
  bucket: BucketRow;
}

/** The bucket, when the caller may use it (project, own key at the site); otherwise the refusal. */
export async function openBucket(s: Services, scope: ProjectScope, siteId: string, name: string): Promise<OpenBucket> {
  const bucket = await getBucket(s, scope, siteId, name);
  return { site: requireSite(s, siteId), bucket };
}

/** An object key the console accepts: S3's rules (any UTF-8, at least one byte) within R2's limit for the bucket. */
export function checkKey(bucket: string, key: string | null): string {
  if (key === null || key === '') throw invalidInput('"key" is required: the object\'s name in the bucket');
  checkKeyLength(bucket, key);
  return key;
}

export interface ObjectInfo {
  key: string;
  size: number;
  lastModified: string;
  /** The S3 ETag, without quotes. */
  etag: string;
  /** The object's own canned ACL, in listings. */
  acl?: StoredAcl;
}

/** `etag`: the object's S3 ETag when known apart from it (a listed multipart object's, see listedEtags). */
const info = (object: R2Object, bucket: string, etag = s3Etag(object)): ObjectInfo => ({
  key: object.key.slice(bucketPrefix(bucket).length),
  size: object.size,
  lastModified: object.uploaded.toISOString(),
  etag,
});

export interface ListQuery {
  prefix: string;
  delimiter: string;
  limit: number;
  token: string | null;
}

/** Reads the listing's query parameters: prefix, delimiter (only "/" or none), limit (1–1000), token. */
export function listQuery(params: URLSearchParams): ListQuery {
  const prefix = params.get('prefix') ?? '';
  const delimiter = params.get('delimiter') ?? '';
  if (delimiter !== '' && delimiter !== '/') throw invalidInput('"delimiter" may only be "/" (folders) or empty');
  const rawLimit = params.get('limit');
  const limit = rawLimit === null || rawLimit === '' ? DEFAULT_PAGE : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
    throw invalidInput(`"limit" must be a whole number from 1 to ${MAX_PAGE}`);
  const token = params.get('token') || null;
  return { prefix, delimiter, limit, token };
}

/**
 * One page of a bucket's objects in key order: with the delimiter "/", keys below the next "/" after the prefix
 * collapse into folders (S3's common prefixes). `nextToken` resumes after this page; null on the last page.
 */
export async function listObjects(s: Services, ob: OpenBucket, q: ListQuery) {
  const after = q.token === null ? null : decodeToken(q.token);
  if (q.token !== null && after === null) throw invalidInput('"token" is not a token this listing issued');
  const { entries, truncated } = await listPage(ob.site.bucket, {
    base: bucketPrefix(ob.bucket.name),
    prefix: q.prefix,
    delimiter: q.delimiter,
    after,
    limit: q.limit,
  });
  const [etags, acls] = await Promise.all([
    listedEtags(s.db, ob.site.id, entries),
    listedRecords(s.db, ob.site.id, entries, objectAclsBetween),
  ]);
  const objects: ObjectInfo[] = [];
  const folders: string[] = [];
  for (const entry of entries) {
    if (typeof entry === 'string') folders.push(entry);
    else objects.push({ ...info(entry, ob.bucket.name, etags.get(entry.key)), acl: asStoredAcl(acls.get(entry.key)) });
  }
  const last = entries[entries.length - 1];
  const lastKey = last === undefined ? null : typeof last === 'string' ? last : info(last, ob.bucket.name).key;
  return {
    prefix: q.prefix,
    delimiter: q.delimiter,
    objects,
    folders,
    nextToken: truncated && lastKey !== null ? encodeToken(lastKey) : null,
  };
}

/**
 * Object count and total size, walking the bucket's R2 listing. A bucket with more than STATS_PAGES × 1000
 * objects is counted in part (`complete: false`: "at least"). Unfinished multipart uploads are counted too
 * (up to 1000), as they keep a bucket from being deleted.
 */
export async function bucketStats(s: Services, ob: OpenBucket) {
  let objects = 0;
  let bytes = 0;
  let cursor: string | undefined;
  let complete = false;
  for (let page = 0; page < STATS_PAGES; page++) {
    const listed = await ob.site.bucket.list({
      prefix: bucketPrefix(ob.bucket.name),
      limit: 1000,
      ...(cursor !== undefined && { cursor }),
    });
    for (const object of listed.objects) {
      objects++;
      bytes += object.size;
    }
    if (!listed.truncated) {
      complete = true;
      break;
    }
    cursor = listed.cursor;
  }
  const uploads = (await listUploads(s.db, ob.site.id, ob.bucket.name, '', '', '', 1000)).length;
  return { objects, bytes, complete, uploads };
}

const noSuchKey = (key: string) =>
  new ServiceError('no_such_key', `No object named "${key}" in this bucket.`, { Key: key });
const objectExists = (key: string) =>
  new ServiceError(
    'object_exists',
    `An object named "${key}" already exists in this bucket; replace it to upload anyway`,
  );

/** The object's metadata and body; NoSuchKey when there is none. */
export async function getObject(ob: OpenBucket, key: string, withBody: boolean): Promise<R2Object | R2ObjectBody> {
  checkKey(ob.bucket.name, key);
  const r2key = storageKey(ob.bucket.name, key);
  const object = withBody ? await ob.site.bucket.get(r2key) : await ob.site.bucket.head(r2key);
  if (!object) throw noSuchKey(key);
  return object;
}

/** Deletes one object. Like S3's DeleteObject it succeeds whether or not the key existed; `existed` tells. */
export async function deleteObject(ob: OpenBucket, key: string): Promise<{ existed: boolean }> {
  checkKey(ob.bucket.name, key);
  const r2key = storageKey(ob.bucket.name, key);
  const existed = (await ob.site.bucket.head(r2key)) !== null;
  await ob.site.bucket.delete(r2key);
  return { existed };
}

/** A content type the console stores: printable, short; absent → none (served as binary). */
function contentTypeOf(value: string | null | undefined): R2HTTPMetadata {
  if (!value) return {};
  if (value.length > 255 || !/^[\x20-\x7e]+$/.test(value))
    throw invalidInput('"contentType" must be a printable media type');
  return { contentType: value };
}

/** Unless `overwrite`, a write may only create the key: the check and the write are one step in R2. */
const createOnly = (overwrite: boolean): R2Conditional | null => (overwrite ? null : { etagDoesNotMatch: '*' });

/**
 * A simple upload: the body (at most SIMPLE_UPLOAD_LIMIT bytes, `length` as its Content-Length) streams to R2.
 * Without `overwrite` an existing object is left alone and `object_exists` (409) is the answer.
 */
export async function putObject(
  ob: OpenBucket,
  key: string,
  body: ReadableStream<Uint8Array> | null,
  length: number | null,
  contentType: string | null,
  overwrite: boolean,
): Promise<ObjectInfo> {
  checkKey(ob.bucket.name, key);
  const size = requireLength(
    length,
    SIMPLE_UPLOAD_LIMIT,
    `Files larger than ${SIMPLE_UPLOAD_LIMIT / 1024 ** 2} MiB are uploaded in parts (multipart)`,
  );
  const onlyIf = createOnly(overwrite);
  const object = await ob.site.bucket.put(storageKey(ob.bucket.name, key), sized(body, size), {
    httpMetadata: contentTypeOf(contentType),
    ...(onlyIf && { onlyIf }),
  });
  if (!object) throw objectExists(key);
  return info(object, ob.bucket.name);
}

function requireLength(length: number | null, max: number, tooLarge: string): number {
  if (length === null || !Number.isSafeInteger(length) || length < 0) {
    throw new ServiceError('length_required', 'The upload must say its size (Content-Length)');
  }
  if (length > max) throw new ServiceError('too_large', `${tooLarge}: this request may carry at most ${max} bytes`);
  return length;
}

/** The body as a stream of exactly `size` bytes, as R2 requires (a short or long body fails the write). */
function sized(body: ReadableStream<Uint8Array> | null, size: number): ReadableStream<Uint8Array> | string {
  if (size === 0 || body === null) {
    if (size !== 0) throw invalidInput('The upload has no body');
    return '';
  }
  return body.pipeThrough(new FixedLengthStream(size));
}

/**
 * Starts a browser multipart upload (the shared multipart service): `{"key", "contentType"?, "overwrite"?}`.
 * Without `overwrite` an existing object is refused now, before any part is sent (and again at completion).
 */
export async function startMultipart(s: Services, ob: OpenBucket, body: Body) {
  const key = checkKey(ob.bucket.name, text(body, 'key', { max: 4096 }));
  const contentType = optionalText(body, 'contentType', { max: 255 });
  const overwrite = optionalBoolean(body, 'overwrite');
  if (!overwrite && (await ob.site.bucket.head(storageKey(ob.bucket.name, key)))) throw objectExists(key);
  const metadata: ObjectMetadata = { httpMetadata: contentTypeOf(contentType), customMetadata: {} };
  const uploadId = await startUpload(s, ob.site, ob.bucket.name, key, metadata);
  return { uploadId, key, partSize: CONSOLE_PART_SIZE, minPartSize: MIN_PART_SIZE, maxPartSize: CONSOLE_PART_LIMIT };
}

/** Stores one part (1–10000) of an upload; the part's ETag is what completion names it by. */
export async function uploadPart(
  s: Services,
  ob: OpenBucket,
  key: string,
  uploadId: string,
  rawPartNumber: string,
  body: ReadableStream<Uint8Array> | null,
  length: number | null,
  waitUntil: (p: Promise<unknown>) => void,
) {
  checkKey(ob.bucket.name, key);
  const partNumber = parsePartNumber(rawPartNumber);
  const upload = await requireUpload(s, ob.site, ob.bucket.name, key, uploadId);
  const size = requireLength(length, CONSOLE_PART_LIMIT, 'A part this large must be split');
  const bytes = sized(body, size);
  const write = async (sink: PartSink) => {
    await sink(typeof bytes === 'string' ? null : bytes);
    return {};
  };
  const part = await storePart(s, ob.site, upload, partNumber, size, write, waitUntil);
  return { number: part.part_number, etag: part.etag, size: part.size };
}

/** Completes an upload from `{"parts": [{"number", "etag"}], "overwrite"?}` (S3's rules: ./multipart). */
export async function completeMultipart(
  s: Services,
  ob: OpenBucket,
  key: string,
  uploadId: string,
  body: Body,
  waitUntil: (p: Promise<unknown>) => void,
): Promise<ObjectInfo> {
  checkKey(ob.bucket.name, key);
  const upload = await requireUpload(s, ob.site, ob.bucket.name, key, uploadId);
  const parts = body.parts;
  if (!Array.isArray(parts) || parts.length === 0 || parts.length > 10000) {
    throw invalidInput('"parts" must list the uploaded parts: [{"number", "etag"}], 1 to 10000 of them');
  }
  const wanted: RequestedPart[] = parts.map((p, i) => {
    const part = p as { number?: unknown; etag?: unknown };
    if (!Number.isInteger(part?.number) || typeof part?.etag !== 'string') {
      throw invalidInput(`"parts[${i}]" must be {"number": <1–10000>, "etag": "<the part's ETag>"}`);
    }
    return { number: part.number as number, etag: (part.etag as string).replace(/^"|"$/g, '') };
  });
  const done = await completeUpload(
    s,
    ob.site,
    upload,
    wanted,
    createOnly(optionalBoolean(body, 'overwrite')),
    waitUntil,
  );
  // The upload stays when the key was taken meanwhile: completing again with overwrite reuses its parts.
  if (!done) throw objectExists(key);
  return info(done.object, ob.bucket.name, done.etag);
}

/** Abandons an upload: its staged parts are deleted. */
export async function abortMultipart(s: Services, ob: OpenBucket, key: string, uploadId: string): Promise<void> {
  checkKey(ob.bucket.name, key);
  await abortUpload(s, ob.site, await requireUpload(s, ob.site, ob.bucket.name, key, uploadId));
}

/**
 * Empty and delete: `{"confirm": "<bucket name>"}` must name the bucket. Deletes up to EMPTY_BATCHES × 1000
 * objects and EMPTY_UPLOADS unfinished uploads, then the bucket once nothing is left. `deleted: false` means
 * more remains (or something was added meanwhile): call again.
 */
export async function emptyAndDelete(s: Services, ob: OpenBucket, body: Body) {
  const confirm = text(body, 'confirm', { max: 255 });
  if (confirm !== ob.bucket.name) {
    throw new ServiceError(
      'confirmation_mismatch',
      `Type the bucket's name, "${ob.bucket.name}", to confirm deleting it with everything in it`,
    );
  }
  const r2 = ob.site.bucket;
  let objectsDeleted = 0;
  let drained = false;
  for (let batch = 0; batch < EMPTY_BATCHES; batch++) {
    const listed = await r2.list({ prefix: bucketPrefix(ob.bucket.name), limit: 1000 });
    if (listed.objects.length === 0) {
      drained = true;
      break;
    }
    await r2.delete(listed.objects.map((o) => o.key));
    objectsDeleted += listed.objects.length;
  }
  const uploads = await listUploads(s.db, ob.site.id, ob.bucket.name, '', '', '', EMPTY_UPLOADS);
  for (const upload of uploads) await abortUpload(s, ob.site, upload);
  // Something written meanwhile (by an S3 client) leaves the bucket: report progress, the caller calls again.
  const deleted =
    drained && uploads.length < EMPTY_UPLOADS && (await deleteIfEmpty(s, ob.site, ob.bucket.name)) === 'deleted';
  return { deleted, objectsDeleted, uploadsAborted: uploads.length };
}

/** Sets one object's canned ACL (its current version): `{"acl": "private" | "public-read" | ...}`. */
export async function setObjectAcl(s: Services, ob: OpenBucket, key: string, body: Body) {
  const acl = storedAcl(oneOf(body, 'acl', CANNED_ACLS));
  const object = await getObject(ob, key, false);
  await changeObjectAcl(s, ob.site, ob.bucket, object, acl);
  return { ...info(object, ob.bucket.name), acl };
}
