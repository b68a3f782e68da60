import { deleteUpload, uploadsOlderThan } from '../db/multipart';
import { deleteStaged } from '../service/multipart';
import type { SiteRegistry } from '../sites';

/** Unfinished multipart uploads older than this many days are aborted by the scheduled trigger (wrangler.toml). */
export const DEFAULT_UPLOAD_MAX_AGE_DAYS = 7;

/**
 * Aborts multipart uploads older than `maxAgeDays`: their staged parts are deleted from R2, then their rows.
 * Works in batches, so a large backlog is drained over several runs rather than in one long one.
 * Returns how many uploads were aborted.
 */
export async function expireUploads(
  db: D1Database,
  sites: SiteRegistry,
  now: number,
  maxAgeDays: number,
  batch = 100,
): Promise<number> {
  const stale = await uploadsOlderThan(db, now - maxAgeDays * 24 * 3600 * 1000, batch);
  for (const upload of stale) {
    const site = sites.get(upload.site_id);
    const staged = await deleteUpload(db, upload.upload_id);
    if (site) await deleteStaged(site.bucket, staged);
  }
  return stale.length;
}
