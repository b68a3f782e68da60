-- Object and bucket tags (issue 12): S3's tagging sub-resource, x-amz-tagging on writes, the console's editor.
--
-- An object's tags, tied to the R2 object version like the other per-version records (0003, 0005, 0006): R2
-- fixes an object's metadata when it is written, but PutObjectTagging changes the tags later. A row of another
-- version is stale and never counts, so an object written again (or deleted and created again) starts with none.
CREATE TABLE object_tags (
  site_id  TEXT NOT NULL,
  r2_key   TEXT NOT NULL,           -- "<bucket>/<key>"
  version  TEXT NOT NULL,           -- R2Object.version the tags belong to
  tags     TEXT NOT NULL,           -- JSON [[key, value], ...], in the order they were given; never empty
  PRIMARY KEY (site_id, r2_key)
);

-- A bucket's own tags as JSON [[key, value], ...], NULL when it has none (GetBucketTagging: NoSuchTagSet).
ALTER TABLE buckets ADD COLUMN tags TEXT;
-- 1 once any object of the bucket has been given tags. GetObject/HeadObject read the bucket row anyway (cached):
-- only in such a bucket do they also look up the object's tags (x-amz-tagging-count), so a bucket that never
-- uses tags pays no D1 read on its reads.
ALTER TABLE buckets ADD COLUMN tagged_objects INTEGER NOT NULL DEFAULT 0;

-- The tags asked for at CreateMultipartUpload (x-amz-tagging, as JSON like object_tags.tags), applied to the
-- object at completion.
ALTER TABLE multipart_uploads ADD COLUMN tagging TEXT;
