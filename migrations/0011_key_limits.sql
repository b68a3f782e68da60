-- Scoped and expiring keys (issue 13): what a key's owner limited it to when it was created. The defaults are
-- "no limit", so every existing key keeps working exactly as before. Limits are written once, at creation, and
-- never widened (src/service/key-limits.ts); the S3 hot path reads them with the key row (findKeyWithBucket).
--   read_only   1: only operations that read (Get*, Head*, List*); 0: read-write
--   buckets     JSON array of bucket names at the key's site the key may use; NULL: every bucket of its project
--   prefix      object keys the key may touch start with this; NULL: any key
--   expires_at  epoch milliseconds (a whole second) from which the key no longer works; NULL: never
ALTER TABLE access_keys ADD COLUMN read_only INTEGER NOT NULL DEFAULT 0 CHECK (read_only IN (0, 1));
ALTER TABLE access_keys ADD COLUMN buckets TEXT;
ALTER TABLE access_keys ADD COLUMN prefix TEXT;
ALTER TABLE access_keys ADD COLUMN expires_at INTEGER;
