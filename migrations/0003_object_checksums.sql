-- Checksums that arrive in an aws-chunked trailer (the AWS SDKs' default for streamed uploads) are known only
-- after the last byte, but R2 fixes an object's metadata when the write starts. Such an object's metadata says
-- "ros:checksum: <ALG>:~" (the algorithm is known from x-amz-trailer up front) and the value lives here, tied to
-- the R2 object version it describes: a row whose version is not the object's current one is stale and ignored.

CREATE TABLE object_checksums (
  site_id  TEXT NOT NULL,
  r2_key   TEXT NOT NULL,           -- "<bucket>/<key>", as stored in the site's R2 bucket
  version  TEXT NOT NULL,           -- R2Object.version of the object the value describes
  checksum TEXT NOT NULL,           -- "<ALGORITHM>:<base64>", as ros:checksum holds header checksums
  PRIMARY KEY (site_id, r2_key)
);
