-- What S3 clients configure on a bucket (issue 11), kept with the bucket row so that the S3 hot path reads it in
-- the same query (and caches it with the row for a few seconds):
--   acl                  the canned ACL: private, public-read, public-read-write or authenticated-read
--   cors                 the CORS rules as JSON (src/storage/cors.ts), NULL when the bucket has none
--   public_access_block  the four PublicAccessBlock flags as JSON, NULL when none was set
-- and, per project, the admins' switch that forbids public access to every bucket of the project.
ALTER TABLE buckets ADD COLUMN acl TEXT NOT NULL DEFAULT 'private';
ALTER TABLE buckets ADD COLUMN cors TEXT;
ALTER TABLE buckets ADD COLUMN public_access_block TEXT;
ALTER TABLE projects ADD COLUMN block_public_access INTEGER NOT NULL DEFAULT 0;

-- An object's canned ACL when it is not private. R2 fixes an object's metadata when it is written, but
-- PutObjectAcl changes the ACL later, so it lives here, tied to the R2 object version like the other per-version
-- records (0003, 0005): a row of another version is stale and never counts; no row means private.
CREATE TABLE object_acls (
  site_id  TEXT NOT NULL,
  r2_key   TEXT NOT NULL,           -- "<bucket>/<key>"
  version  TEXT NOT NULL,           -- R2Object.version the ACL belongs to
  acl      TEXT NOT NULL,           -- public-read, public-read-write, authenticated-read, ...
  PRIMARY KEY (site_id, r2_key)
);

-- The canned ACL asked for at CreateMultipartUpload, applied to the object at completion.
ALTER TABLE multipart_uploads ADD COLUMN acl TEXT;
