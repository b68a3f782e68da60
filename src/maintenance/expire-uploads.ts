import { forgetCompletedBefore, uploadsOlderThan } from '../db/multipart';
import { dropUpload } from '../service/multipart';
import type { SiteRegistry } from '../sites';

/** Unfinished multipart uploads older than this many days are aborted by the scheduled trigger (wrangler.toml). */
export const DEFAULT_UPLOAD_MAX_AGE_DAYS = 7;

/** How long a completed upload's answer is kept for a retried CompleteMultipartUpload. */
export const COMPLETED_UPLOAD_MEMORY_MS = 24 * 3600 * 1000;

/**
 * Aborts multipart uploads older than `maxAgeDays`: their rows, their R2 multipart uploads and their staged
 * parts. Works in batches, so a large backlog is drained over several runs rather than in one long one. Also
 * forgets the answers of uploads completed more than a day ago. Returns how many uploads were aborted.
 */
export async function expireUploads(
  db: D1Database,
  sites: SiteRegistry,
  now: number,
  maxAgeDays: number,
  batch = 100,
): Promise<number> {
  const stale = await uploadsOlderThan(db, now - maxAgeDays * 24 * 3600 * 1000, batch);
  for (const upload of stale) await dropUpload(db, sites.get(upload.site_id), upload);
  await forgetCompletedBefore(db, now - COMPLETED_UPLOAD_MEMORY_MS);
  return stale.length;
}
