"""moto_server for the benchmark: exactly `moto_server -H <host> -p <port>` (moto.server.main), except that the
ListObjectsV2 fixture (the bucket and <count> objects of <size> bytes under <prefix>) is written into moto's S3
backend in-process before it starts serving. Through HTTP those 10,000 PUTs cost moto ~40 s of the bench's
10-minute budget on a busy 2-core machine; they are set-up, not measurement.

usage: moto-server.py HOST PORT BUCKET PREFIX COUNT SIZE
"""

import sys

from moto.core import DEFAULT_ACCOUNT_ID
from moto.s3.models import s3_backends
from moto.server import main

host, port, bucket, prefix, count, size = sys.argv[1:7]
backend = s3_backends[DEFAULT_ACCOUNT_ID]["aws"]
backend.create_bucket(bucket, "us-east-1")
body = bytes(range(256)) * (int(size) // 256) + bytes(int(size) % 256)
for i in range(int(count)):
    backend.put_object(bucket, f"{prefix}{i:06d}", body)

main(["-H", host, "-p", port])
