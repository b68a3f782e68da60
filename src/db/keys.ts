import type { BucketRow } from './buckets';

export type KeyStatus = 'active' | 'inactive';

export interface KeyRow {
  id: string;
  project_id: string;
  site_id: string;
  owner_user_id: string | null;
  owner_app_id: string | null;
  name: string;
  secret_ciphertext: string;
  status: KeyStatus;
  created_at: number;
  last_used_at: number | null;
  /** The limits of migration 0011, fixed at creation: 1 = read-only. */
  read_only: number;
  /** JSON array of bucket names at the key's site, or null for every bucket of its project. */
  buckets: string | null;
  prefix: string | null;
  expires_at: number | null;
}

/** A key with its owner's display name, for listings. */
export type KeyListRow = Omit<KeyRow, 'secret_ciphertext'> & { owner_name: string };

const LIST_SELECT = `SELECT k.id, k.project_id, k.site_id, k.owner_user_id, k.owner_app_id, k.name, k.status,
  k.created_at, k.last_used_at, k.read_only, k.buckets, k.prefix, k.expires_at, COALESCE(users.email, apps.name) AS owner_name
  FROM access_keys k LEFT JOIN users ON users.id = k.owner_user_id LEFT JOIN apps ON apps.id = k.owner_app_id`;

export const listUserKeys = async (db: D1Database, projectId: string, userId: string) =>
  (
    await db
      .prepare(`${LIST_SELECT} WHERE k.project_id = ? AND k.owner_user_id = ? ORDER BY k.created_at, k.id`)
      .bind(projectId, userId)
      .all<KeyListRow>()
  ).results;

/** Every member's own keys but one user's: what a project admin oversees. */
export const listOtherUsersKeys = async (db: D1Database, projectId: string, userId: string) =>
  (
    await db
      .prepare(
        `${LIST_SELECT} WHERE k.project_id = ? AND k.owner_user_id IS NOT NULL AND k.owner_user_id <> ?
         ORDER BY users.email, k.created_at`,
      )
      .bind(projectId, userId)
      .all<KeyListRow>()
  ).results;

export const listAppKeys = async (db: D1Database, projectId: string) =>
  (
    await db
      .prepare(`${LIST_SELECT} WHERE k.project_id = ? AND k.owner_app_id IS NOT NULL ORDER BY apps.name, k.created_at`)
      .bind(projectId)
      .all<KeyListRow>()
  ).results;

export const findKeyInProject = (db: D1Database, projectId: string, id: string) =>
  db.prepare(`${LIST_SELECT} WHERE k.project_id = ? AND k.id = ?`).bind(projectId, id).first<KeyListRow>();

export const insertKey = (db: D1Database, k: KeyRow) =>
  db
    .prepare(
      `INSERT INTO access_keys (id, project_id, site_id, owner_user_id, owner_app_id, name, secret_ciphertext, status,
       created_at, last_used_at, read_only, buckets, prefix, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      k.id,
      k.project_id,
      k.site_id,
      k.owner_user_id,
      k.owner_app_id,
      k.name,
      k.secret_ciphertext,
      k.status,
      k.created_at,
      k.last_used_at,
      k.read_only,
      k.buckets,
      k.prefix,
      k.expires_at,
    )
    .run();

export const setKeyStatus = (db: D1Database, projectId: string, id: string, status: KeyStatus) =>
  db.prepare('UPDATE access_keys SET status = ? WHERE project_id = ? AND id = ?').bind(status, projectId, id).run();

export const deleteKey = (db: D1Database, projectId: string, id: string) =>
  db.prepare('DELETE FROM access_keys WHERE project_id = ? AND id = ?').bind(projectId, id).run();

/**
 * Sites at which a user holds an active, unexpired key of their own in a project: the console's bucket-visibility
 * rule. (A key's bucket or read-only limits bind S3 requests made with it, not its holder's console.)
 */
export const sitesWithActiveUserKey = async (db: D1Database, projectId: string, userId: string, now: number) =>
  (
    await db
      .prepare(
        `SELECT DISTINCT site_id FROM access_keys WHERE project_id = ? AND owner_user_id = ? AND status = 'active'
         AND (expires_at IS NULL OR expires_at > ?)`,
      )
      .bind(projectId, userId, now)
      .all<{ site_id: string }>()
  ).results.map((r) => r.site_id);

export const findKeyById = (db: D1Database, id: string) =>
  db.prepare('SELECT * FROM access_keys WHERE id = ?').bind(id).first<KeyRow>();

/**
 * An access key with the bucket a request names, in one read: the S3 hot path. `bucket` is null when the request
 * names none or the bucket does not exist. (The bucket comes back as one JSON column, so the key's columns and
 * the bucket's never collide.)
 * A key whose owner is a disabled user — the user who holds it, or for an app's key the user who created the app —
 * comes back `inactive`, so that it answers AccessDenied like any inactive key (docs/api.md, "Users").
 */
export async function findKeyWithBucket(
  db: D1Database,
  id: string,
  siteId: string,
  bucket: string | null,
): Promise<{ key: KeyRow; bucket: BucketRow | null } | null> {
  const row = await db
    .prepare(
      `SELECT k.*, (SELECT json_object('site_id', b.site_id, 'name', b.name, 'project_id', b.project_id,
                     'created_at', b.created_at, 'acl', b.acl, 'cors', b.cors,
                     'public_access_block', b.public_access_block,
                     'tags', b.tags, 'tagged_objects', b.tagged_objects,
                     'project_block_public_access', p.block_public_access)
                   FROM buckets b JOIN projects p ON p.id = b.project_id
                   WHERE b.site_id = ?2 AND b.name = ?3) AS bucket_json,
              EXISTS (SELECT 1 FROM users u WHERE u.disabled_at IS NOT NULL AND u.id =
                        COALESCE(k.owner_user_id, (SELECT a.created_by FROM apps a WHERE a.id = k.owner_app_id)))
                AS owner_disabled
       FROM access_keys k WHERE k.id = ?1`,
    )
    .bind(id, siteId, bucket)
    .first<KeyRow & { bucket_json: string | null; owner_disabled: number }>();
  if (!row) return null;
  const { bucket_json, owner_disabled, ...key } = row;
  if (owner_disabled) key.status = 'inactive';
  return { key, bucket: bucket_json === null ? null : (JSON.parse(bucket_json) as BucketRow) };
}

/** Records use at most once a minute per key, whatever the request rate. */
export const touchKey = (db: D1Database, id: string, now: number) =>
  db
    .prepare(
      'UPDATE access_keys SET last_used_at = ?2 WHERE id = ?1 AND (last_used_at IS NULL OR last_used_at < ?2 - 60000)',
    )
    .bind(id, now)
    .run();

/**
 * The caller's active, unexpired own keys at a site, newest first: share links are signed with the first whose
 * limits reach the object (the own-key-at-site rule's key).
 */
export const listOwnActiveKeysAtSite = async (
  db: D1Database,
  projectId: string,
  userId: string,
  siteId: string,
  now: number,
) =>
  (
    await db
      .prepare(
        `SELECT * FROM access_keys WHERE project_id = ? AND owner_user_id = ? AND site_id = ? AND status = 'active'
         AND (expires_at IS NULL OR expires_at > ?) ORDER BY created_at DESC, id LIMIT 100`,
      )
      .bind(projectId, userId, siteId, now)
      .all<KeyRow>()
  ).results;
