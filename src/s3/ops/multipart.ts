import { toHex } from '../../crypto/encoding';
import { randomString } from '../../crypto/random';
import {
  deleteUpload,
  findUpload,
  insertUpload,
  listParts as listPartRows,
  listUploads,
  upsertPart,
  type PartRow,
  type UploadRow,
} from '../../db/multipart';
import { assemble } from '../../storage/assemble';
import { storageKey } from '../../storage/layout';
import type { Handler, OpNamed, S3Call } from '../call';
import { S3Error } from '../errors';
import { ETAG_META, PARTS_META, encodeParts, metadataFromHeaders, type ObjectMetadata } from '../metadata';
import { asArray, parseXml, xmlResponse, type XmlNode } from '../xml';
import { readSmallBody } from '../body/small';
import { owner } from './bucket';
import { checkKeyLength, contentLength, receiveBody, refuseUnsupportedHeaders, writeConditions } from './put';

/**
 * Multipart uploads: https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html
 * Parts are staged as R2 objects of their own (see migrations/0002_multipart.sql for why), the bookkeeping is in
 * D1, and Complete streams the parts, in order, into the final object.
 */
const MIN_PART_SIZE = 5 * 1024 ** 2;
export const MAX_PART_SIZE = 5 * 1024 ** 3;
export const stagedKey = (uploadId: string, part: number) => `~mpu/${uploadId}/${part}.${randomString(8, 'abcdefghijklmnopqrstuvwxyz0123456789')}`;

const noSuchUpload = (uploadId: string) =>
  new S3Error('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', {
    UploadId: uploadId,
  });

async function requireUpload(call: S3Call<OpNamed<'UploadPart' | 'CompleteMultipartUpload' | 'AbortMultipartUpload' | 'ListParts'>>): Promise<UploadRow> {
  const uploadId = call.query.get('uploadId') ?? '';
  const upload = await findUpload(call.s.db, uploadId, call.site.id, call.op.bucket, call.op.key);
  if (!upload) throw noSuchUpload(uploadId);
  return upload;
}

export function partNumberOf(query: URLSearchParams): number {
  const raw = query.get('partNumber') ?? '';
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 10000) {
    throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', {
      ArgumentName: 'partNumber',
      ArgumentValue: raw,
    });
  }
  return n;
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html */
export const createMultipartUpload: Handler<'CreateMultipartUpload'> = async ({ request, s, site, op }) => {
  checkKeyLength(op.bucket, op.key);
  refuseUnsupportedHeaders(request.headers);
  const metadata = metadataFromHeaders(request.headers);
  const uploadId = randomString(48, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');
  await insertUpload(s.db, {
    upload_id: uploadId,
    site_id: site.id,
    bucket: op.bucket,
    key: op.key,
    metadata: JSON.stringify(metadata),
    checksum_algorithm: null,
    checksum_type: null,
    created_at: s.now(),
  });
  return xmlResponse('InitiateMultipartUploadResult', [
    ['Bucket', op.bucket],
    ['Key', op.key],
    ['UploadId', uploadId],
  ]);
};

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPart.html — the part streams to its staged object. */
export const uploadPart: Handler<'UploadPart'> = async (call) => {
  const { site, query } = call;
  const partNumber = partNumberOf(query);
  const upload = await requireUpload(call);
  const length = contentLength(call.request, MAX_PART_SIZE);
  const r2key = stagedKey(upload.upload_id, partNumber);
  const object = await receiveBody(call, length, (body) => site.bucket.put(r2key, body));
  await recordPart(call, upload, { part_number: partNumber, size: object.size, etag: object.etag, r2_key: r2key });
  return new Response(null, { status: 200, headers: { ETag: `"${object.etag}"` } });
};

export async function recordPart(call: S3Call, upload: UploadRow, part: Pick<PartRow, 'part_number' | 'size' | 'etag' | 'r2_key'>) {
  const replaced = await upsertPart(call.s.db, { ...part, upload_id: upload.upload_id, checksum: null, uploaded_at: call.s.now() });
  // A re-uploaded part replaces the earlier one; its staged bytes are garbage now.
  if (replaced && replaced !== part.r2_key) call.waitUntil(call.site.bucket.delete(replaced));
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_AbortMultipartUpload.html */
export const abortMultipartUpload: Handler<'AbortMultipartUpload'> = async (call) => {
  const upload = await requireUpload(call);
  const staged = await deleteUpload(call.s.db, upload.upload_id);
  await deleteStaged(call.site.bucket, staged);
  return new Response(null, { status: 204 });
};

export async function deleteStaged(bucket: R2Bucket, keys: string[]) {
  for (let i = 0; i < keys.length; i += 1000) await bucket.delete(keys.slice(i, i + 1000));
}

interface RequestedPart {
  number: number;
  etag: string;
}

function requestedParts(xml: string): RequestedPart[] {
  const doc = parseXml(xml) as { CompleteMultipartUpload?: { Part?: unknown } };
  if (!doc.CompleteMultipartUpload || typeof doc.CompleteMultipartUpload !== 'object') {
    throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
  }
  const parts = asArray(doc.CompleteMultipartUpload.Part as Record<string, string> | Record<string, string>[] | undefined);
  if (parts.length === 0) {
    throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
  }
  return parts.map((p) => {
    const number = Number(p.PartNumber);
    if (!Number.isInteger(number)) throw new S3Error('MalformedXML', 'A PartNumber is missing or not a number');
    return { number, etag: String(p.ETag ?? '').trim().replace(/^"(.*)"$/, '$1') };
  });
}

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html
 * The ETag is the MD5 of the concatenated binary part MD5s, then "-N", as on AWS.
 */
export const completeMultipartUpload: Handler<'CompleteMultipartUpload'> = async (call) => {
  const { s, site, op } = call;
  const upload = await requireUpload(call);
  const wanted = requestedParts(await readSmallBody(call, 4 << 20));
  const stored = new Map((await listPartRows(s.db, upload.upload_id)).map((p) => [p.part_number, p]));
  const chosen: PartRow[] = [];
  for (const [i, want] of wanted.entries()) {
    if (i > 0 && want.number <= wanted[i - 1].number) {
      throw new S3Error('InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.');
    }
    const part = stored.get(want.number);
    if (!part || part.etag !== want.etag) {
      throw new S3Error('InvalidPart', 'One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part\'s entity tag.', {
        PartNumber: String(want.number),
        ETag: want.etag,
      });
    }
    chosen.push(part);
  }
  for (const part of chosen.slice(0, -1)) {
    if (part.size < MIN_PART_SIZE) {
      throw new S3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.', {
        PartNumber: String(part.part_number),
        ProposedSize: String(part.size),
        MinSizeAllowed: String(MIN_PART_SIZE),
      });
    }
  }
  const etag = await multipartEtag(chosen);
  const metadata = JSON.parse(upload.metadata) as ObjectMetadata;
  metadata.customMetadata[ETAG_META] = etag;
  const layout = encodeParts(chosen.map((p) => p.size));
  if (layout.length <= 1024) metadata.customMetadata[PARTS_META] = layout;

  const target = storageKey(op.bucket, op.key);
  const onlyIf = await writeConditions(call, target);
  const object = await assemble(
    site.bucket,
    target,
    chosen.map((p) => ({ key: p.r2_key, length: p.size })),
    { ...metadata, ...(onlyIf && { onlyIf }) },
  );
  if (!object) throw new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
  const staged = await deleteUpload(s.db, upload.upload_id);
  call.waitUntil(deleteStaged(site.bucket, staged));
  return xmlResponse('CompleteMultipartUploadResult', [
    ['Location', `${new URL(call.request.url).origin}/${op.bucket}/${op.key.split('/').map(encodeURIComponent).join('/')}`],
    ['Bucket', op.bucket],
    ['Key', op.key],
    ['ETag', `"${etag}"`],
  ]);
};

async function multipartEtag(parts: PartRow[]): Promise<string> {
  const md5s = new Uint8Array(parts.length * 16);
  parts.forEach((p, i) => md5s.set(hexBytes(p.etag), i * 16));
  return `${toHex(await crypto.subtle.digest('MD5', md5s))}-${parts.length}`;
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function maxParam(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw)) {
    throw new S3Error('InvalidArgument', `Provided ${name} not an integer or within integer range`, { ArgumentName: name, ArgumentValue: raw });
  }
  return Math.min(n, fallback);
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListParts.html */
export const listParts: Handler<'ListParts'> = async (call) => {
  const { query, s, op, key } = call;
  const upload = await requireUpload(call);
  const maxParts = maxParam(query, 'max-parts', 1000);
  const marker = Number(query.get('part-number-marker') ?? '0') || 0;
  const rows = await listPartRows(s.db, upload.upload_id, marker, maxParts + 1);
  const page = rows.slice(0, maxParts);
  const truncated = rows.length > maxParts;
  return xmlResponse('ListPartsResult', [
    ['Bucket', op.bucket],
    ['Key', op.key],
    ['UploadId', upload.upload_id],
    ['Initiator', [...owner(key.project_id)]],
    ['Owner', [...owner(key.project_id)]],
    ['StorageClass', 'STANDARD'],
    ['PartNumberMarker', marker],
    ['NextPartNumberMarker', page.length ? page[page.length - 1].part_number : 0],
    ['MaxParts', maxParts],
    ['IsTruncated', truncated],
    ...page.map((p): XmlNode => ['Part', [
      ['PartNumber', p.part_number],
      ['LastModified', new Date(p.uploaded_at).toISOString()],
      ['ETag', `"${p.etag}"`],
      ['Size', p.size],
    ]]),
  ]);
};

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListMultipartUploads.html
 * Uploads in key order, then upload id; with a delimiter, keys sharing a prefix up to it collapse into one
 * CommonPrefixes entry (counted once against max-uploads).
 */
export const listMultipartUploads: Handler<'ListMultipartUploads'> = async ({ query, s, site, op, key }) => {
  const maxUploads = maxParam(query, 'max-uploads', 1000);
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? '';
  const keyMarker = query.get('key-marker') ?? '';
  const uploadIdMarker = keyMarker ? (query.get('upload-id-marker') ?? '') : '';
  const encode = query.get('encoding-type') === 'url' ? encodeURIComponent : (x: string) => x;

  const uploads: UploadRow[] = [];
  const prefixes: string[] = [];
  let truncated = false;
  let nextKey = '';
  let nextId = '';
  let cursor = { key: keyMarker, id: uploadIdMarker };
  scan: while (true) {
    const rows = await listUploads(s.db, site.id, op.bucket, prefix, cursor.key, cursor.id, 1000);
    for (const row of rows) {
      const cut = delimiter ? row.key.indexOf(delimiter, prefix.length) : -1;
      const common = cut >= 0 ? row.key.slice(0, cut + delimiter.length) : null;
      // A prefix already returned (on this page, or as the marker of the last one) is not returned again.
      if (common !== null && (prefixes[prefixes.length - 1] === common || common === keyMarker)) continue;
      if (uploads.length + prefixes.length === maxUploads) {
        truncated = true;
        break scan;
      }
      if (common !== null) {
        prefixes.push(common);
        nextKey = common;
        nextId = '';
      } else {
        uploads.push(row);
        nextKey = row.key;
        nextId = row.upload_id;
      }
    }
    if (rows.length < 1000) break;
    const last = rows[rows.length - 1];
    cursor = { key: last.key, id: last.upload_id };
  }
  return xmlResponse('ListMultipartUploadsResult', [
    ['Bucket', op.bucket],
    ['KeyMarker', encode(keyMarker)],
    ['UploadIdMarker', uploadIdMarker],
    truncated && ['NextKeyMarker', encode(nextKey)],
    truncated && ['NextUploadIdMarker', nextId],
    ['Prefix', encode(prefix)],
    delimiter !== '' && ['Delimiter', encode(delimiter)],
    ['MaxUploads', maxUploads],
    ['IsTruncated', truncated],
    ...uploads.map((u): XmlNode => ['Upload', [
      ['Key', encode(u.key)],
      ['UploadId', u.upload_id],
      ['Initiator', [...owner(key.project_id)]],
      ['Owner', [...owner(key.project_id)]],
      ['StorageClass', 'STANDARD'],
      ['Initiated', new Date(u.created_at).toISOString()],
    ]]),
    ...prefixes.map((p): XmlNode => ['CommonPrefixes', [['Prefix', encode(p)]]]),
    query.get('encoding-type') === 'url' && ['EncodingType', 'url'],
  ]);
};

