import {
  compositeChecksum,
  fullObjectChecksum,
  parseAlgorithm,
  type ChecksumAlgorithm,
  type CrcAlgorithm,
} from '../checksums';
import { fromBase64, fromHex, toHex } from '../crypto/encoding';
import { ALNUM, LOWER_ALNUM, randomString } from '../crypto/random';
import { putObjectEtag } from '../db/object-records';
import {
  deleteUpload,
  findUpload,
  insertUpload,
  listParts,
  upsertPart,
  type PartRow,
  type UploadRow,
} from '../db/multipart';
import type { Site } from '../sites';
import { assemble } from '../storage/assemble';
import { storageKey } from '../storage/layout';
import { CHECKSUM_META, ETAG_META, PARTS_META, encodeParts, type ObjectMetadata } from '../storage/metadata';
import { checksumMeta, type ObjectChecksum } from '../storage/stored-checksum';
import { asStoredAcl, type StoredAcl } from './acl';
import type { Services } from './context';
import { ServiceError } from './errors';
import { recordObjectAcl } from './public-access';
import { decodeTags, encodeTags, recordObjectTags, type Tag } from './tagging';

/**
 * Multipart uploads, shared by the S3 API and the console's browser uploads.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html
 * Parts are staged as R2 objects of their own (see migrations/0002_multipart.sql for why), the bookkeeping is in
 * D1, and completion streams the parts, in order, into the final object. Refusals are ServiceErrors worded as AWS
 * words them, so the S3 API passes the text on unchanged.
 */
export const MIN_PART_SIZE = 5 * 1024 ** 2;
export const MAX_PART_SIZE = 5 * 1024 ** 3;

/** Each upload attempt of a part gets its own staged key, so a retry never overwrites bytes another still reads. */
export const stagedKey = (uploadId: string, part: number) => `~mpu/${uploadId}/${part}.${randomString(8, LOWER_ALNUM)}`;

export async function startUpload(
  s: Services,
  site: Site,
  bucket: string,
  key: string,
  metadata: ObjectMetadata,
  options: { checksum?: { algorithm: string; type: string } | null; acl?: StoredAcl | null; tags?: Tag[] | null } = {},
): Promise<string> {
  const { checksum = null, acl = null, tags = null } = options;
  const uploadId = randomString(48, ALNUM);
  await insertUpload(s.db, {
    upload_id: uploadId,
    site_id: site.id,
    bucket,
    key,
    metadata: JSON.stringify(metadata),
    checksum_algorithm: checksum?.algorithm ?? null,
    checksum_type: checksum?.type ?? null,
    created_at: s.now(),
    acl,
    tagging: tags?.length ? encodeTags(tags) : null,
  });
  return uploadId;
}

export async function requireUpload(
  s: Services,
  site: Site,
  bucket: string,
  key: string,
  uploadId: string,
): Promise<UploadRow> {
  const upload = await findUpload(s.db, uploadId, site.id, bucket, key);
  if (!upload) {
    throw new ServiceError(
      'no_such_upload',
      'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
      { UploadId: uploadId },
    );
  }
  return upload;
}

export function parsePartNumber(raw: string | null): number {
  const n = Number(raw);
  if (raw === null || !/^\d+$/.test(raw) || n < 1 || n > 10000) {
    throw new ServiceError('invalid_part_number', 'Part number must be an integer between 1 and 10000, inclusive', {
      ArgumentName: 'partNumber',
      ArgumentValue: raw ?? '',
    });
  }
  return n;
}

/** A part's bytes as written, and its checksum (base64) in the upload's algorithm, when it has one. */
export interface StagedPart {
  object: R2Object;
  checksum?: string | null;
}

/**
 * Stages one part: `write` puts the bytes at the given R2 key. A part number uploaded again replaces the earlier
 * part, whose staged bytes are then deleted (after the response).
 */
export async function storePart(
  s: Services,
  site: Site,
  upload: UploadRow,
  partNumber: number,
  write: (r2key: string) => Promise<StagedPart>,
  waitUntil: (p: Promise<unknown>) => void,
): Promise<PartRow> {
  const r2key = stagedKey(upload.upload_id, partNumber);
  const { object, checksum = null } = await write(r2key);
  const part: PartRow = {
    upload_id: upload.upload_id,
    part_number: partNumber,
    size: object.size,
    etag: object.etag,
    checksum,
    r2_key: r2key,
    uploaded_at: s.now(),
  };
  const replaced = await upsertPart(s.db, part);
  if (replaced && replaced !== r2key) waitUntil(site.bucket.delete(replaced));
  return part;
}

export async function abortUpload(s: Services, site: Site, upload: UploadRow): Promise<void> {
  await deleteStaged(site.bucket, await deleteUpload(s.db, upload.upload_id));
}

export async function deleteStaged(bucket: R2Bucket, keys: string[]) {
  for (let i = 0; i < keys.length; i += 1000) await bucket.delete(keys.slice(i, i + 1000));
}

const invalidPart = (number: number, etag: string) =>
  new ServiceError(
    'invalid_part',
    "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
    { PartNumber: String(number), ETag: etag },
  );

export interface RequestedPart {
  number: number;
  /** Unquoted. */
  etag: string;
  /** The part's checksum in the upload's algorithm, as the client lists it (S3's Checksum<ALGORITHM> element). */
  checksum?: string;
}

/** What CompleteMultipartUpload's headers say of the object's checksum (x-amz-checksum-<alg>, -type). */
export interface ExpectedChecksum {
  algorithm: ChecksumAlgorithm | null;
  value: string | null;
  type: string | null;
}

/**
 * Completes an upload from the parts the client lists (ascending, each as uploaded, every part but the last at
 * least 5 MiB). The ETag is the MD5 of the concatenated binary part MD5s, then "-N", as on AWS. Resolves to null
 * when `onlyIf` did not hold (nothing written, the upload stays).
 */
export async function completeUpload(
  s: Services,
  site: Site,
  upload: UploadRow,
  wanted: RequestedPart[],
  onlyIf: R2Conditional | null,
  waitUntil: (p: Promise<unknown>) => void,
  expected: ExpectedChecksum = { algorithm: null, value: null, type: null },
): Promise<{ object: R2Object; etag: string; parts: PartRow[]; checksum: ObjectChecksum | null } | null> {
  const stored = new Map((await listParts(s.db, upload.upload_id)).map((p) => [p.part_number, p]));
  const chosen: PartRow[] = [];
  for (const [i, want] of wanted.entries()) {
    if (i > 0 && want.number <= wanted[i - 1].number) {
      throw new ServiceError(
        'invalid_part_order',
        'The list of parts was not in ascending order. Parts must be ordered by part number.',
      );
    }
    const part = stored.get(want.number);
    if (!part || part.etag !== want.etag) {
      throw invalidPart(want.number, want.etag);
    }
    chosen.push(part);
  }
  for (const part of chosen.slice(0, -1)) {
    if (part.size < MIN_PART_SIZE) {
      throw new ServiceError(
        'part_too_small',
        'Your proposed upload is smaller than the minimum allowed object size.',
        {
          PartNumber: String(part.part_number),
          ProposedSize: String(part.size),
          MinSizeAllowed: String(MIN_PART_SIZE),
        },
      );
    }
  }
  const checksum = await uploadChecksum(upload, wanted, chosen, expected);
  const etag = await multipartEtag(chosen);
  const metadata = JSON.parse(upload.metadata) as ObjectMetadata;
  metadata.customMetadata[ETAG_META] = etag;
  if (checksum) metadata.customMetadata[CHECKSUM_META] = checksumMeta(checksum.algorithm, checksum.value);
  const layout = encodeParts(chosen.map((p) => p.size));
  if (layout.length <= 1024) metadata.customMetadata[PARTS_META] = layout;

  const object = await assemble(
    site.bucket,
    storageKey(upload.bucket, upload.key),
    chosen.map((p) => ({ key: p.r2_key, length: p.size })),
    { ...metadata, ...(onlyIf && { onlyIf }) },
  );
  if (!object) return null;
  // For listings, which read no metadata (migrations/0005_object_etags.sql).
  await putObjectEtag(s.db, site.id, object.key, object.version, etag);
  await recordObjectAcl(s, site, object, upload.acl ? asStoredAcl(upload.acl) : null);
  await recordObjectTags(s, site, upload.bucket, object, decodeTags(upload.tagging));
  const staged = await deleteUpload(s.db, upload.upload_id);
  waitUntil(deleteStaged(site.bucket, staged));
  return { object, etag, parts: chosen, checksum };
}

/**
 * The object's checksum, from the parts' (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity-upload.html):
 * COMPOSITE = the algorithm over the concatenated part digests, then "-N"; FULL_OBJECT = the CRC of the whole
 * object, combined from the part CRCs and sizes (no byte is read again). Checks what the client asserts: each
 * listed part checksum (a COMPOSITE upload must list them all), and the object checksum header.
 */
async function uploadChecksum(
  upload: UploadRow,
  wanted: RequestedPart[],
  chosen: PartRow[],
  expected: ExpectedChecksum,
): Promise<ObjectChecksum | null> {
  const algorithm = parseAlgorithm(upload.checksum_algorithm);
  const type = upload.checksum_type === 'FULL_OBJECT' ? 'FULL_OBJECT' : 'COMPOSITE';
  if (expected.type !== null) {
    if (!algorithm) {
      throw new ServiceError(
        'checksum_request_mismatch',
        'The upload was not created with a checksum mode. The complete request must not include a x-amz-checksum-type header.',
      );
    }
    if (expected.type.toUpperCase() !== type) {
      throw new ServiceError(
        'checksum_request_mismatch',
        `The upload was created using the ${type} checksum mode. The complete request must use the same checksum mode.`,
      );
    }
  }
  if (!algorithm) return null;
  for (const [i, part] of chosen.entries()) {
    const listed = wanted[i].checksum;
    if (listed === undefined) {
      if (type === 'COMPOSITE') {
        throw new ServiceError(
          'checksum_request_mismatch',
          `The upload was created using a ${algorithm.toLowerCase()} checksum. The complete request must include the checksum for each part. It was missing for part ${part.part_number} in the request.`,
        );
      }
    } else if (listed !== part.checksum) {
      throw invalidPart(part.part_number, part.etag);
    }
  }
  // Parts staged without a checksum (the console's browser uploads) leave the object without one.
  const digests = chosen.map((p) => (p.checksum ? fromBase64(p.checksum) : null));
  if (digests.some((d) => d === null)) return null;
  const value =
    type === 'COMPOSITE'
      ? await compositeChecksum(algorithm, digests as Uint8Array[])
      : fullObjectChecksum(
          algorithm as CrcAlgorithm,
          chosen.map((p, i) => ({ digest: digests[i]!, length: p.size })),
        );
  if (expected.value !== null && (expected.algorithm !== algorithm || expected.value.trim() !== value)) {
    throw new ServiceError(
      'checksum_mismatch',
      `The ${expected.algorithm ?? algorithm} you specified did not match the calculated checksum.`,
    );
  }
  return { algorithm, value, type };
}

async function multipartEtag(parts: PartRow[]): Promise<string> {
  const md5s = new Uint8Array(parts.length * 16);
  for (const [i, p] of parts.entries()) md5s.set(fromHex(p.etag), i * 16);
  return `${toHex(await crypto.subtle.digest('MD5', md5s))}-${parts.length}`;
}
