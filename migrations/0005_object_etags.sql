-- The S3 ETag of a multipart object ("<md5 of the part MD5s>-N") is not R2's own, so it lives in the object's
-- metadata (ros:etag). But R2's list returns metadata only when asked (`include`), and then at most 100 objects a
-- call instead of 1,000: a 1,000-key ListObjectsV2 page would take ten R2 round trips. So listings ask for no
-- metadata, and take the ETags of multipart objects from here instead: one D1 read per page, for the key range
-- the page covers. Rows are tied to the R2 object version; a row whose version is not the listed one is stale.

CREATE TABLE object_etags (
  site_id  TEXT NOT NULL,
  r2_key   TEXT NOT NULL,           -- "<bucket>/<key>"
  version  TEXT NOT NULL,           -- R2Object.version the ETag belongs to
  etag     TEXT NOT NULL,           -- unquoted S3 ETag, "<hex>-<parts>"
  PRIMARY KEY (site_id, r2_key)
);
