// The benchmark's baseline: the least a Worker can do to answer the benchmark's S3 requests straight from an R2
// binding — no auth, no D1, no S3 rules, no body checks. It runs in the same workerd as ROS, so ROS ÷ baseline
// is what ROS's S3 layer costs over the runtime itself.
//
// It speaks just enough of S3's wire format (path style `/<bucket>/<key>`, the bucket ignored) that the load
// generator sends every target the same requests and reads every answer the same way:
//   PUT /b/k                      → R2 put of the raw body
//   GET /b/k, HEAD /b/k           → R2 get / head
//   GET /b?list-type=2            → R2 list, rendered as a ListObjectsV2 page
//   POST /b/k?uploads             → R2 createMultipartUpload
//   PUT /b/k?partNumber=&uploadId= → R2 uploadPart of the raw body (the bench sends it plain, not aws-chunked)
//   POST /b/k?uploadId=           → R2 complete, the part list read from S3's XML with a regex
//   PUT /b, DELETE …              → 200 / 204 and nothing else
//   GET /                         → "ros-bench-baseline", so the bench can tell it found this Worker
//   POST /__bench/clone           → set-up only, never measured: writes the listing fixture in-process (clone())

const xmlEscape = (s) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const xml = (body, status = 200) =>
  new Response(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`, {
    status,
    headers: { 'Content-Type': 'application/xml' },
  });
const notFound = () => new Response(null, { status: 404 });

function objectHeaders(obj) {
  return {
    ETag: obj.httpEtag,
    'Last-Modified': obj.uploaded.toUTCString(),
    'Content-Length': String(obj.size),
    'Content-Type': 'application/octet-stream',
  };
}

async function list(bucket, name, q) {
  const max = Math.min(Number(q.get('max-keys') ?? 1000), 1000);
  const prefix = q.get('prefix') ?? '';
  const token = q.get('continuation-token') ?? undefined;
  const page = await bucket.list({ prefix, limit: max, cursor: token });
  const contents = page.objects
    .map(
      (o) =>
        `<Contents><Key>${xmlEscape(o.key)}</Key><LastModified>${o.uploaded.toISOString()}</LastModified>` +
        `<ETag>${xmlEscape(o.httpEtag)}</ETag><Size>${o.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
    )
    .join('');
  const next = page.truncated ? `<NextContinuationToken>${xmlEscape(page.cursor)}</NextContinuationToken>` : '';
  return xml(
    `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${xmlEscape(name)}</Name>` +
      `<Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.objects.length}</KeyCount><MaxKeys>${max}</MaxKeys>` +
      `<IsTruncated>${page.truncated}</IsTruncated>${next}${contents}</ListBucketResult>`,
  );
}

/**
 * Bench fixtures, written in-process: copies of one object (body and metadata, as its server stored it) under
 * `<prefix><000000…count-1>` in ROS's site bucket or this Worker's own. Not part of any measurement: through HTTP,
 * 10,000 PUTs cost ROS over a minute on a busy 2-core machine; from here they cost only the R2 simulation's
 * writes. `to` is the R2 key prefix; ROS's comes from its own layout module, so it cannot drift.
 */
async function clone(env, q) {
  const r2 = q.get('bucket') === 'ros' ? env.ROS_SITE : env.R2;
  const from = q.get('from');
  const template = await r2.get(from);
  if (!template) return new Response(`no ${from}`, { status: 404 });
  const body = await template.arrayBuffer();
  const options = { httpMetadata: template.httpMetadata, customMetadata: template.customMetadata };
  const count = Number(q.get('count'));
  const prefix = q.get('to');
  const started = Date.now();
  for (let i = 0; i < count; i += 32) {
    const batch = [];
    for (let j = i; j < Math.min(i + 32, count); j++)
      batch.push(r2.put(`${prefix}${String(j).padStart(6, '0')}`, body, options));
    await Promise.all(batch);
  }
  return new Response(`cloned ${count} in ${Date.now() - started} ms`);
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const q = url.searchParams;
    const slash = url.pathname.indexOf('/', 1);
    const bucketName = decodeURIComponent(slash < 0 ? url.pathname.slice(1) : url.pathname.slice(1, slash));
    const key = slash < 0 ? '' : decodeURIComponent(url.pathname.slice(slash + 1));
    const r2 = env.R2;

    if (url.pathname === '/') return new Response('ros-bench-baseline'); // how the bench finds this worker
    if (url.pathname === '/__bench/clone') return clone(env, q);
    if (!key) {
      if (request.method === 'GET' && q.get('list-type') === '2') return list(r2, bucketName, q);
      return new Response(null, { status: 200 }); // CreateBucket, HeadBucket: nothing to do.
    }
    switch (request.method) {
      case 'GET': {
        const obj = await r2.get(key);
        return obj ? new Response(obj.body, { headers: objectHeaders(obj) }) : notFound();
      }
      case 'HEAD': {
        const obj = await r2.head(key);
        return obj ? new Response(null, { headers: objectHeaders(obj) }) : notFound();
      }
      case 'PUT': {
        if (q.has('uploadId')) {
          const part = await r2
            .resumeMultipartUpload(key, q.get('uploadId'))
            .uploadPart(Number(q.get('partNumber')), request.body);
          return new Response(null, { headers: { ETag: `"${part.etag}"` } });
        }
        const obj = await r2.put(key, request.body);
        return new Response(null, { headers: { ETag: obj.httpEtag } });
      }
      case 'POST': {
        if (q.has('uploads')) {
          const upload = await r2.createMultipartUpload(key);
          return xml(
            `<InitiateMultipartUploadResult><Bucket>${xmlEscape(bucketName)}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${xmlEscape(upload.uploadId)}</UploadId></InitiateMultipartUploadResult>`,
          );
        }
        if (q.has('uploadId')) {
          const body = await request.text();
          const parts = [...body.matchAll(/<PartNumber>(\d+)<\/PartNumber>\s*<ETag>"?([^<"]+)"?<\/ETag>/g)].map(
            (m) => ({ partNumber: Number(m[1]), etag: m[2] }),
          );
          const obj = await r2.resumeMultipartUpload(key, q.get('uploadId')).complete(parts);
          return xml(
            `<CompleteMultipartUploadResult><Bucket>${xmlEscape(bucketName)}</Bucket><Key>${xmlEscape(key)}</Key><ETag>${xmlEscape(obj.httpEtag)}</ETag></CompleteMultipartUploadResult>`,
          );
        }
        return new Response(null, { status: 400 });
      }
      case 'DELETE':
        if (q.has('uploadId')) await r2.resumeMultipartUpload(key, q.get('uploadId')).abort();
        else await r2.delete(key);
        return new Response(null, { status: 204 });
      default:
        return new Response(null, { status: 405 });
    }
  },
};
