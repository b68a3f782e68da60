-- Multipart uploads: the R2 binding can neither list uploads nor parts, and production R2 requires equal-size
-- parts (S3 does not), so ROS keeps the bookkeeping here and stages each part as its own R2 object
-- ("~mpu/<upload id>/<part number>.<nonce>", outside every bucket's "<bucket>/" prefix) until Complete
-- assembles them.

CREATE TABLE multipart_uploads (
  upload_id          TEXT PRIMARY KEY,
  site_id            TEXT NOT NULL,
  bucket             TEXT NOT NULL,
  key                TEXT NOT NULL,
  metadata           TEXT NOT NULL,   -- JSON: the object's httpMetadata and customMetadata, fixed at creation
  checksum_algorithm TEXT,            -- CRC32 | CRC32C | CRC64NVME | SHA1 | SHA256, or NULL
  checksum_type      TEXT,            -- COMPOSITE | FULL_OBJECT, or NULL
  created_at         INTEGER NOT NULL,
  FOREIGN KEY (site_id, bucket) REFERENCES buckets (site_id, name)
);
CREATE INDEX multipart_uploads_by_key ON multipart_uploads (site_id, bucket, key, upload_id);
CREATE INDEX multipart_uploads_by_age ON multipart_uploads (created_at);

CREATE TABLE multipart_parts (
  upload_id   TEXT NOT NULL REFERENCES multipart_uploads (upload_id) ON DELETE CASCADE,
  part_number INTEGER NOT NULL CHECK (part_number BETWEEN 1 AND 10000),
  size        INTEGER NOT NULL,
  etag        TEXT NOT NULL,          -- hex MD5 of the part
  checksum    TEXT,                   -- base64 checksum of the part in the upload's algorithm
  r2_key      TEXT NOT NULL,
  uploaded_at INTEGER NOT NULL,
  PRIMARY KEY (upload_id, part_number)
);
