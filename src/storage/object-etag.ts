import { findObjectEtag } from '../db/object-records';
import { DEFERRED, ETAG_META, s3Etag } from './metadata';

/**
 * The object's S3 ETag, unquoted. No I/O unless its metadata defers it (a multipart object completed from R2's
 * own multipart upload, whose metadata was fixed before its ETag was known): then the D1 row of this very
 * version (migrations/0005_object_etags.sql), or R2's own ETag when there is none.
 */
export async function objectEtag(db: D1Database, siteId: string, r2key: string, object: R2Object): Promise<string> {
  if (object.customMetadata?.[ETAG_META] !== DEFERRED) return s3Etag(object);
  return (await findObjectEtag(db, siteId, r2key, object.version)) ?? object.etag;
}
