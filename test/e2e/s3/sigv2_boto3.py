"""boto3 signing with Signature Version 2 against a ROS site, for test/e2e/s3/sigv2.test.mjs.

Usage: python3 sigv2_boto3.py < config.json
  config: {"endpoint", "bucket", "key": {"accessKeyId", "secretAccessKey"}}

What botocore does by default is the point: generate_presigned_url / generate_presigned_post with no
signature_version configured, and a client told signature_version="s3" (botocore's HmacV1Auth: the
`Authorization: AWS id:signature` header) for every operation. Prints what it saw as JSON and exits 0; on the first
failed check prints {"failed": step, "error": ...} and exits 1.
"""

import json
import sys
import traceback
import urllib.error
import urllib.request

import boto3
import botocore
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

CONFIG = json.load(sys.stdin)
ENDPOINT = CONFIG["endpoint"]
BUCKET = CONFIG["bucket"]
KEY = CONFIG["key"]

result = {"botocore": botocore.__version__, "authorization": {}}
step = "start"


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def record_scheme(request, event_name, **_):
    """before-send hook: the Authorization scheme of each operation as sent ("AWS" is SigV2)."""
    auth = request.headers.get("Authorization", b"")
    auth = auth.decode() if isinstance(auth, bytes) else auth
    result["authorization"].setdefault(event_name.split(".")[-1], auth.split(" ")[0])


def client(region="us-east-1", secret=None, **config):
    kwargs = dict(
        endpoint_url=ENDPOINT,
        aws_access_key_id=KEY["accessKeyId"],
        aws_secret_access_key=secret or KEY["secretAccessKey"],
        config=Config(retries={"max_attempts": 1, "mode": "standard"}, **config),
    )
    if region:
        kwargs["region_name"] = region
    c = boto3.client("s3", **kwargs)
    if config.get("signature_version") == "s3":
        c.meta.events.register("before-send.s3", record_scheme)
    return c


def http(url, method="GET", data=None, headers=None):
    """Plain HTTP. A body goes through requests, which (unlike urllib's default form Content-Type) adds no
    Content-Type: SigV2 signs Content-Type, so a presigned PUT must send exactly the one signed (none by default)."""
    if data is not None:
        r = requests.request(method, url, data=data, headers=headers or {}, timeout=30)
        return r.status_code, r.content, dict(r.headers)
    req = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return res.status, res.read(), dict(res.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)


def xml_field(body, name):
    text = body.decode("utf-8", "replace")
    return text.split(f"<{name}>")[1].split(f"</{name}>")[0] if f"<{name}>" in text else None


def error_code(fn, **kwargs):
    try:
        fn(**kwargs)
    except ClientError as e:
        return [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
    raise CheckFailed(f"{fn.__name__} succeeded, expected an error")


def main():
    global step
    v4 = client(signature_version="s3v4")
    v4.create_bucket(Bucket=BUCKET)

    step = "default presigned URLs"
    default = client()  # region us-east-1, no signature_version: what most scripts do
    body = "signed the old way ✓\n".encode()
    put_url = default.generate_presigned_url("put_object", Params={"Bucket": BUCKET, "Key": "pre/a b+c.txt"}, ExpiresIn=300)
    result["default_put_url_form"] = "sigv2" if "AWSAccessKeyId=" in put_url else "sigv4"
    status, out, _ = http(put_url, "PUT", body)
    check(status == 200, f"default presigned PUT {status} {out[:300]}")
    get_url = default.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "pre/a b+c.txt"}, ExpiresIn=300)
    result["default_get_url_form"] = "sigv2" if "AWSAccessKeyId=" in get_url else "sigv4"
    status, out, _ = http(get_url)
    check(status == 200 and out == body, f"default presigned GET {status} {out[:300]}")
    # With ContentType, botocore signs it and puts content-type in the query; the uploader sends the header.
    typed_url = default.generate_presigned_url(
        "put_object", Params={"Bucket": BUCKET, "Key": "pre/typed.csv", "ContentType": "text/csv"}, ExpiresIn=300
    )
    result["typed_url_has_content_type"] = "content-type=text%2Fcsv" in typed_url
    status, out, _ = http(typed_url, "PUT", b"a,b\n", {"Content-Type": "text/csv"})
    check(status == 200, f"presigned PUT with ContentType {status} {out[:300]}")
    check(v4.head_object(Bucket=BUCKET, Key="pre/typed.csv")["ContentType"] == "text/csv", "stored content type")
    # A response-* override is a signed sub-resource.
    override_url = default.generate_presigned_url(
        "get_object",
        Params={"Bucket": BUCKET, "Key": "pre/a b+c.txt", "ResponseContentDisposition": 'attachment; filename="x y.txt"'},
        ExpiresIn=300,
    )
    status, out, headers = http(override_url)
    result["override"] = [status, headers.get("Content-Disposition")]
    # Other region settings: "auto" (R2's) and no region at all.
    result["auto_region_url_form"] = (
        "sigv2"
        if "AWSAccessKeyId=" in client(region="auto").generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "k"})
        else "sigv4"
    )
    explicit = client(signature_version="s3").generate_presigned_url(
        "get_object", Params={"Bucket": BUCKET, "Key": "pre/a b+c.txt"}, ExpiresIn=300
    )
    status, out, _ = http(explicit)
    check(status == 200 and out == body, f"signature_version=s3 presigned GET {status}")
    result["explicit_s3_url_form"] = "sigv2" if "AWSAccessKeyId=" in explicit else "sigv4"
    # Tampered and expired URLs.
    status, out, _ = http(get_url.replace("a%20b", "a%20x"))
    result["tampered"] = [status, xml_field(out, "Code")]
    expired = default.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "pre/a b+c.txt"}, ExpiresIn=-60)
    status, out, _ = http(expired)
    result["expired"] = [status, xml_field(out, "Code"), xml_field(out, "Message"), xml_field(out, "Expires") is not None]

    step = "default presigned POST"
    post = default.generate_presigned_post(BUCKET, "post/form.txt", ExpiresIn=300)
    result["post_fields"] = sorted(post["fields"].keys())
    r = requests.post(post["url"], data=post["fields"], files={"file": ("form.txt", b"from a form")}, timeout=30)
    check(r.status_code == 204, f"presigned POST {r.status_code} {r.text[:300]}")
    check(v4.get_object(Bucket=BUCKET, Key="post/form.txt")["Body"].read() == b"from a form", "POST body")

    step = "signature_version=s3 client (Authorization: AWS)"
    s3 = client(signature_version="s3")
    s3.put_object(
        Bucket=BUCKET, Key="v2/one.txt", Body=b"one", ContentType="text/plain", Metadata={"colour": "blue"}, ACL="private"
    )
    got = s3.get_object(Bucket=BUCKET, Key="v2/one.txt", ResponseContentType="text/x-override")
    check(got["Body"].read() == b"one", "get_object body")
    check(got["ContentType"] == "text/x-override", f"ResponseContentType {got['ContentType']}")
    check(s3.head_object(Bucket=BUCKET, Key="v2/one.txt")["Metadata"] == {"colour": "blue"}, "metadata")
    check([o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="v2/")["Contents"]] == ["v2/one.txt"], "list v2")
    check(len(s3.list_objects(Bucket=BUCKET, Prefix="pre/")["Contents"]) == 2, "list v1")
    check(s3.get_object_acl(Bucket=BUCKET, Key="v2/one.txt")["Grants"][0]["Permission"] == "FULL_CONTROL", "acl")
    s3.put_object_acl(Bucket=BUCKET, Key="v2/one.txt", ACL="private")
    s3.get_bucket_location(Bucket=BUCKET)
    s3.head_bucket(Bucket=BUCKET)
    s3.copy_object(Bucket=BUCKET, Key="v2/copy.txt", CopySource={"Bucket": BUCKET, "Key": "v2/one.txt"})
    mpu = s3.create_multipart_upload(Bucket=BUCKET, Key="v2/multi.bin")
    part1 = s3.upload_part(Bucket=BUCKET, Key="v2/multi.bin", UploadId=mpu["UploadId"], PartNumber=1, Body=b"a" * (5 << 20))
    part2 = s3.upload_part(Bucket=BUCKET, Key="v2/multi.bin", UploadId=mpu["UploadId"], PartNumber=2, Body=b"b")
    listed = s3.list_parts(Bucket=BUCKET, Key="v2/multi.bin", UploadId=mpu["UploadId"])
    check([p["PartNumber"] for p in listed["Parts"]] == [1, 2], "list_parts")
    done = s3.complete_multipart_upload(
        Bucket=BUCKET,
        Key="v2/multi.bin",
        UploadId=mpu["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part1["ETag"]}, {"PartNumber": 2, "ETag": part2["ETag"]}]},
    )
    check(done["ETag"].endswith('-2"'), f"multipart ETag {done['ETag']}")
    aborted = s3.create_multipart_upload(Bucket=BUCKET, Key="v2/aborted.bin")
    s3.abort_multipart_upload(Bucket=BUCKET, Key="v2/aborted.bin", UploadId=aborted["UploadId"])
    deleted = s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": "v2/copy.txt"}, {"Key": "v2/multi.bin"}]})
    check(len(deleted["Deleted"]) == 2, "delete_objects")
    s3.delete_object(Bucket=BUCKET, Key="v2/one.txt")
    result["errors"] = {
        "wrong_secret": error_code(client(signature_version="s3", secret="w" * 40).list_objects_v2, Bucket=BUCKET),
        "missing": error_code(s3.get_object, Bucket=BUCKET, Key="v2/one.txt"),
    }
    result["schemes"] = sorted(set(result["authorization"].values()))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001 - report any failure with its step
        print(json.dumps({"failed": step, "error": repr(e), "trace": traceback.format_exc(), **result}))
        sys.exit(1)
    print(json.dumps(result))
