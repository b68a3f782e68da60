"""boto3 and scoped keys against a ROS site, for test/e2e/s3/key-limits.test.mjs.

Usage: python3 key_limits_boto3.py < config.json
  config: {"endpoint", "buckets": [a, b], "keys": {"main", "readOnly", "bucket", "prefix"}:
           {"accessKeyId", "secretAccessKey"}}
  or, to try one key once: {"endpoint", "bucket", "probe": {"accessKeyId", "secretAccessKey"}}

Default client settings. Prints one JSON object of what was observed: for each call its result or the S3 error
code it raised.
"""

import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

CONFIG = json.load(sys.stdin)
ENDPOINT = CONFIG["endpoint"]


def client(k):
    return boto3.client(
        "s3",
        endpoint_url=ENDPOINT,
        region_name="us-east-1",
        aws_access_key_id=k["accessKeyId"],
        aws_secret_access_key=k["secretAccessKey"],
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )


def attempt(call):
    """The call's result, or "<status> <code>" of the S3 error it raised."""
    try:
        return call()
    except ClientError as err:
        return f"{err.response['ResponseMetadata']['HTTPStatusCode']} {err.response['Error']['Code']}"


def keys_of(listing):
    return [o["Key"] for o in listing.get("Contents", [])]


if "probe" in CONFIG:
    s3 = client(CONFIG["probe"])
    print(json.dumps({"list": attempt(lambda: keys_of(s3.list_objects_v2(Bucket=CONFIG["bucket"])))}))
    sys.exit(0)

a, b = CONFIG["buckets"]
KEYS = CONFIG["keys"]
main, read_only, bucket_key, prefix_key = (client(KEYS[k]) for k in ("main", "readOnly", "bucket", "prefix"))
for bucket, key in ((a, "docs/a.txt"), (a, "other/b.txt"), (b, "docs/c.txt")):
    main.put_object(Bucket=bucket, Key=key, Body=key.encode())

ok = lambda r: r["ResponseMetadata"]["HTTPStatusCode"]  # noqa: E731
result = {
    "read_only": {
        "get": attempt(lambda: read_only.get_object(Bucket=a, Key="docs/a.txt")["Body"].read().decode()),
        "list": attempt(lambda: keys_of(read_only.list_objects_v2(Bucket=a))),
        "put": attempt(lambda: ok(read_only.put_object(Bucket=a, Key="docs/new.txt", Body=b"x"))),
        "delete": attempt(lambda: ok(read_only.delete_object(Bucket=a, Key="docs/a.txt"))),
        "create_bucket": attempt(lambda: ok(read_only.create_bucket(Bucket="read-only-made-this"))),
    },
    "bucket": {
        "buckets": attempt(lambda: [x["Name"] for x in bucket_key.list_buckets()["Buckets"]]),
        "put_own": attempt(lambda: ok(bucket_key.put_object(Bucket=a, Key="other/new.txt", Body=b"x"))),
        "list_other": attempt(lambda: keys_of(bucket_key.list_objects_v2(Bucket=b))),
        "get_other": attempt(lambda: bucket_key.get_object(Bucket=b, Key="docs/c.txt")["Body"].read().decode()),
        "put_other": attempt(lambda: ok(bucket_key.put_object(Bucket=b, Key="docs/new.txt", Body=b"x"))),
    },
    "prefix": {
        "get_inside": attempt(lambda: prefix_key.get_object(Bucket=a, Key="docs/a.txt")["Body"].read().decode()),
        "get_outside": attempt(lambda: prefix_key.get_object(Bucket=a, Key="other/b.txt")["Body"].read().decode()),
        "put_outside": attempt(lambda: ok(prefix_key.put_object(Bucket=a, Key="other/x.txt", Body=b"x"))),
        "list_inside": attempt(lambda: keys_of(prefix_key.list_objects_v2(Bucket=a, Prefix="docs/"))),
        "list_all": attempt(lambda: keys_of(prefix_key.list_objects_v2(Bucket=a))),
        "copy_from_outside": attempt(
            lambda: ok(
                prefix_key.copy_object(Bucket=a, Key="docs/copy.txt", CopySource={"Bucket": a, "Key": "other/b.txt"})
            )
        ),
        "delete_objects": attempt(
            lambda: [
                (e["Key"], e["Code"])
                for e in prefix_key.delete_objects(
                    Bucket=a, Delete={"Objects": [{"Key": "docs/gone.txt"}, {"Key": "other/b.txt"}]}
                ).get("Errors", [])
            ]
        ),
    },
}
# What the refused calls left: other/b.txt is still there, nothing was written outside the limits.
result["left"] = sorted(keys_of(main.list_objects_v2(Bucket=a)) + [f"{b}:{k}" for k in keys_of(main.list_objects_v2(Bucket=b))])
print(json.dumps(result))
