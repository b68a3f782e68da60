import { deleteObjectChecksums } from '../../db/object-checksums';
import { storageKey } from '../../storage/layout';
import type { Handler } from '../call';

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObject.html — 204 whether or not the key existed. */
export const deleteObject: Handler<'DeleteObject'> = async ({ s, site, op, waitUntil }) => {
  const r2key = storageKey(op.bucket, op.key);
  await site.bucket.delete(r2key);
  // A trailer checksum recorded for the object is stale now (version-guarded, so only tidiness): off the hot path.
  waitUntil(deleteObjectChecksums(s.db, site.id, [r2key]));
  return new Response(null, { status: 204 });
};
