import {
  compositeChecksum,
  fullObjectChecksum,
  parseAlgorithm,
  type ChecksumAlgorithm,
  type CrcAlgorithm,
} from '../checksums';
import { fromBase64, fromHex, toHex } from '../crypto/encoding';
import { ALNUM, LOWER_ALNUM, randomString } from '../crypto/random';
import { putObjectChecksum, putObjectEtag, putObjectParts } from '../db/object-records';
import {
  claimPartSize,
  forgetNativeParts,
  deleteUpload,
  findCompleted,
  findUpload,
  hasStagedPartBelow,
  insertUpload,
  listParts,
  upsertPart,
  type PartRow,
  type UploadRow,
} from '../db/multipart';
import type { Site } from '../sites';
import { assemble, concatenate, cutInto, observer, preconditionHolds, type Piece } from '../storage/assemble';
import { coalesced } from '../storage/coalesce';
import { storageKey } from '../storage/layout';
import { CHECKSUM_META, DEFERRED, ETAG_META, PARTS_META, encodeParts, type ObjectMetadata } from '../storage/metadata';
import {
  checksumMeta,
  checksumType,
  deferredChecksumMeta,
  parseChecksumMeta,
  type ObjectChecksum,
} from '../storage/stored-checksum';
import { asStoredAcl, type StoredAcl } from './acl';
import type { Services } from './context';
import { ServiceError } from './errors';
import { recordObjectAcl } from './public-access';
import { decodeTags, encodeTags, recordObjectTags, type Tag } from './tagging';

/**
 * Multipart uploads, shared by the S3 API and the console's browser uploads.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html
 * Each upload is also an R2 multipart upload of the object's key, and a part goes straight into it when it fits
 * the layout production R2 completes (every part the same size but the last); other parts are staged as R2
 * objects of their own. Completion is then native — no byte copied — when every chosen part is in the R2 upload,
 * and costs one copy at most otherwise (migrations/0008_native_multipart.sql, docs/s3.md). The bookkeeping is in
 * D1. Refusals are ServiceErrors worded as AWS words them, so the S3 API passes the text on unchanged.
 */
export const MIN_PART_SIZE = 5 * 1024 ** 2;
export const MAX_PART_SIZE = 5 * 1024 ** 3;
const MAX_PART_NUMBER = 10_000;

/** Each upload attempt of a part gets its own staged key, so a retry never overwrites bytes another still reads. */
export const stagedKey = (uploadId: string, part: number) => `~mpu/${uploadId}/${part}.${randomString(8, LOWER_ALNUM)}`;

/** The R2 multipart upload behind an upload (null for one begun before migration 0008). */
const r2Upload = (site: Site, upload: UploadRow): R2MultipartUpload | null =>
  upload.r2_upload_id
    ? site.bucket.resumeMultipartUpload(storageKey(upload.bucket, upload.key), upload.r2_upload_id)
    : null;

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
  // R2 fixes the object's metadata now: what is known only at completion (ETag, part layout, checksum) is
  // deferred to D1, tied to the completed object's version.
  const algorithm = parseAlgorithm(checksum?.algorithm ?? null);
  const native = await site.bucket.createMultipartUpload(storageKey(bucket, key), {
    httpMetadata: metadata.httpMetadata,
    customMetadata: {
      ...metadata.customMetadata,
      [ETAG_META]: DEFERRED,
      [PARTS_META]: DEFERRED,
      ...(algorithm && { [CHECKSUM_META]: deferredChecksumMeta(algorithm) }),
    },
  });
  try {
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
      r2_upload_id: native.uploadId,
      part_size: null,
    });
  } catch (err) {
    await native.abort().catch(() => {});
    throw err;
  }
  return uploadId;
}

const noSuchUpload = (uploadId: string) =>
  new ServiceError(
    'no_such_upload',
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    { UploadId: uploadId },
  );

export async function requireUpload(
  s: Services,
  site: Site,
  bucket: string,
  key: string,
  uploadId: string,
): Promise<UploadRow> {
  const upload = await findUpload(s.db, uploadId, site.id, bucket, key);
  if (!upload) throw noSuchUpload(uploadId);
  return upload;
}

export function parsePartNumber(raw: string | null): number {
  const n = Number(raw);
  if (raw === null || !/^\d+$/.test(raw) || n < 1 || n > MAX_PART_NUMBER) {
    throw new ServiceError('invalid_part_number', 'Part number must be an integer between 1 and 10000, inclusive', {
      ArgumentName: 'partNumber',
      ArgumentValue: raw ?? '',
    });
  }
  return n;
}

/** Where a part's bytes went: its S3 ETag (hex MD5), and R2's own ETag for a part in the R2 upload. */
export interface StoredBytes {
  etag: string;
  r2Etag: string | null;
  r2Key: string;
}

/**
 * Writes a part's bytes where storePart decided they go: a stream whose length the runtime knows (a request body,
 * a FixedLengthStream) of exactly the announced size, or null for none. `md5`, when the caller digested the bytes
 * on their way (S3's UploadPart does, with its other checks, when storePart asks it to: PartNeeds), resolves to
 * their MD5 once the stream has been read; without it the sink digests them itself, unless R2 gives it.
 */
export type PartSink = (
  body: ReadableStream<Uint8Array> | null,
  md5?: () => Promise<Uint8Array>,
) => Promise<StoredBytes>;

/** What storePart asks of the writer: `md5`, whether to digest the bytes on their way (R2 may give the MD5). */
export interface PartNeeds {
  md5: boolean;
}

/**
 * Whether an R2 binding answers each part's MD5 as its part ETag. Production R2 does, for uploads created since
 * 21 June 2023 (https://developers.cloudflare.com/r2/objects/multipart-objects/), and then ROS need not digest a
 * part itself: the MD5 is most of a part's CPU here (~23 ms per 16 MiB in workerd; 7 s for a 5 GiB part, against
 * the Worker's CPU limit). The local simulation answers random ids. Never assumed: learned per binding (and
 * isolate) from the first native part, which ROS digests and compares. A part ETag that is not an MD5 after that
 * revokes it (see nativeSink).
 */
const partEtagsAreMd5 = new WeakMap<R2Bucket, boolean>();
const MD5_HEX = /^[0-9a-f]{32}$/i;

/** Records what a digested part showed of its binding's part ETags (only the first verdict counts). */
function learnPartEtags(bucket: R2Bucket, md5Hex: string, r2Etag: string) {
  if (!partEtagsAreMd5.has(bucket)) partEtagsAreMd5.set(bucket, r2Etag.toLowerCase() === md5Hex);
}

/**
 * Where a part of `size` bytes goes: into the R2 upload when the layout stays one production R2 completes — the
 * upload's part size (claimed by its first part of at least 5 MiB), or under 5 MiB (only ever valid as the last
 * part, and then no larger than any part size) — unless a lower-numbered part is staged (a native part cannot sit
 * behind it). Anything else is staged.
 */
async function goesNative(s: Services, upload: UploadRow, partNumber: number, size: number): Promise<boolean> {
  if (!upload.r2_upload_id || size === 0) return false;
  if (size >= MIN_PART_SIZE) {
    const partSize = upload.part_size ?? (await claimPartSize(s.db, upload.upload_id, size));
    if (partSize !== size) return false;
  }
  return !(await hasStagedPartBelow(s.db, upload.upload_id, partNumber));
}

function nativeSink(site: Site, upload: UploadRow, partNumber: number, size: number): PartSink {
  return async (body, md5) => {
    const r2 = r2Upload(site, upload)!;
    if (!md5 && partEtagsAreMd5.get(site.bucket)) {
      // R2 digests the part and answers its MD5: the bytes go to R2 as they are.
      const part = await r2.uploadPart(partNumber, body ?? '');
      if (!MD5_HEX.test(part.etag)) {
        // Not an MD5 after all: stop trusting, and fail this part (500) rather than answer an ETag that is not its
        // MD5. The bytes sit in the R2 upload unrecorded; the client's retry replaces them, digested.
        partEtagsAreMd5.set(site.bucket, false);
        throw new Error(
          `R2 answered part ETag "${part.etag}", not an MD5, for part ${partNumber} of ${upload.upload_id}`,
        );
      }
      const etag = part.etag.toLowerCase();
      return { etag, r2Etag: part.etag, r2Key: '' };
    }
    if (body && md5) {
      // Digested by the caller in the pass that checked the bytes: the stream goes to R2 as it is.
      const part = await r2.uploadPart(partNumber, body);
      const etag = toHex(await md5());
      learnPartEtags(site.bucket, etag, part.etag);
      return { etag, r2Etag: part.etag, r2Key: '' };
    }
    // The S3 ETag of a part is its MD5: digested on the way, natively (the console's parts, UploadPartCopy, and
    // every part until R2 has shown it answers MD5s). Read in large pieces (storage/coalesce.ts): a request body
    // read from JS comes in ~4 KiB ones, and a JS stage per piece cost a plain 16 MiB part 730 ms against 370–460 ms
    // coalesced (measured locally).
    const digest = new crypto.DigestStream('MD5');
    const digesting = digest.getWriter();
    const source = coalesced(body ?? new Response('').body!)!.pipeThrough(observer((chunk) => digesting.write(chunk)));
    const part = await r2.uploadPart(partNumber, source.pipeThrough(new FixedLengthStream(size)));
    await digesting.close();
    const etag = toHex(await digest.digest);
    learnPartEtags(site.bucket, etag, part.etag);
    return { etag, r2Etag: part.etag, r2Key: '' };
  };
}

function stagedSink(site: Site, upload: UploadRow, partNumber: number): PartSink {
  return async (body) => {
    const key = stagedKey(upload.upload_id, partNumber);
    const object = (await site.bucket.put(key, body ?? ''))!;
    return { etag: object.etag, r2Etag: null, r2Key: key };
  };
}

/**
 * Stores one part of `size` bytes: `write` streams the bytes into the sink it is given (with whatever checks the
 * protocol makes on the way) and returns the part's checksum in the upload's algorithm, if it has one. A part
 * number uploaded again replaces the earlier part (a staged one's bytes are deleted after the response). An upload
 * aborted while the part was on its way answers NoSuchUpload and keeps nothing: the R2 upload's abort discards
 * its parts, and a staged part whose row cannot be written (its upload is gone) is deleted here.
 */
export async function storePart(
  s: Services,
  site: Site,
  upload: UploadRow,
  partNumber: number,
  size: number,
  write: (sink: PartSink, needs: PartNeeds) => Promise<{ checksum?: string | null }>,
  waitUntil: (p: Promise<unknown>) => void,
): Promise<PartRow> {
  const native = await goesNative(s, upload, partNumber, size);
  let stored: StoredBytes | null = null;
  const sink = native ? nativeSink(site, upload, partNumber, size) : stagedSink(site, upload, partNumber);
  // A staged part's ETag is R2's own put ETag (an MD5); a native one's is digested, unless R2 answers it.
  const needs = { md5: native && partEtagsAreMd5.get(site.bucket) !== true };
  let checksum: string | null;
  try {
    ({ checksum = null } = await write(async (body, md5) => (stored = await sink(body, md5)), needs));
  } catch (err) {
    if (!(await findUpload(s.db, upload.upload_id, site.id, upload.bucket, upload.key))) {
      if (stored) await discard(site, stored);
      throw noSuchUpload(upload.upload_id);
    }
    throw err;
  }
  const bytes = stored as StoredBytes | null;
  if (!bytes) throw new Error('the part was never written');
  const part: PartRow = {
    upload_id: upload.upload_id,
    part_number: partNumber,
    size,
    etag: bytes.etag,
    checksum,
    r2_key: bytes.r2Key,
    uploaded_at: s.now(),
    r2_etag: bytes.r2Etag,
  };
  const { recorded, replaced } = await upsertPart(s.db, part);
  if (!recorded) {
    await discard(site, bytes);
    throw noSuchUpload(upload.upload_id);
  }
  if (replaced) waitUntil(site.bucket.delete(replaced));
  return part;
}

/** A staged part's object; a part in the R2 upload goes with the upload's abort. */
const discard = (site: Site, stored: StoredBytes) =>
  stored.r2Key ? site.bucket.delete(stored.r2Key) : Promise.resolve();

/** Aborts an upload: its rows, its R2 upload (which discards the parts in it) and its staged parts. */
export const abortUpload = (s: Services, site: Site, upload: UploadRow) => dropUpload(s.db, site, upload);

/** The same, for the expiry cron, which has no Services. */
export async function dropUpload(db: D1Database, site: Site | undefined, upload: UploadRow): Promise<void> {
  // Rows first: a part still on its way then finds its upload gone and keeps nothing (storePart).
  const staged = await deleteUpload(db, upload.upload_id);
  if (!site) return;
  const native = r2Upload(site, upload);
  if (native) {
    await native.abort().catch((err) => console.error(`abort of R2 upload ${upload.r2_upload_id} failed`, err));
  }
  await deleteStaged(site.bucket, staged);
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

export interface Completion {
  object: R2Object | null;
  etag: string;
  checksum: ObjectChecksum | null;
}

const partList = (parts: { number: number; etag: string }[]) => parts.map((p) => `${p.number}:${p.etag}`).join(',');

/**
 * A CompleteMultipartUpload retried after it succeeded (its answer lost): the same answer, when it names the same
 * parts; null when the upload was never completed (or with other parts).
 */
export async function completedBefore(
  s: Services,
  site: Site,
  bucket: string,
  key: string,
  uploadId: string,
  wanted: (algorithm: ChecksumAlgorithm | null) => RequestedPart[],
): Promise<Completion | null> {
  const done = await findCompleted(s.db, uploadId, site.id, bucket, key);
  if (!done) return null;
  const stored = parseChecksumMeta(done.checksum ?? undefined);
  if (partList(wanted(stored?.algorithm ?? null)) !== done.parts) return null;
  return {
    object: null,
    etag: done.etag,
    checksum: stored && { algorithm: stored.algorithm, value: stored.value, type: checksumType(stored.value) },
  };
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
): Promise<(Completion & { object: R2Object; parts: PartRow[] }) | null> {
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
  const r2key = storageKey(upload.bucket, upload.key);
  const metadata = JSON.parse(upload.metadata) as ObjectMetadata;
  // An object written here (not completed from the R2 upload) gets its ETag and checksum inline, as before.
  metadata.customMetadata[ETAG_META] = etag;
  if (checksum) metadata.customMetadata[CHECKSUM_META] = checksumMeta(checksum.algorithm, checksum.value);
  metadata.customMetadata[PARTS_META] = DEFERRED;

  const object = await writeObject(s, site, upload, chosen, r2key, metadata, onlyIf, waitUntil);
  if (!object) return null;
  // The layout for partNumber reads, the ETag for listings (and for an object whose metadata defers it), the
  // checksum when the metadata defers it: all tied to this version.
  await Promise.all([
    putObjectParts(s.db, site.id, r2key, object.version, encodeParts(chosen.map((p) => p.size))),
    putObjectEtag(s.db, site.id, r2key, object.version, etag),
    checksum &&
      parseChecksumMeta(object.customMetadata?.[CHECKSUM_META])?.deferred &&
      putObjectChecksum(s.db, site.id, r2key, object.version, checksumMeta(checksum.algorithm, checksum.value)),
  ]);
  await recordObjectAcl(s, site, object, upload.acl ? asStoredAcl(upload.acl) : null);
  await recordObjectTags(s, site, upload.bucket, object, decodeTags(upload.tagging));
  const staged = await deleteUpload(s.db, upload.upload_id, {
    upload_id: upload.upload_id,
    site_id: site.id,
    bucket: upload.bucket,
    key: upload.key,
    parts: partList(chosen.map((p) => ({ number: p.part_number, etag: p.etag }))),
    etag,
    checksum: checksum && checksumMeta(checksum.algorithm, checksum.value),
    completed_at: s.now(),
  });
  waitUntil(deleteStaged(site.bucket, staged));
  return { object, etag, parts: chosen, checksum };
}

/** Whether production R2 completes these parts as they are: all the same size but the last, which is no larger. */
export function r2CompletesLayout(sizes: number[]): boolean {
  const [first] = sizes;
  return (
    sizes.length > 0 &&
    sizes.length <= MAX_PART_NUMBER &&
    sizes.slice(0, -1).every((size) => size === first && size >= MIN_PART_SIZE) &&
    sizes[sizes.length - 1] <= first &&
    sizes[sizes.length - 1] > 0
  );
}

/**
 * Writes the completed object, the cheapest way the chosen parts allow (docs/s3.md, "Multipart uploads"):
 * 1. every part in the R2 upload (what every uniform client sends): R2 completes it, no byte copied;
 * 2. parts in the R2 upload, then staged ones (an odd last part, or odd sizes from some part on): the staged
 *    tail is cut into parts of the upload's part size, uploaded into the R2 upload after the native ones, and R2
 *    completes it — the tail copied once;
 * 3. only staged parts (or an upload begun before migration 0008): assembled into a new object, as before — one
 *    copy; the R2 upload is aborted;
 * 4. a part in the R2 upload after a staged one (odd sizes arriving out of order): R2 completes the native parts
 *    (the key briefly holds only those), then the object is assembled from that and the staged parts — one copy.
 * Resolves to null when `onlyIf` does not hold.
 */
async function writeObject(
  s: Services,
  site: Site,
  upload: UploadRow,
  chosen: PartRow[],
  r2key: string,
  metadata: ObjectMetadata,
  onlyIf: R2Conditional | null,
  waitUntil: (p: Promise<unknown>) => void,
): Promise<R2Object | null> {
  const native = r2Upload(site, upload);
  const staged = (p: PartRow): Piece => ({ key: p.r2_key, length: p.size });
  const firstStaged = chosen.findIndex((p) => p.r2_etag === null);
  if (!native || firstStaged === 0) {
    if (!native || chosen.every((p) => p.r2_etag === null)) {
      const object = await assemble(site.bucket, r2key, chosen.map(staged), { ...metadata, ...(onlyIf && { onlyIf }) });
      if (object && native) waitUntil(native.abort().catch(() => {}));
      return object;
    }
  }
  if (onlyIf && !(await preconditionHolds(site.bucket, r2key, onlyIf))) return null;
  const r2Part = (p: PartRow): R2UploadedPart => ({ partNumber: p.part_number, etag: p.r2_etag! });
  if (firstStaged < 0) return native.complete(chosen.map(r2Part));
  const prefix = chosen.slice(0, firstStaged);
  const tail = chosen.slice(firstStaged);
  const partSize = prefix[0]?.size ?? 0;
  const tailBytes = tail.reduce((n, p) => n + p.size, 0);
  const first = tail[0].part_number;
  const count = Math.ceil(tailBytes / partSize);
  if (prefix.length > 0 && tail.every((p) => p.r2_etag === null) && first + count - 1 <= MAX_PART_NUMBER) {
    // The R2 slots the tail takes: parts uploaded there and not chosen are discarded by this completion anyway.
    await forgetNativeParts(
      s.db,
      upload.upload_id,
      Array.from({ length: count }, (_, i) => first + i),
    );
    const cut = await cutInto(native, concatenate(site.bucket, tail.map(staged)), tailBytes, partSize, first);
    return native.complete([...prefix.map(r2Part), ...cut]);
  }
  const natives = chosen.filter((p) => p.r2_etag !== null);
  const interim = await native.complete(natives.map(r2Part));
  const offsets = new Map<number, number>();
  let offset = 0;
  for (const p of natives) {
    offsets.set(p.part_number, offset);
    offset += p.size;
  }
  return assemble(
    site.bucket,
    r2key,
    chosen.map((p) =>
      p.r2_etag === null
        ? staged(p)
        : { key: r2key, etag: interim.etag, offset: offsets.get(p.part_number)!, length: p.size },
    ),
    metadata,
  );
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
