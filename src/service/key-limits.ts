import { findBucket } from '../db/buckets';
import type { KeyRow } from '../db/keys';
import { invalidInput } from './errors';
import { DISPLAY_NAME, optionalBoolean, type Body } from './input';

/**
 * What a key's owner limited it to when it was created (issue 13, "Scoped and expiring keys"). Limits only ever
 * narrow what the key's project may do: they are written once, at creation, and nothing widens them (a wider key is
 * a new key). src/s3/authorize.ts enforces them on every S3 request; the rules themselves live here so that the
 * console (share links) applies the same ones.
 */
export interface KeyLimits {
  /** Only operations that read (isReadOperation). */
  readOnly: boolean;
  /** The bucket names at the key's site it may use; null: every bucket of its project. */
  buckets: readonly string[] | null;
  /** Object keys it may touch, and listings it may make, start with this; null: any. */
  prefix: string | null;
  /** Epoch ms from which the key no longer works; null: never. */
  expiresAt: number | null;
}

export const limitsOf = (row: Pick<KeyRow, 'read_only' | 'buckets' | 'prefix' | 'expires_at'>): KeyLimits => ({
  readOnly: row.read_only === 1,
  buckets: row.buckets === null ? null : (JSON.parse(row.buckets) as string[]),
  prefix: row.prefix,
  expiresAt: row.expires_at,
});

/**
 * The operations a read-only key may call: those that read and change nothing. S3 names every one of them Get…,
 * Head… or List… (GetObject, HeadObject, HeadBucket, ListBuckets, ListObjectsV2, ListParts, GetBucketAcl, …), and
 * names no write so; an operation added later is classified by the same rule.
 */
export const isReadOperation = (operation: string) => /^(Get|Head|List)[A-Z]/.test(operation);

export const isExpired = (l: KeyLimits, now: number) => l.expiresAt !== null && now >= l.expiresAt;
export const reachesBucket = (l: KeyLimits, bucket: string) => l.buckets === null || l.buckets.includes(bucket);
export const reachesObject = (l: KeyLimits, key: string) => l.prefix === null || key.startsWith(l.prefix);
/** A listing stays inside the prefix only when its own prefix starts with the key's (no prefix lists everything). */
export const reachesListing = (l: KeyLimits, listPrefix: string) =>
  l.prefix === null || listPrefix.startsWith(l.prefix);
/** Neither bucket nor prefix limited: a key that may create buckets and change their configuration. */
export const coversProject = (l: KeyLimits) => l.buckets === null && l.prefix === null;

/** S3's key length limit: a prefix longer than any key could match nothing. */
const MAX_PREFIX_BYTES = 1024;
const MAX_BUCKETS = 100;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The limits asked for in a new key's body (docs/api.md, "Access keys"), checked: `readOnly` a boolean; `buckets`
 * names of the project's buckets at the key's site (at least one when given); `prefix` 1–1024 bytes of printable
 * characters; `expiresAt` an ISO 8601 instant with its offset, in the future, kept to the second (a fraction
 * is dropped). The result is what insertKey stores.
 */
export async function limitsToCreate(
  db: D1Database,
  siteId: string,
  projectId: string,
  body: Body,
  now: number,
): Promise<Pick<KeyRow, 'read_only' | 'buckets' | 'prefix' | 'expires_at'>> {
  const readOnly = optionalBoolean(body, 'readOnly');
  return {
    read_only: readOnly ? 1 : 0,
    buckets: await bucketsOf(db, siteId, projectId, body.buckets),
    prefix: prefixOf(body.prefix),
    expires_at: expiryOf(body.expiresAt, now),
  };
}

async function bucketsOf(db: D1Database, siteId: string, projectId: string, value: unknown) {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw invalidInput('"buckets" must be a list of bucket names');
  }
  const names = [...new Set(value as string[])];
  if (names.length === 0) throw invalidInput('"buckets" must name at least one bucket (leave it out for all)');
  if (names.length > MAX_BUCKETS) throw invalidInput(`"buckets" may name at most ${MAX_BUCKETS} buckets`);
  for (const name of names) {
    const bucket = await findBucket(db, siteId, name);
    if (!bucket || bucket.project_id !== projectId) {
      throw invalidInput(`"buckets": this project has no bucket "${name}" at site ${siteId}`);
    }
  }
  return JSON.stringify(names.sort());
}

function prefixOf(value: unknown) {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw invalidInput('"prefix" must be a string');
  if (new TextEncoder().encode(value).length > MAX_PREFIX_BYTES) {
    throw invalidInput(`"prefix" must be at most ${MAX_PREFIX_BYTES} bytes`);
  }
  if (!DISPLAY_NAME.pattern.test(value)) throw invalidInput('"prefix" may contain only printable characters');
  return value;
}

function expiryOf(value: unknown, now: number) {
  if (value === undefined || value === null || value === '') return null;
  const at = typeof value === 'string' && ISO_INSTANT.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(at)) {
    throw invalidInput('"expiresAt" must be an ISO 8601 time with its offset, e.g. 2030-01-31T12:00:00Z');
  }
  const second = Math.floor(at / 1000) * 1000;
  if (second <= now) throw invalidInput('"expiresAt" must be in the future');
  return second;
}

/** Body fields that would change a key's limits: refused after creation (limits are never widened, nor edited). */
export const LIMIT_FIELDS = ['readOnly', 'buckets', 'prefix', 'expiresAt'] as const;
