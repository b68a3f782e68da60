-- The S3 endpoints cache bucket rows in each isolate for a few seconds (src/s3/auth/authenticate.ts), so for that
-- long after a DeleteBucket an isolate may still take the name for the old project's bucket. A deleted name is
-- therefore kept here, and another project may not create it again until the caches have expired (S3 itself
-- answers 409 OperationAborted while a deleted name is settling). Old rows are removed by the daily cron.

CREATE TABLE bucket_tombstones (
  site_id    TEXT NOT NULL,
  name       TEXT NOT NULL,
  project_id TEXT NOT NULL,           -- the project whose bucket it was: it may re-create the name at once
  deleted_at INTEGER NOT NULL,
  PRIMARY KEY (site_id, name)
);
CREATE INDEX bucket_tombstones_by_age ON bucket_tombstones (deleted_at);
