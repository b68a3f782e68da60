"""boto3 and object/bucket tagging against a ROS site, for test/e2e/s3/tagging.test.mjs.

Usage: python3 tagging_boto3.py < config.json
  config: {"endpoint", "bucket", "key": {"accessKeyId", "secretAccessKey"}, "work": "<a directory for files>"}

Default client settings (upload_file goes multipart above its 8 MiB threshold). Prints one JSON object of what was
observed; on the first failed call prints {"failed": step, ...} and exits 1.
"""

import json
import os
import sys
import traceback

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

CONFIG = json.load(sys.stdin)
BUCKET = CONFIG["bucket"]
s3 = boto3.client(
    "s3",
    endpoint_url=CONFIG["endpoint"],
    region_name="us-east-1",
    aws_access_key_id=CONFIG["key"]["accessKeyId"],
    aws_secret_access_key=CONFIG["key"]["secretAccessKey"],
    config=Config(retries={"max_attempts": 1, "mode": "standard"}),
)
result = {}
step = "start"


def tags(key):
    return [[t["Key"], t["Value"]] for t in s3.get_object_tagging(Bucket=BUCKET, Key=key)["TagSet"]]


def code(call):
    try:
        call()
    except ClientError as e:
        return [e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"]]
    return None


try:
    step = "create_bucket"
    s3.create_bucket(Bucket=BUCKET)

    step = "put_object Tagging"
    s3.put_object(Bucket=BUCKET, Key="small.txt", Body=b"hello", Tagging="team=ops&note=two words&empty=")
    result["put_object"] = tags("small.txt")
    result["get_object_tag_count"] = s3.get_object(Bucket=BUCKET, Key="small.txt").get("TagCount")

    step = "upload_file multipart"
    big = os.path.join(CONFIG["work"], "big.bin")
    with open(big, "wb") as f:
        f.write(os.urandom(9 * 1024 * 1024))
    s3.upload_file(big, BUCKET, "big.bin", ExtraArgs={"Tagging": "kind=big&parts=many"})
    head = s3.head_object(Bucket=BUCKET, Key="big.bin")
    result["upload_file_etag_is_multipart"] = "-" in head["ETag"]
    result["upload_file"] = tags("big.bin")

    step = "copy_object"
    s3.copy_object(Bucket=BUCKET, Key="copy.txt", CopySource={"Bucket": BUCKET, "Key": "small.txt"})
    result["copy_default"] = tags("copy.txt")
    s3.copy_object(
        Bucket=BUCKET,
        Key="replaced.txt",
        CopySource={"Bucket": BUCKET, "Key": "small.txt"},
        TaggingDirective="REPLACE",
        Tagging="fresh=1",
    )
    result["copy_replace"] = tags("replaced.txt")

    step = "put_object_tagging"
    s3.put_object_tagging(Bucket=BUCKET, Key="small.txt", Tagging={"TagSet": [{"Key": "only", "Value": "this"}]})
    result["put_object_tagging"] = tags("small.txt")
    eleven = [{"Key": f"k{i}", "Value": ""} for i in range(11)]
    result["eleven"] = code(lambda: s3.put_object_tagging(Bucket=BUCKET, Key="small.txt", Tagging={"TagSet": eleven}))
    result["duplicate"] = code(
        lambda: s3.put_object_tagging(
            Bucket=BUCKET, Key="small.txt", Tagging={"TagSet": [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]}
        )
    )
    result["after_refusals"] = tags("small.txt")
    step = "delete_object_tagging"
    s3.delete_object_tagging(Bucket=BUCKET, Key="small.txt")
    result["deleted"] = tags("small.txt")
    result["get_object_tag_count_after"] = s3.get_object(Bucket=BUCKET, Key="small.txt").get("TagCount")

    step = "bucket tagging"
    result["no_bucket_tags"] = code(lambda: s3.get_bucket_tagging(Bucket=BUCKET))
    s3.put_bucket_tagging(Bucket=BUCKET, Tagging={"TagSet": [{"Key": "owner", "Value": "data team"}]})
    result["bucket_tags"] = [[t["Key"], t["Value"]] for t in s3.get_bucket_tagging(Bucket=BUCKET)["TagSet"]]
    s3.delete_bucket_tagging(Bucket=BUCKET)
    result["bucket_tags_deleted"] = code(lambda: s3.get_bucket_tagging(Bucket=BUCKET))
except Exception as e:  # noqa: BLE001 - report any failure with the step it happened in
    print(json.dumps({"failed": step, "error": repr(e), "trace": traceback.format_exc(), **result}))
    sys.exit(1)
print(json.dumps(result))
