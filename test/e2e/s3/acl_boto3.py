"""boto3 and canned ACLs against a ROS site, for test/e2e/s3/public-access.test.mjs.

Usage: python3 acl_boto3.py < config.json
  config: {"endpoint", "bucket", "keys": {"main", "other"}: {"accessKeyId", "secretAccessKey"}}

Default client settings. Prints one JSON object of what was observed; on the first failed check prints
{"failed": step, ...} and exits 1.
"""

import json
import sys
import traceback
import urllib.error
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

CONFIG = json.load(sys.stdin)
ENDPOINT, BUCKET, KEYS = CONFIG["endpoint"], CONFIG["bucket"], CONFIG["keys"]
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
result = {}
step = "start"


def client(key):
    k = KEYS[key]
    return boto3.client(
        "s3",
        endpoint_url=ENDPOINT,
        region_name="us-east-1",
        aws_access_key_id=k["accessKeyId"],
        aws_secret_access_key=k["secretAccessKey"],
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )


def anonymous(path, method="GET", data=None):
    """An unsigned request, as a browser or curl sends it: (status, body)."""
    req = urllib.request.Request(f"{ENDPOINT}/{path}", data=data, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return res.status, res.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def code(fn, **kwargs):
    try:
        fn(**kwargs)
    except ClientError as e:
        return e.response["Error"]["Code"]
    raise AssertionError(f"{fn.__name__} succeeded")


def grants(acl):
    return sorted((g["Grantee"].get("URI", "owner"), g["Permission"]) for g in acl["Grants"])


def main():
    global step
    s3, other = client("main"), client("other")
    step = "create_bucket ACL=public-read"
    s3.create_bucket(Bucket=BUCKET, ACL="public-read")
    s3.put_object(Bucket=BUCKET, Key="site/index.html", Body=b"<h1>public</h1>", ContentType="text/html")
    result["bucket_grants"] = grants(s3.get_bucket_acl(Bucket=BUCKET))
    result["anonymous_get"] = anonymous(f"{BUCKET}/site/index.html")
    result["anonymous_list_status"] = anonymous(f"{BUCKET}?list-type=2")[0]
    result["anonymous_put_status"] = anonymous(f"{BUCKET}/x", "PUT", b"x")[0]

    step = "put_bucket_acl private, put_object ACL=public-read"
    s3.put_bucket_acl(Bucket=BUCKET, ACL="private")
    s3.put_object(Bucket=BUCKET, Key="one.txt", Body=b"just this one", ACL="public-read")
    result["object_grants"] = grants(s3.get_object_acl(Bucket=BUCKET, Key="one.txt"))
    result["anonymous_one"] = anonymous(f"{BUCKET}/one.txt")
    result["anonymous_index_status"] = anonymous(f"{BUCKET}/site/index.html")[0]

    step = "authenticated-read: another project's key reads"
    s3.put_bucket_acl(Bucket=BUCKET, ACL="authenticated-read")
    result["other_project_read"] = other.get_object(Bucket=BUCKET, Key="site/index.html")["Body"].read().decode()
    result["other_project_put"] = code(other.put_object, Bucket=BUCKET, Key="y", Body=b"y")

    step = "put_bucket_acl with the AccessControlPolicy that get_bucket_acl returned, plus AllUsers READ"
    policy = s3.get_bucket_acl(Bucket=BUCKET)
    policy["Grants"] = [g for g in policy["Grants"] if "URI" not in g["Grantee"]]
    policy["Grants"].append({"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"})
    s3.put_bucket_acl(Bucket=BUCKET, AccessControlPolicy={"Grants": policy["Grants"], "Owner": policy["Owner"]})
    result["policy_grants"] = grants(s3.get_bucket_acl(Bucket=BUCKET))

    step = "public access block"
    result["no_block"] = code(s3.get_public_access_block, Bucket=BUCKET)
    s3.put_public_access_block(
        Bucket=BUCKET,
        PublicAccessBlockConfiguration={"BlockPublicAcls": True, "IgnorePublicAcls": True},
    )
    result["block"] = s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"]
    result["blocked_put_acl"] = code(s3.put_bucket_acl, Bucket=BUCKET, ACL="public-read")
    result["ignored_anonymous_status"] = anonymous(f"{BUCKET}/site/index.html")[0]
    s3.delete_public_access_block(Bucket=BUCKET)
    result["unblocked_anonymous_status"] = anonymous(f"{BUCKET}/site/index.html")[0]

    step = "clean up"
    for key in ("site/index.html", "one.txt"):
        s3.delete_object(Bucket=BUCKET, Key=key)
    s3.delete_bucket(Bucket=BUCKET)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001 — report any failure with the step it happened in
        result.update(failed=step, error=f"{type(e).__name__}: {e}", traceback=traceback.format_exc())
        print(json.dumps(result, indent=1))
        sys.exit(1)
    print(json.dumps(result, indent=1))
