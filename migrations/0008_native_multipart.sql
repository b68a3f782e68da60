-- Multipart uploads straight into R2's own multipart upload (issue 14). Until now every part was staged as an R2
-- object of its own and CompleteMultipartUpload copied every byte into the final object (0002). Now
-- CreateMultipartUpload also opens an R2 multipart upload for the object's key, and a part goes straight into it
-- whenever R2 could complete it: production R2 completes only layouts whose parts all have the same size but the
-- last, which may be smaller (and parts of at least 5 MiB but the last). So:
--   r2_upload_id  the R2 multipart upload's id; NULL for uploads begun before this migration, which keep the
--                 staged path to the end (their parts are staged objects, completion assembles them as before).
--   part_size     the upload's uniform part size: claimed by the first part of at least 5 MiB to arrive. A part of
--                 exactly this size, or smaller than 5 MiB (it can only ever be the last), goes into the R2 upload;
--                 any other part — and any part numbered after such a staged one — is staged as before.
--   r2_etag       (parts) R2's own ETag of a part in the R2 upload, which completion names it by; NULL for a staged
--                 part (r2_key is then its staged object; for a native part r2_key is '').
-- CompleteMultipartUpload then completes the R2 upload natively (no byte copied) when every chosen part is
-- native; stages at most one copy otherwise (docs/s3.md, "Multipart uploads").
ALTER TABLE multipart_uploads ADD COLUMN r2_upload_id TEXT;
ALTER TABLE multipart_uploads ADD COLUMN part_size INTEGER;
ALTER TABLE multipart_parts ADD COLUMN r2_etag TEXT;

-- R2 fixes an object's metadata when its multipart upload is created, before the part sizes are known, so the
-- part layout of a multipart object (for GetObject/HeadObject with partNumber and GetObjectAttributes) lives
-- here, tied to the R2 object version like the other per-version records (0003, 0005, 0006). Its metadata says
-- "ros:parts: ~" (objects completed before this migration keep their layout inline in ros:parts).
CREATE TABLE object_parts (
  site_id  TEXT NOT NULL,
  r2_key   TEXT NOT NULL,           -- "<bucket>/<key>"
  version  TEXT NOT NULL,           -- R2Object.version the layout belongs to
  parts    TEXT NOT NULL,           -- part sizes, run-length encoded: "8388608*12,1048576"
  PRIMARY KEY (site_id, r2_key)
);

-- A CompleteMultipartUpload retried after it succeeded (its answer lost on the way) answers the same 200 and
-- ETag, as S3 does, instead of NoSuchUpload: the upload row is gone, its result stays here for a day (the cron
-- forgets older ones). `parts` is the completed part list ("<number>:<etag>,…"): only the same list gets the answer.
CREATE TABLE completed_uploads (
  upload_id    TEXT PRIMARY KEY,
  site_id      TEXT NOT NULL,
  bucket       TEXT NOT NULL,
  key          TEXT NOT NULL,
  parts        TEXT NOT NULL,
  etag         TEXT NOT NULL,     -- unquoted S3 ETag
  checksum     TEXT,              -- "<ALGORITHM>:<base64>" of the object, or NULL
  completed_at INTEGER NOT NULL
);
CREATE INDEX completed_uploads_by_age ON completed_uploads (completed_at);
