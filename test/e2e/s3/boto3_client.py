"""boto3 against a ROS site, for test/e2e/s3/boto3.test.mjs.

Usage: python3 boto3_client.py SCENARIO < config.json
  config: {"endpoint", "bucket", "keys": {"main", "other", "finland"}: {"accessKeyId", "secretAccessKey"}}
  SCENARIO: "full"      every operation ROS offers today, with its errors (region from the environment)
            "no-region" a few calls from a client given no region at all (AWS_DEFAULT_REGION unset by the caller)
            "post"      browser form uploads: generate_presigned_post as boto3 signs it by default and with s3v4,
                        sent with requests as a browser would (the file last)
            "cors"      put/get/delete_bucket_cors, with a browser's preflight (plain urllib) between them
            "versions"  get_object_attributes on simple and multipart objects, list_object_versions paged, and
                        emptying a bucket by walking its versions (bucket.object_versions.delete())

Prints one JSON object on stdout (what was observed, for the test to check too) and exits 0; on the first failed
check, prints {"failed": step, "error": ...} and exits 1. Objects stay small (multipart is the client matrix's),
so put_object / get_object only (not upload_file / download_file).
"""

import hashlib
import json
import os
import sys
import traceback
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import boto3
import botocore
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

CONFIG = json.load(sys.stdin)
ENDPOINT = CONFIG["endpoint"]
BUCKET = CONFIG["bucket"]
KEYS = CONFIG["keys"]

result = {"boto3": boto3.__version__, "botocore": botocore.__version__, "sent": {}, "errors": {}}
step = "start"


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def record_sent(request, event_name, **_):
    """before-send hook: what the client actually puts on the wire (after signing), one sample per operation."""
    op = event_name.split(".")[-1]  # before-send.s3.PutObject
    headers = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()}
    interesting = {
        k: v
        for k, v in headers.items()
        if k.lower().startswith(("x-amz-", "content-", "expect", "transfer-encoding")) and k.lower() != "x-amz-date"
    }
    auth = headers.get("Authorization", "")
    interesting["signed-headers"] = auth.split("SignedHeaders=")[1].split(",")[0] if "SignedHeaders=" in auth else None
    interesting["credential-scope"] = auth.split("Credential=")[1].split(",")[0].split("/", 1)[1] if "Credential=" in auth else None
    result["sent"].setdefault(op, {"method": request.method, "url": request.url, "headers": interesting})


def client(key="main", region="us-east-1", **config):
    k = KEYS[key]
    kwargs = dict(
        endpoint_url=ENDPOINT,
        aws_access_key_id=k["accessKeyId"],
        aws_secret_access_key=config.pop("secret", k["secretAccessKey"]),
        config=Config(retries={"max_attempts": 1, "mode": "standard"}, **config),
    )
    if region:
        kwargs["region_name"] = region
    c = boto3.client("s3", **kwargs)
    c.meta.events.register("before-send.s3", record_sent)
    return c


def error_code(fn, *args, **kwargs):
    """Calls fn, expecting a ClientError; returns (code, HTTP status)."""
    try:
        fn(*args, **kwargs)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    raise CheckFailed(f"{fn.__name__} succeeded, expected an error")


def http(url, method="GET", data=None, headers=None):
    """Plain urllib, as a browser or curl would use a presigned URL: (status, body)."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return res.status, res.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def md5(data):
    return hashlib.md5(data).hexdigest()


def full():
    global step
    s3 = client()

    step = "create_bucket"
    s3.create_bucket(Bucket=BUCKET)
    check(s3.head_bucket(Bucket=BUCKET)["ResponseMetadata"]["HTTPStatusCode"] == 200, "head_bucket")
    check(BUCKET in [b["Name"] for b in s3.list_buckets()["Buckets"]], "list_buckets lacks the bucket")
    # Created again by its owner: 200, as AWS us-east-1 answers (tools create buckets idempotently).
    result["create_again"] = s3.create_bucket(Bucket=BUCKET)["ResponseMetadata"]["HTTPStatusCode"]

    step = "put_object"
    text = "Grüße aus Python 🐍\n".encode()
    put = s3.put_object(
        Bucket=BUCKET, Key="greetings/hello.txt", Body=text, ContentType="text/plain; charset=utf-8",
        Metadata={"lang": "de", "made-by": "boto3"},
    )
    check(put["ETag"] == f'"{md5(text)}"', f"ETag {put['ETag']}")
    blob = os.urandom(1024 * 1024 + 7)
    s3.put_object(Bucket=BUCKET, Key="data/blob.bin", Body=blob)

    step = "get_object"
    got = s3.get_object(Bucket=BUCKET, Key="greetings/hello.txt")
    check(got["Body"].read() == text, "text body differs")
    check(got["ContentType"] == "text/plain; charset=utf-8", f"ContentType {got['ContentType']}")
    check(got["Metadata"] == {"lang": "de", "made-by": "boto3"}, f"Metadata {got['Metadata']}")
    whole = s3.get_object(Bucket=BUCKET, Key="data/blob.bin")["Body"].read()
    check(whole == blob, "blob differs")
    part = s3.get_object(Bucket=BUCKET, Key="data/blob.bin", Range="bytes=10-19")
    check(part["ResponseMetadata"]["HTTPStatusCode"] == 206, "Range status")
    check(part["ContentRange"] == f"bytes 10-19/{len(blob)}", f"ContentRange {part['ContentRange']}")
    check(part["Body"].read() == blob[10:20], "Range bytes differ")
    result["range"] = {"ContentRange": part["ContentRange"], "ContentLength": part["ContentLength"]}

    step = "head_object"
    head = s3.head_object(Bucket=BUCKET, Key="data/blob.bin")
    check(head["ContentLength"] == len(blob), f"ContentLength {head['ContentLength']}")
    check(head["ETag"] == f'"{md5(blob)}"', f"ETag {head['ETag']}")
    meta = s3.head_object(Bucket=BUCKET, Key="greetings/hello.txt")["Metadata"]
    check(meta == {"lang": "de", "made-by": "boto3"}, f"Metadata {meta}")

    step = "put 25 keys"
    many = [f"many/item-{i:02d}.txt" for i in range(25)]
    with ThreadPoolExecutor(max_workers=25) as pool:  # in parallel, as a user's script would
        list(pool.map(lambda k: s3.put_object(Bucket=BUCKET, Key=k, Body=k.encode()), many))

    step = "list_objects_v2 Delimiter"
    top = s3.list_objects_v2(Bucket=BUCKET, Delimiter="/")
    result["delimiter"] = {
        "CommonPrefixes": [p["Prefix"] for p in top.get("CommonPrefixes", [])],
        "Contents": [o["Key"] for o in top.get("Contents", [])],
        "KeyCount": top["KeyCount"],
    }
    check(result["delimiter"]["CommonPrefixes"] == ["data/", "greetings/", "many/"], f"CommonPrefixes {result['delimiter']}")
    sub = s3.list_objects_v2(Bucket=BUCKET, Prefix="greetings/", Delimiter="/")
    check([o["Key"] for o in sub["Contents"]] == ["greetings/hello.txt"], "Prefix listing")

    step = "paginator"
    pages = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix="many/", PaginationConfig={"PageSize": 10}):
        pages.append([o["Key"] for o in page.get("Contents", [])])
    result["pages"] = [len(p) for p in pages]
    check(sum(pages, []) == many, f"paginated keys {sum(pages, [])}")
    check(result["pages"] == [10, 10, 5], f"page sizes {result['pages']}")
    v1 = []
    for page in s3.get_paginator("list_objects").paginate(Bucket=BUCKET, Prefix="many/", PaginationConfig={"PageSize": 10}):
        v1 += [o["Key"] for o in page.get("Contents", [])]
    check(v1 == many, "list_objects (v1) paginator")

    step = "presigned URLs"
    # botocore presigns S3 with SigV2 unless told s3v4 (region us-east-1 or none); ROS verifies both.
    legacy = s3.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "greetings/hello.txt"}, ExpiresIn=300)
    status, body = http(legacy)
    result["presign_default"] = {"sigv2": "AWSAccessKeyId=" in legacy, "status": status, "body_ok": body == text}
    v4 = client(signature_version="s3v4")
    url = v4.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "greetings/hello.txt"}, ExpiresIn=300)
    check("X-Amz-Signature=" in url, url)
    status, body = http(url)
    check(status == 200 and body == text, f"presigned GET {status} {body[:200]}")
    url = v4.generate_presigned_url("put_object", Params={"Bucket": BUCKET, "Key": "presigned/put.txt"}, ExpiresIn=300)
    status, body = http(url, method="PUT", data=b"put through a presigned URL")
    check(status == 200, f"presigned PUT {status} {body[:300]}")
    check(s3.get_object(Bucket=BUCKET, Key="presigned/put.txt")["Body"].read() == b"put through a presigned URL", "presigned PUT body")
    status, body = http(url.replace("presigned/put.txt", "presigned/other.txt"), method="PUT", data=b"x")
    result["presign_tampered"] = {"status": status, "code": code_of(body)}

    step = "errors"
    result["errors"]["no_such_key"] = error_code(s3.get_object, Bucket=BUCKET, Key="missing.txt")
    result["errors"]["head_missing"] = error_code(s3.head_object, Bucket=BUCKET, Key="missing.txt")
    result["errors"]["no_such_bucket"] = error_code(s3.list_objects_v2, Bucket=BUCKET + "-missing")
    result["errors"]["invalid_bucket_name"] = error_code(s3.create_bucket, Bucket="Bad_Bucket")
    wrong = client(secret="w" * 40)
    result["errors"]["wrong_secret"] = error_code(wrong.get_object, Bucket=BUCKET, Key="greetings/hello.txt")
    other = client("other")
    result["errors"]["other_project_get"] = error_code(other.get_object, Bucket=BUCKET, Key="greetings/hello.txt")
    result["errors"]["other_project_put"] = error_code(other.put_object, Bucket=BUCKET, Key="x", Body=b"x")
    result["errors"]["other_project_create"] = error_code(other.create_bucket, Bucket=BUCKET)
    finland = client("finland")  # the project's finland-1 key, at the thailand-1 endpoint
    result["errors"]["other_site"] = error_code(finland.list_objects_v2, Bucket=BUCKET)

    step = "delete"
    check(s3.delete_object(Bucket=BUCKET, Key="greetings/hello.txt")["ResponseMetadata"]["HTTPStatusCode"] == 204, "delete")
    check(error_code(s3.get_object, Bucket=BUCKET, Key="greetings/hello.txt")[0] == "NoSuchKey", "deleted object still there")
    result["errors"]["delete_not_empty"] = error_code(s3.delete_bucket, Bucket=BUCKET)
    rest = [o["Key"] for p in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET) for o in p.get("Contents", [])]
    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(lambda k: s3.delete_object(Bucket=BUCKET, Key=k), rest))
    check(s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0, "bucket not empty after deletes")
    check(s3.delete_bucket(Bucket=BUCKET)["ResponseMetadata"]["HTTPStatusCode"] == 204, "delete_bucket")
    result["errors"]["head_deleted_bucket"] = error_code(s3.head_bucket, Bucket=BUCKET)
    result["deleted"] = len(rest) + 1


def no_region():
    global step
    step = "no-region client"
    check("AWS_DEFAULT_REGION" not in os.environ and "AWS_REGION" not in os.environ, "a region is set in the environment")
    s3 = client(region=None)
    result["region_name"] = s3.meta.region_name
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="k.txt", Body=b"no region")
    check(s3.get_object(Bucket=BUCKET, Key="k.txt")["Body"].read() == b"no region", "get")
    result["location"] = s3.get_bucket_location(Bucket=BUCKET).get("LocationConstraint")
    s3.delete_object(Bucket=BUCKET, Key="k.txt")
    s3.delete_bucket(Bucket=BUCKET)


def post_form(post, data, filename="notes.txt", **overrides):
    """Sends a presigned POST form with requests, the file last (requests puts `data` before `files`)."""
    fields = {**post["fields"], **overrides}
    res = requests.post(post["url"], data=fields, files={"file": (filename, data)}, timeout=60, allow_redirects=False)
    return res.status_code, res.content


def post():
    """generate_presigned_post in both signature forms; the object reads back, the policy holds."""
    global step
    s3 = client()
    s3.create_bucket(Bucket=BUCKET)
    result["post"] = {}
    for name, signer in (("default", s3), ("s3v4", client(signature_version="s3v4"))):
        step = f"generate_presigned_post ({name})"
        form = signer.generate_presigned_post(
            BUCKET,
            "forms/" + name + "/${filename}",
            Fields={"Content-Type": "text/plain", "x-amz-meta-via": name},
            Conditions=[
                ["content-length-range", 1, 100_000],
                {"Content-Type": "text/plain"},
                {"x-amz-meta-via": name},
            ],
            ExpiresIn=600,
        )
        seen = {"url": form["url"], "fields": sorted(form["fields"])}
        result["post"][name] = seen

        step = f"POST form ({name})"
        data = os.urandom(50_000)
        status, body = post_form(form, data, filename="report.bin")
        check(status == 204, f"{name} POST {status} {body[:300]}")
        key = f"forms/{name}/report.bin"
        got = s3.get_object(Bucket=BUCKET, Key=key)
        check(got["Body"].read() == data, f"{name}: the object differs")
        check(got["ContentType"] == "text/plain", f"{name}: ContentType {got['ContentType']}")
        check(got["Metadata"] == {"via": name}, f"{name}: Metadata {got['Metadata']}")
        check(got["ETag"] == f'"{md5(data)}"', f"{name}: ETag {got['ETag']}")

        step = f"POST conditions ({name})"
        status, body = post_form(form, os.urandom(100_001))
        seen["too_large"] = [status, code_of(body)]
        status, body = post_form(form, b"x", key="elsewhere/x.txt")
        seen["wrong_prefix"] = [status, code_of(body)]
        status, body = post_form(form, b"x", **{"Content-Type": "text/html"})
        seen["wrong_type"] = [status, code_of(body)]
        check(error_code(s3.head_object, Bucket=BUCKET, Key="elsewhere/x.txt")[1] == 404, "a refused form stored")

    step = "clean up"
    for key in [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]:
        s3.delete_object(Bucket=BUCKET, Key=key)
    s3.delete_bucket(Bucket=BUCKET)


def cors():
    global step
    s3 = client()
    s3.create_bucket(Bucket=BUCKET)
    step = "get_bucket_cors before any"
    result["errors"]["cors_none"] = error_code(s3.get_bucket_cors, Bucket=BUCKET)
    rules = [
        {
            "ID": "web app",
            "AllowedOrigins": ["https://app.example.com"],
            "AllowedMethods": ["GET", "PUT", "POST", "HEAD"],
            "AllowedHeaders": ["*"],
            "ExposeHeaders": ["ETag"],
            "MaxAgeSeconds": 3000,
        },
        {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]},
    ]
    step = "put_bucket_cors"
    put = s3.put_bucket_cors(Bucket=BUCKET, CORSConfiguration={"CORSRules": rules})
    check(put["ResponseMetadata"]["HTTPStatusCode"] == 200, "put_bucket_cors")
    step = "get_bucket_cors"
    result["cors_rules"] = s3.get_bucket_cors(Bucket=BUCKET)["CORSRules"]

    step = "preflight"
    url = f"{ENDPOINT}/{BUCKET}/upload.jpg"
    ask = {"Origin": "https://app.example.com", "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "content-type,x-amz-date"}
    req = urllib.request.Request(url, method="OPTIONS", headers=ask)
    with urllib.request.urlopen(req, timeout=30) as res:
        result["preflight"] = {"status": res.status, **{k.lower(): v for k, v in res.headers.items() if k.lower().startswith("access-control-")}}
    step = "an actual request from the origin"
    # A presigned PUT, as a web app's server hands one to the browser (SigV4: botocore's default is SigV2).
    signed = client(signature_version="s3v4").generate_presigned_url("put_object", Params={"Bucket": BUCKET, "Key": "upload.jpg"})
    req = urllib.request.Request(signed, data=b"jpeg", method="PUT", headers={"Origin": "https://app.example.com"})
    with urllib.request.urlopen(req, timeout=30) as res:
        result["actual"] = {"status": res.status, "allow_origin": res.headers.get("Access-Control-Allow-Origin"), "expose": res.headers.get("Access-Control-Expose-Headers")}

    step = "put_bucket_cors refused"
    result["errors"]["cors_patch"] = error_code(
        s3.put_bucket_cors, Bucket=BUCKET, CORSConfiguration={"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["PATCH"]}]}
    )
    result["errors"]["cors_empty"] = error_code(s3.put_bucket_cors, Bucket=BUCKET, CORSConfiguration={"CORSRules": []})
    check(s3.get_bucket_cors(Bucket=BUCKET)["CORSRules"] == result["cors_rules"], "a refused put changed the rules")

    step = "delete_bucket_cors"
    result["delete_status"] = s3.delete_bucket_cors(Bucket=BUCKET)["ResponseMetadata"]["HTTPStatusCode"]
    result["errors"]["cors_deleted"] = error_code(s3.get_bucket_cors, Bucket=BUCKET)
    s3.delete_object(Bucket=BUCKET, Key="upload.jpg")
    s3.delete_bucket(Bucket=BUCKET)


def versions():
    global step
    s3 = client()
    step = "create_bucket twice"
    s3.create_bucket(Bucket=BUCKET)
    result["create_again"] = s3.create_bucket(Bucket=BUCKET)["ResponseMetadata"]["HTTPStatusCode"]
    everything = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"]

    step = "get_object_attributes (simple)"
    body = b"attributes, please"
    put = s3.put_object(Bucket=BUCKET, Key="simple.txt", Body=body, ChecksumAlgorithm="SHA256")
    attrs = s3.get_object_attributes(Bucket=BUCKET, Key="simple.txt", ObjectAttributes=everything)
    check(attrs["ETag"] == put["ETag"].strip('"'), f"ETag {attrs['ETag']} vs {put['ETag']}")
    check(attrs["Checksum"]["ChecksumSHA256"] == put["ChecksumSHA256"], f"checksum {attrs['Checksum']}")
    result["simple"] = {k: attrs.get(k) for k in ("Checksum", "ObjectParts", "StorageClass", "ObjectSize")}
    result["simple"]["Checksum"].pop("ChecksumSHA256")
    result["simple"]["LastModified"] = type(attrs.get("LastModified")).__name__

    step = "get_object_attributes (multipart)"
    up = s3.create_multipart_upload(Bucket=BUCKET, Key="multi.bin", ChecksumAlgorithm="CRC32")
    parts = []
    for n, data in enumerate([os.urandom(5 * 1024 * 1024), os.urandom(1000)], start=1):
        r = s3.upload_part(
            Bucket=BUCKET, Key="multi.bin", UploadId=up["UploadId"], PartNumber=n, Body=data, ChecksumAlgorithm="CRC32"
        )
        parts.append({"PartNumber": n, "ETag": r["ETag"], "ChecksumCRC32": r["ChecksumCRC32"]})
    done = s3.complete_multipart_upload(
        Bucket=BUCKET, Key="multi.bin", UploadId=up["UploadId"], MultipartUpload={"Parts": parts}
    )
    attrs = s3.get_object_attributes(Bucket=BUCKET, Key="multi.bin", ObjectAttributes=everything, MaxParts=1)
    check(attrs["ETag"] == done["ETag"].strip('"'), f"ETag {attrs['ETag']} vs {done['ETag']}")
    check(attrs["Checksum"]["ChecksumCRC32"] == done["ChecksumCRC32"], f"checksum {attrs['Checksum']}")
    result["multipart"] = {k: attrs.get(k) for k in ("Checksum", "ObjectParts", "StorageClass", "ObjectSize")}
    result["multipart"]["Checksum"]["ChecksumCRC32"] = result["multipart"]["Checksum"]["ChecksumCRC32"][-2:]
    result["errors"]["attributes_missing"] = error_code(
        s3.get_object_attributes, Bucket=BUCKET, Key="nope", ObjectAttributes=["ETag"]
    )

    step = "list_object_versions"
    keys = ["a b/c+d.txt", "a b/e.txt", "f", "g/h", "i"]
    for key in keys:
        s3.put_object(Bucket=BUCKET, Key=key, Body=key.encode())
    pages = s3.get_paginator("list_object_versions").paginate(Bucket=BUCKET, PaginationConfig={"PageSize": 2})
    listed = []
    page_sizes = []
    for page in pages:
        page_sizes.append(len(page.get("Versions", [])))
        for v in page.get("Versions", []):
            check(v["VersionId"] == "null" and v["IsLatest"] is True, f"version {v}")
            listed.append(v["Key"])
        check(not page.get("DeleteMarkers"), "delete markers")
    result["versions_listed"] = listed
    result["version_pages"] = page_sizes
    grouped = s3.list_object_versions(Bucket=BUCKET, Delimiter="/", Prefix="a")
    result["versions_grouped"] = [p["Prefix"] for p in grouped.get("CommonPrefixes", [])]
    check(s3.get_object(Bucket=BUCKET, Key="f", VersionId="null")["Body"].read() == b"f", "get versionId=null")
    result["errors"]["bad_version"] = error_code(s3.get_object, Bucket=BUCKET, Key="f", VersionId="3HL4kqCxf3vjVBH40Nrjfkd")

    step = "object_versions.delete()"
    resource = boto3.resource(
        "s3", endpoint_url=ENDPOINT, region_name="us-east-1",
        aws_access_key_id=KEYS["main"]["accessKeyId"], aws_secret_access_key=KEYS["main"]["secretAccessKey"],
    )
    bucket = resource.Bucket(BUCKET)
    deleted = bucket.object_versions.delete()
    result["version_delete"] = sorted(d["Key"] for batch in deleted for d in batch.get("Deleted", []))
    result["version_delete_ids"] = sorted({d.get("VersionId") for batch in deleted for d in batch.get("Deleted", [])})
    check(s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0, "bucket not empty after object_versions.delete()")
    bucket.delete()


def code_of(body):
    text = body.decode("utf-8", "replace")
    return text.split("<Code>")[1].split("</Code>")[0] if "<Code>" in text else None


if __name__ == "__main__":
    scenario = sys.argv[1] if len(sys.argv) > 1 else "full"
    try:
        {"full": full, "no-region": no_region, "post": post, "cors": cors, "versions": versions}[scenario]()
    except Exception as e:  # noqa: BLE001 — report any failure with the step it happened in
        result.update(failed=step, error=f"{type(e).__name__}: {e}", traceback=traceback.format_exc())
        print(json.dumps(result, indent=1, default=str))
        sys.exit(1)
    print(json.dumps(result, indent=1, default=str))
