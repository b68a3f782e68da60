import { CHECKSUM_ALGORITHMS, parseAlgorithm, type ChecksumAlgorithm } from '../../checksums';
import { findUpload, listParts as listPartRows, listUploads, type UploadRow } from '../../db/multipart';
import {
  abortUpload,
  completedBefore,
  completeUpload,
  type Completion,
  MAX_PART_SIZE,
  parsePartNumber,
  requireUpload as findRequiredUpload,
  startUpload,
  storePart,
  type ExpectedChecksum,
  type RequestedPart,
  type StoredBytes,
} from '../../service/multipart';
import { checkKeyLength } from '../../service/object-keys';
import { storageKey } from '../../storage/layout';
import { requestedAcl } from '../acl-request';
import { readSmallBody } from '../body/small';
import { namedBucket, type Handler, type OpNamed, type S3Call } from '../call';
import { checksumElements, headerName } from '../checksum-wire';
import { S3Error, s3Errors } from '../errors';
import { metadataFromHeaders } from '../object-headers';
import { asArray, parseXml, xmlResponse, type XmlNode } from '../xml';
import { owner } from './bucket';
import { requestedTags } from './tagging';
import {
  checksumHeaders,
  contentLength,
  receiveBody,
  requestUpload,
  refuseUnsupportedHeaders,
  writeConditions,
  type Received,
} from './put';
import { urlEncode } from '../list-params';

/** The S3 face of multipart uploads; the rules are in src/service/multipart.ts, shared with the console. */
type UploadCall = S3Call<
  OpNamed<'UploadPart' | 'UploadPartCopy' | 'CompleteMultipartUpload' | 'AbortMultipartUpload' | 'ListParts'>
>;

export const requireUpload = (call: UploadCall): Promise<UploadRow> =>
  findRequiredUpload(call.s, call.site, call.op.bucket, call.op.key, call.query.get('uploadId') ?? '');

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html */
export const createMultipartUpload: Handler<'CreateMultipartUpload'> = async (call) => {
  const { request, s, site, op } = call;
  checkKeyLength(op.bucket, op.key);
  refuseUnsupportedHeaders(request.headers);
  const checksum = requestedChecksum(request.headers);
  const acl = requestedAcl(request.headers, call.bucket);
  const tags = requestedTags(request.headers, call);
  const uploadId = await startUpload(s, site, op.bucket, op.key, metadataFromHeaders(request.headers), {
    checksum,
    acl,
    tags,
  });
  const response = xmlResponse('InitiateMultipartUploadResult', [
    ['Bucket', op.bucket],
    ['Key', op.key],
    ['UploadId', uploadId],
  ]);
  if (checksum) {
    response.headers.set('x-amz-checksum-algorithm', checksum.algorithm);
    response.headers.set('x-amz-checksum-type', checksum.type);
  }
  return response;
};

const FULL_OBJECT_ALGORITHMS: readonly ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME'];
const COMPOSITE_ALGORITHMS: readonly ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'SHA1', 'SHA256'];

/**
 * x-amz-checksum-algorithm and x-amz-checksum-type of CreateMultipartUpload: CRC64NVME is FULL_OBJECT only, SHA1
 * and SHA256 COMPOSITE only, CRC32 and CRC32C either (COMPOSITE unless asked).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity-upload.html#ChecksumTypes
 */
function requestedChecksum(
  headers: Headers,
): { algorithm: ChecksumAlgorithm; type: 'COMPOSITE' | 'FULL_OBJECT' } | null {
  const rawAlgorithm = headers.get('x-amz-checksum-algorithm');
  const rawType = headers.get('x-amz-checksum-type');
  if (rawAlgorithm === null && rawType === null) return null;
  const algorithm = parseAlgorithm(rawAlgorithm);
  if (rawAlgorithm !== null && !algorithm) {
    throw new S3Error(
      'InvalidRequest',
      'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]',
    );
  }
  if (!algorithm)
    throw new S3Error(
      'InvalidRequest',
      'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.',
    );
  const type =
    rawType === null ? (algorithm === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE') : rawType.trim().toUpperCase();
  if (type !== 'COMPOSITE' && type !== 'FULL_OBJECT')
    throw new S3Error('InvalidRequest', 'Value for x-amz-checksum-type header is invalid.');
  if (!(type === 'COMPOSITE' ? COMPOSITE_ALGORITHMS : FULL_OBJECT_ALGORITHMS).includes(algorithm)) {
    throw new S3Error(
      'InvalidRequest',
      `The ${type} checksum type cannot be used with the ${algorithm} checksum algorithm.`,
    );
  }
  return { algorithm, type };
}

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPart.html — the part streams, verified on the way, into
 * the R2 upload (or its staged object: src/service/multipart.ts decides).
 */
export const uploadPart: Handler<'UploadPart'> = async (call) => {
  const partNumber = parsePartNumber(call.query.get('partNumber'));
  const upload = await requireUpload(call);
  const length = contentLength(call, MAX_PART_SIZE);
  let received: Received<StoredBytes> | null = null;
  const part = await storePart(
    call.s,
    call.site,
    upload,
    partNumber,
    length,
    async (sink, needs) => {
      received = await receiveBody(
        requestUpload(call),
        length,
        (body, _metadata, md5) => sink(body, md5),
        parseAlgorithm(upload.checksum_algorithm) ?? null,
        // The part's ETag is its MD5: taken in the pass that checks the body, not by a stage of the sink's own —
        // when the service needs it (R2 in production answers it).
        { md5: needs.md5 },
      );
      return { checksum: received.checksum?.value ?? null };
    },
    call.waitUntil,
  );
  return new Response(null, { status: 200, headers: { ETag: `"${part.etag}"`, ...checksumHeaders(received!) } });
};

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_AbortMultipartUpload.html */
export const abortMultipartUpload: Handler<'AbortMultipartUpload'> = async (call) => {
  await abortUpload(call.s, call.site, await requireUpload(call));
  return new Response(null, { status: 204 });
};

function requestedParts(xml: string, algorithm: ChecksumAlgorithm | null): RequestedPart[] {
  const doc = parseXml(xml) as { CompleteMultipartUpload?: { Part?: unknown } };
  if (!doc.CompleteMultipartUpload || typeof doc.CompleteMultipartUpload !== 'object') {
    throw s3Errors.malformedXml();
  }
  const parts = asArray(
    doc.CompleteMultipartUpload.Part as Record<string, string> | Record<string, string>[] | undefined,
  );
  if (parts.length === 0) {
    throw s3Errors.malformedXml();
  }
  return parts.map((p) => {
    const number = Number(p.PartNumber);
    if (!Number.isInteger(number)) throw new S3Error('MalformedXML', 'A PartNumber is missing or not a number');
    const checksum = algorithm ? p[`Checksum${algorithm}`] : undefined;
    return {
      number,
      etag: String(p.ETag ?? '')
        .trim()
        .replace(/^"(.*)"$/, '$1'),
      ...(checksum !== undefined && { checksum: String(checksum).trim() }),
    };
  });
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html */
export const completeMultipartUpload: Handler<'CompleteMultipartUpload'> = async (call) => {
  const { s, site, op } = call;
  const uploadId = call.query.get('uploadId') ?? '';
  const upload = await findUpload(s.db, uploadId, site.id, op.bucket, op.key);
  let done: Completion | null;
  if (!upload) {
    // Completed already, and retried (its answer lost on the way): the same answer, as S3 gives.
    const xml = await readSmallBody(call, 4 << 20);
    done = await completedBefore(s, site, op.bucket, op.key, uploadId, (algorithm) => requestedParts(xml, algorithm));
    if (!done) await requireUpload(call);
  } else {
    const wanted = requestedParts(
      await readSmallBody(call, 4 << 20),
      parseAlgorithm(upload.checksum_algorithm) ?? null,
    );
    const onlyIf = await writeConditions(call, storageKey(op.bucket, op.key));
    done = await completeUpload(
      s,
      site,
      upload,
      wanted,
      onlyIf,
      call.waitUntil,
      expectedChecksum(call.request.headers),
    );
  }
  if (!done) throw s3Errors.preconditionFailed();
  return xmlResponse('CompleteMultipartUploadResult', [
    [
      'Location',
      `${new URL(call.request.url).origin}/${op.bucket}/${op.key.split('/').map(encodeURIComponent).join('/')}`,
    ],
    ['Bucket', op.bucket],
    ['Key', op.key],
    ['ETag', `"${done.etag}"`],
    ...checksumElements(done.checksum),
  ]);
};

/** The object checksum a CompleteMultipartUpload asserts: an x-amz-checksum-<alg> header, x-amz-checksum-type. */
function expectedChecksum(headers: Headers): ExpectedChecksum {
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const value = headers.get(headerName(algorithm));
    if (value !== null) return { algorithm, value, type: headers.get('x-amz-checksum-type') };
  }
  return { algorithm: null, value: null, type: headers.get('x-amz-checksum-type') };
}

function maxParam(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw)) {
    throw new S3Error('InvalidArgument', `Provided ${name} not an integer or within integer range`, {
      ArgumentName: name,
      ArgumentValue: raw,
    });
  }
  return Math.min(n, fallback);
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListParts.html */
export const listParts: Handler<'ListParts'> = async (call) => {
  const { query, s, op } = call;
  const upload = await requireUpload(call);
  const maxParts = maxParam(query, 'max-parts', 1000);
  const marker = Number(query.get('part-number-marker') ?? '0') || 0;
  const rows = await listPartRows(s.db, upload.upload_id, marker, maxParts + 1);
  const page = rows.slice(0, maxParts);
  const algorithm = parseAlgorithm(upload.checksum_algorithm) ?? null;
  const truncated = rows.length > maxParts;
  return xmlResponse('ListPartsResult', [
    ['Bucket', op.bucket],
    ['Key', op.key],
    ['UploadId', upload.upload_id],
    ['Initiator', [...owner(namedBucket(call).project_id)]],
    ['Owner', [...owner(namedBucket(call).project_id)]],
    ['StorageClass', 'STANDARD'],
    algorithm && ['ChecksumAlgorithm', algorithm],
    algorithm && ['ChecksumType', upload.checksum_type ?? 'COMPOSITE'],
    ['PartNumberMarker', marker],
    ['NextPartNumberMarker', page.length ? page[page.length - 1].part_number : 0],
    ['MaxParts', maxParts],
    ['IsTruncated', truncated],
    ...page.map(
      (p): XmlNode => [
        'Part',
        [
          ['PartNumber', p.part_number],
          ['LastModified', new Date(p.uploaded_at).toISOString()],
          ['ETag', `"${p.etag}"`],
          ['Size', p.size],
          ...checksumElements(algorithm && p.checksum ? { algorithm, value: p.checksum } : null),
        ],
      ],
    ),
  ]);
};

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListMultipartUploads.html
 * Uploads in key order, then upload id; with a delimiter, keys sharing a prefix up to it collapse into one
 * CommonPrefixes entry (counted once against max-uploads).
 */
export const listMultipartUploads: Handler<'ListMultipartUploads'> = async (call) => {
  const { query, s, site, op } = call;
  const maxUploads = maxParam(query, 'max-uploads', 1000);
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? '';
  const keyMarker = query.get('key-marker') ?? '';
  const uploadIdMarker = keyMarker ? (query.get('upload-id-marker') ?? '') : '';
  // The listings' one encoding (a space is %20, `/` stays), as ListObjects writes it.
  const encode = query.get('encoding-type') === 'url' ? urlEncode : (x: string) => x;

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
    ...uploads.map(
      (u): XmlNode => [
        'Upload',
        [
          ['Key', encode(u.key)],
          ['UploadId', u.upload_id],
          ['Initiator', [...owner(namedBucket(call).project_id)]],
          ['Owner', [...owner(namedBucket(call).project_id)]],
          ['StorageClass', 'STANDARD'],
          ['Initiated', new Date(u.created_at).toISOString()],
          u.checksum_algorithm && ['ChecksumAlgorithm', u.checksum_algorithm],
          u.checksum_algorithm && ['ChecksumType', u.checksum_type ?? 'COMPOSITE'],
        ],
      ],
    ),
    ...prefixes.map((p): XmlNode => ['CommonPrefixes', [['Prefix', encode(p)]]]),
    query.get('encoding-type') === 'url' && ['EncodingType', 'url'],
  ]);
};
