import { deleteObjectRecords } from '../../db/object-records';
import { keyCanExist } from '../../service/object-keys';
import { storageKey } from '../../storage/layout';
import type { Handler } from '../call';
import { checkVersionId } from '../version-id';

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObject.html — 204 whether or not the key existed. */
export const deleteObject: Handler<'DeleteObject'> = async ({ s, site, op, query, waitUntil }) => {
  checkVersionId(query.get('versionId'));
  if (!keyCanExist(op.bucket, op.key)) return new Response(null, { status: 204 });
  const r2key = storageKey(op.bucket, op.key);
  await site.bucket.delete(r2key);
  // What D1 recorded for the object (trailer checksum, multipart ETag) is stale now; rows are version-guarded, so
  // removing them is only tidiness: after the response.
  waitUntil(deleteObjectRecords(s.db, site.id, [r2key]));
  return new Response(null, { status: 204 });
};
