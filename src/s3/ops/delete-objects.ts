import { deleteObjectRecords } from '../../db/object-records';
import { readSmallBody } from '../body/small';
import { objectKeyAllowed } from '../authorize';
import type { Handler } from '../call';
import { s3Errors } from '../errors';
import { objectKeyLimit, storageKey } from '../../storage/layout';
import { versionIdProblem } from '../version-id';
import { asArray, parseXml, xmlResponse, type XmlNode } from '../xml';

const MAX_KEYS = 1000;
const malformed = () => s3Errors.malformedXml();

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html
 * Up to 1000 keys in one R2 call; per-key results (only errors in Quiet mode). The body may come with
 * Content-MD5, an x-amz-checksum-* header (what 2025+ SDKs send), or neither; what comes is checked.
 */
export const deleteObjects: Handler<'DeleteObjects'> = async (call) => {
  const { site, op } = call;
  const doc = parseXml(await readSmallBody(call, 2 << 20)) as { Delete?: { Quiet?: string; Object?: unknown } };
  if (!doc.Delete || typeof doc.Delete !== 'object') throw malformed();
  type Entry = { Key?: string; VersionId?: string };
  const objects = asArray(doc.Delete.Object as Entry | Entry[] | undefined);
  if (objects.length === 0 || objects.length > MAX_KEYS) throw malformed();
  const quiet =
    String(doc.Delete.Quiet ?? '')
      .trim()
      .toLowerCase() === 'true';

  // A VersionId, when sent, comes back with the key's result, as on AWS (tools that empty a bucket by walking
  // ListObjectVersions send "null", the one version id here).
  const deleted: { key: string; versionId?: string }[] = [];
  const errors: { key: string; versionId?: string; code: string; message: string }[] = [];
  const limit = objectKeyLimit(op.bucket);
  for (const object of objects) {
    if (typeof object !== 'object' || object === null || typeof object.Key !== 'string') throw malformed();
    const key = object.Key;
    if (object.VersionId !== undefined && typeof object.VersionId !== 'string') throw malformed();
    const versionId = object.VersionId;
    const versionProblem = versionIdProblem(versionId ?? null);
    if (key === '') errors.push({ key, versionId, code: 'InvalidArgument', message: 'The key is empty.' });
    else if (versionProblem) errors.push({ key, versionId, code: 'InvalidArgument', message: versionProblem });
    else if (new TextEncoder().encode(key).length > limit)
      errors.push({ key, versionId, code: 'KeyTooLongError', message: 'Your key is too long' });
    // A prefix-limited key's: each key outside the prefix is refused in the result, as S3 refuses per key.
    else if (!objectKeyAllowed(call.key, key))
      errors.push({ key, versionId, code: 'AccessDenied', message: 'Access Denied' });
    else deleted.push({ key, versionId });
  }
  if (deleted.length) {
    const r2keys = [...new Set(deleted.map((d) => d.key))].map((k) => storageKey(op.bucket, k));
    await site.bucket.delete(r2keys);
    call.waitUntil(deleteObjectRecords(call.s.db, site.id, r2keys));
  }
  return xmlResponse('DeleteResult', [
    ...(quiet
      ? []
      : deleted.map(
          (d): XmlNode => ['Deleted', [['Key', d.key], d.versionId !== undefined && ['VersionId', d.versionId]]],
        )),
    ...errors.map(
      (e): XmlNode => [
        'Error',
        [
          ['Key', e.key],
          e.versionId !== undefined && ['VersionId', e.versionId],
          ['Code', e.code],
          ['Message', e.message],
        ],
      ],
    ),
  ]);
};
