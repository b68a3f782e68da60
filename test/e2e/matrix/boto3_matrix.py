"""boto3 with its default settings against a ROS site, for test/e2e/matrix/boto3.test.mjs (client matrix, issue 4).

Usage: python3 boto3_matrix.py < config.json
  config: {"endpoint", "bucket", "work": a dir for downloads,
           "files": [{"name", "size", "path", "sha256"}]}  (fixtures.mjs's four files, in that order)
  Credentials and the region come from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
  AWS_DEFAULT_REGION), the endpoint is given in code: nothing else is configured (no Config, no TransferConfig).

Runs the matrix workload — create_bucket, upload_file ×4, download_file ×4, list_objects_v2, the managed `copy`
(UploadPartCopy for 64 MiB) and copy_object, delete_objects of many keys, delete_bucket, head_bucket — checking as
it goes. Prints one JSON object on stdout with what it saw (for the test to check too) and what botocore put on
the wire; on the first failed check, the same JSON plus {"failed": step, "error": ...}, exit 1.
"""

import hashlib
import json
import os
import sys
import time
import traceback
from concurrent.futures import ThreadPoolExecutor

import boto3
import botocore
import s3transfer
from botocore.exceptions import ClientError

CONFIG = json.load(sys.stdin)
BUCKET = CONFIG["bucket"]
FILES = CONFIG["files"]
WORK = CONFIG["work"]
MiB = 1024 * 1024

result = {
    "versions": {"boto3": boto3.__version__, "botocore": botocore.__version__, "s3transfer": s3transfer.__version__},
    "seconds": {},
    "sent": [],
    "retries": [],
    "failures": [],
}
step = "start"


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def timed(name):
    """Sets the current step and records how long it takes (the `Expect: 100-continue` wait shows here)."""

    class Timer:
        def __enter__(self):
            global step
            step = name
            self.started = time.monotonic()

        def __exit__(self, *exc):
            result["seconds"][name] = round(time.monotonic() - self.started, 3)

    return Timer()


WIRE_HEADERS = ("x-amz-", "content-", "expect", "transfer-encoding", "range")


def record_sent(request, event_name, **_):
    """before-send hook: what botocore actually puts on the wire (after signing). Watching changes nothing."""
    headers = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()}
    kept = {k: v for k, v in headers.items() if k.lower().startswith(WIRE_HEADERS) and k.lower() != "x-amz-date"}
    auth = headers.get("Authorization", "")
    kept["signed-headers"] = auth.split("SignedHeaders=")[1].split(",")[0] if "SignedHeaders=" in auth else None
    result["sent"].append({"op": event_name.split(".")[-1], "method": request.method, "url": request.url, "headers": kept})


def record_retry_cause(response, attempts, caught_exception, operation, **_):
    """needs-retry hook (registered first, returns None so it decides nothing): why a request failed, if it did."""
    if caught_exception is not None:
        cause = f"{type(caught_exception).__name__}: {caught_exception}"
    elif response is not None and (response[0].status_code >= 500 or response[0].status_code in (400, 429)):
        error = (response[1] or {}).get("Error", {})
        body = response[0].content[:300].decode("utf-8", "replace")
        cause = f"HTTP {response[0].status_code} {error.get('Code')}: {error.get('Message')} | {dict(response[0].headers)} | {body}"
    else:
        return None
    result["failures"].append({"op": operation.name, "attempt": attempts, "cause": cause})
    return None


def record_retries(parsed, model, **_):
    """after-call hook: a request botocore had to retry (the default policy retries silently) is worth seeing."""
    attempts = (parsed or {}).get("ResponseMetadata", {}).get("RetryAttempts", 0)
    if attempts:
        result["retries"].append({"op": model.name, "attempts": attempts})


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(MiB), b""):
            h.update(chunk)
    return h.hexdigest()


def etag_of(path, part_size=8 * MiB):
    """The ETag S3 gives a file uploaded by s3transfer's defaults: MD5, or for > 8 MiB MD5-of-part-MD5s-N."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        if size < part_size:
            return '"%s"' % hashlib.md5(f.read()).hexdigest()
        digests = [hashlib.md5(chunk).digest() for chunk in iter(lambda: f.read(part_size), b"")]
    return '"%s-%d"' % (hashlib.md5(b"".join(digests)).hexdigest(), len(digests))


def error_of(fn, **kwargs):
    try:
        fn(**kwargs)
    except ClientError as e:
        return [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
    raise CheckFailed(f"{fn.__name__} succeeded, expected an error")


def key_of(f):
    return "files/" + f["name"]


def main():
    s3 = boto3.client("s3", endpoint_url=CONFIG["endpoint"])  # only what a user must give
    s3.meta.events.register("before-send.s3", record_sent)
    s3.meta.events.register("after-call.s3", record_retries)
    s3.meta.events.register_first("needs-retry.s3", record_retry_cause)
    result["region"] = s3.meta.region_name
    pool = ThreadPoolExecutor(max_workers=4)  # the four files side by side; each transfer is s3transfer's own

    with timed("create_bucket"):
        s3.create_bucket(Bucket=BUCKET)

    with timed("upload_file"):
        list(pool.map(lambda f: s3.upload_file(f["path"], BUCKET, key_of(f)), FILES))
    heads = list(pool.map(lambda f: s3.head_object(Bucket=BUCKET, Key=key_of(f)), FILES))
    result["uploaded"] = {f["name"]: {"ETag": h["ETag"], "ContentLength": h["ContentLength"]} for f, h in zip(FILES, heads)}
    for f, h in zip(FILES, heads):
        check(h["ContentLength"] == f["size"], f"{f['name']}: ContentLength {h['ContentLength']}")
        check(h["ETag"] == etag_of(f["path"]), f"{f['name']}: ETag {h['ETag']}, expected {etag_of(f['path'])}")

    with timed("download_file"):
        list(pool.map(lambda f: s3.download_file(BUCKET, key_of(f), os.path.join(WORK, f["name"])), FILES))
    result["downloaded"] = {f["name"]: sha256_file(os.path.join(WORK, f["name"])) for f in FILES}
    for f in FILES:
        check(result["downloaded"][f["name"]] == f["sha256"], f"{f['name']}: downloaded bytes differ")

    with timed("list_objects_v2"):
        listed = s3.list_objects_v2(Bucket=BUCKET)
    result["listed"] = [[o["Key"], o["Size"], o["ETag"]] for o in listed.get("Contents", [])]

    big, small = FILES[3], FILES[1]
    with timed("copy (managed)"):
        # s3transfer's managed copy: HeadObject of the source, then (64 MiB ≥ the 8 MiB threshold)
        # CreateMultipartUpload + UploadPartCopy with x-amz-copy-source-range, 8 MiB a part.
        s3.copy({"Bucket": BUCKET, "Key": key_of(big)}, BUCKET, "copies/big copy ü.bin")
    with timed("copy_object"):
        copied = s3.copy_object(Bucket=BUCKET, Key="copies/small copy+1 ü.bin", CopySource={"Bucket": BUCKET, "Key": key_of(small)})
        # Again from that copy: a source key with spaces, a `+` and unicode (botocore URL-encodes CopySource).
        again = s3.copy_object(Bucket=BUCKET, Key="copies/again.bin", CopySource={"Bucket": BUCKET, "Key": "copies/small copy+1 ü.bin"})
    result["copy_object"] = {"ETag": copied["CopyObjectResult"]["ETag"], "again": again["CopyObjectResult"]["ETag"]}
    check(copied["CopyObjectResult"]["ETag"] == etag_of(small["path"]), f"copy_object ETag {copied['CopyObjectResult']}")
    result["copies"] = {}
    for key, f in (("copies/big copy ü.bin", big), ("copies/small copy+1 ü.bin", small), ("copies/again.bin", small)):
        head = s3.head_object(Bucket=BUCKET, Key=key)
        target = os.path.join(WORK, "copy-" + f["name"])
        s3.download_file(BUCKET, key, target)
        result["copies"][key] = {"ETag": head["ETag"], "ContentLength": head["ContentLength"], "sha256": sha256_file(target)}
        check(result["copies"][key]["sha256"] == f["sha256"], f"{key}: bytes differ")

    with timed("put 25 small"):
        many = [f"many/item {i:02d} +ü.txt" for i in range(25)]
        list(ThreadPoolExecutor(max_workers=10).map(lambda k: s3.put_object(Bucket=BUCKET, Key=k, Body=k.encode()), many))

    keys = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET) for o in page.get("Contents", [])]
    doomed = keys + ["never existed.txt"]  # a missing key is reported Deleted too, as on AWS
    with timed("delete_objects"):
        deleted = s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": k} for k in doomed]})
    result["delete_objects"] = {
        "asked": sorted(doomed),
        "deleted": sorted(d["Key"] for d in deleted.get("Deleted", [])),
        "errors": deleted.get("Errors", []),
    }
    result["left_after_delete"] = s3.list_objects_v2(Bucket=BUCKET)["KeyCount"]

    with timed("delete_bucket"):
        result["delete_bucket_status"] = s3.delete_bucket(Bucket=BUCKET)["ResponseMetadata"]["HTTPStatusCode"]
    result["head_bucket_after"] = error_of(s3.head_bucket, Bucket=BUCKET)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001 — report any failure with the step it happened in
        result.update(failed=step, error=f"{type(e).__name__}: {e}", traceback=traceback.format_exc())
        print(json.dumps(result, indent=1, default=str))
        sys.exit(1)
    print(json.dumps(result, indent=1, default=str))
