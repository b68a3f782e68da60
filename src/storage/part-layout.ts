import { findObjectParts } from '../db/object-records';
import { DEFERRED, PARTS_META, decodeParts } from './metadata';

/**
 * The part sizes of an object, in order: the one reader of a multipart object's layout (GetObject/HeadObject
 * with partNumber). A simple object is one part. An object completed from R2's own multipart upload says
 * "ros:parts: ~" and its layout is in D1, tied to this very version (migrations/0008_native_multipart.sql);
 * objects completed before that keep it inline in ros:parts.
 */
export async function partLayout(db: D1Database, siteId: string, r2key: string, object: R2Object): Promise<number[]> {
  const meta = object.customMetadata?.[PARTS_META];
  if (meta === DEFERRED) {
    return decodeParts((await findObjectParts(db, siteId, r2key, object.version)) ?? undefined) ?? [object.size];
  }
  return decodeParts(meta) ?? [object.size];
}
