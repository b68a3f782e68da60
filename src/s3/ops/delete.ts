import { storageKey } from '../../storage/layout';
import type { Handler } from '../call';

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObject.html — 204 whether or not the key existed. */
export const deleteObject: Handler<'DeleteObject'> = async ({ site, op }) => {
  await site.bucket.delete(storageKey(op.bucket, op.key));
  return new Response(null, { status: 204 });
};
