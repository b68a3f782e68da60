import type { Target } from './addressing';

/**
 * (method, target, headers) → the S3 operation, as a typed value. Pure: table-tested in test/unit/s3.
 * Sub-resources follow the AWS S3 API reference; query parameters that are not sub-resources (such as the
 * SDK's `x-id=PutObject`) do not change the operation.
 */
export type BucketOperationName =
  | 'CreateBucket'
  | 'HeadBucket'
  | 'DeleteBucket'
  | 'GetBucketLocation'
  | 'ListObjects'
  | 'ListObjectsV2'
  | 'ListMultipartUploads'
  | 'DeleteObjects'
  | 'GetBucketVersioning'
  | 'ListObjectVersions'
  | 'GetBucketAcl'
  | 'PutBucketAcl'
  | 'GetPublicAccessBlock'
  | 'PutPublicAccessBlock'
  | 'DeletePublicAccessBlock'
  | 'GetBucketCors'
  | 'PutBucketCors'
  | 'DeleteBucketCors'
  | 'PostObject';

export type ObjectOperationName =
  | 'PutObject'
  | 'CopyObject'
  | 'GetObject'
  | 'HeadObject'
  | 'DeleteObject'
  | 'CreateMultipartUpload'
  | 'UploadPart'
  | 'UploadPartCopy'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'ListParts'
  | 'GetObjectAcl'
  | 'PutObjectAcl'
  | 'GetObjectAttributes';

export type Operation =
  | { name: 'ListBuckets' }
  | { [N in BucketOperationName]: { name: N; bucket: string } }[BucketOperationName]
  | { [N in ObjectOperationName]: { name: N; bucket: string; key: string } }[ObjectOperationName]
  /** A real S3 operation (or sub-resource) that ROS does not offer: 501 NotImplemented. */
  | { name: 'Unsupported'; what: string };

/**
 * Sub-resources S3 knows, where ROS does not implement them (those in the tables below are implemented on the
 * bucket or object they list). https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html */
const UNSUPPORTED_SUBRESOURCES = [
  'accelerate',
  'acl',
  'analytics',
  'attributes',
  'encryption',
  'intelligent-tiering',
  'inventory',
  'legal-hold',
  'lifecycle',
  'logging',
  'metadataConfiguration',
  'metadataTable',
  'metrics',
  'notification',
  'object-lock',
  'ownershipControls',
  'policy',
  'policyStatus',
  'publicAccessBlock',
  'renameObject',
  'replication',
  'requestPayment',
  'restore',
  'retention',
  'select',
  'session',
  'tagging',
  'torrent',
  'versioning',
  'versions',
  'website',
];

/**
 * Sub-resources ROS implements, by method. A method not listed for one (DELETE ?acl, PUT ?versioning) is an S3
 * operation ROS does not offer. Versioning is read-only: it is never enabled, and tools ask before they act
 * (rclone's purge reads ?versioning).
 */
const BUCKET_SUBRESOURCES: Record<string, Partial<Record<string, BucketOperationName>>> = {
  acl: { GET: 'GetBucketAcl', PUT: 'PutBucketAcl' },
  publicAccessBlock: { GET: 'GetPublicAccessBlock', PUT: 'PutPublicAccessBlock', DELETE: 'DeletePublicAccessBlock' },
  versioning: { GET: 'GetBucketVersioning' },
  versions: { GET: 'ListObjectVersions' },
};
const OBJECT_SUBRESOURCES: Record<string, Partial<Record<string, ObjectOperationName>>> = {
  acl: { GET: 'GetObjectAcl', PUT: 'PutObjectAcl' },
  attributes: { GET: 'GetObjectAttributes' },
};

export function classify(method: string, target: Target, headers: Headers): Operation {
  const q = target.query;
  if (target.bucket !== null) {
    const table = target.key === null ? BUCKET_SUBRESOURCES : OBJECT_SUBRESOURCES;
    const sub = Object.keys(table).find((name) => q.has(name));
    if (sub) {
      const name = table[sub][method];
      if (!name) return { name: 'Unsupported', what: `${method} ?${sub}` };
      return target.key === null
        ? ({ name, bucket: target.bucket } as Operation)
        : ({ name, bucket: target.bucket, key: target.key } as Operation);
    }
  }
  // ?cors is a bucket's sub-resource (read, set, deleted); on an object, or with another method, S3 has no such thing.
  if (q.has('cors') && target.bucket !== null) {
    const name = target.key === null ? corsOperation(method) : null;
    return name ? { name, bucket: target.bucket } : { name: 'Unsupported', what: `${method} ?cors` };
  }
  const unsupported = UNSUPPORTED_SUBRESOURCES.find((name) => q.has(name));
  if (unsupported) return { name: 'Unsupported', what: `${method} ?${unsupported}` };

  const { bucket, key } = target;
  if (bucket === null) {
    return method === 'GET' ? { name: 'ListBuckets' } : { name: 'Unsupported', what: `${method} /` };
  }
  if (key === null) {
    const name = bucketOperation(method, q);
    return name ? { name, bucket } : { name: 'Unsupported', what: `${method} on a bucket` };
  }
  const name = objectOperation(method, q, headers);
  return name ? { name, bucket, key } : { name: 'Unsupported', what: `${method} on an object` };
}

function corsOperation(method: string): BucketOperationName | null {
  switch (method) {
    case 'GET':
      return 'GetBucketCors';
    case 'PUT':
      return 'PutBucketCors';
    case 'DELETE':
      return 'DeleteBucketCors';
    default:
      return null;
  }
}

function bucketOperation(method: string, q: URLSearchParams): BucketOperationName | null {
  switch (method) {
    case 'GET':
      if (q.has('location')) return 'GetBucketLocation';
      if (q.has('uploads')) return 'ListMultipartUploads';
      return q.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
    case 'HEAD':
      return 'HeadBucket';
    case 'PUT':
      return 'CreateBucket';
    case 'DELETE':
      return 'DeleteBucket';
    case 'POST':
      if (q.has('delete')) return 'DeleteObjects';
      // Any other POST to a bucket is a browser form upload, whatever its Content-Type (POST Object answers a
      // form that is not multipart/form-data as S3 does); the key is a field of the form.
      return q.has('uploads') || q.has('uploadId') ? null : 'PostObject';
    default:
      return null;
  }
}

function objectOperation(method: string, q: URLSearchParams, headers: Headers): ObjectOperationName | null {
  const copy = headers.has('x-amz-copy-source');
  switch (method) {
    case 'GET':
      return q.has('uploadId') ? 'ListParts' : 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    case 'PUT':
      if (q.has('uploadId') || q.has('partNumber')) return copy ? 'UploadPartCopy' : 'UploadPart';
      return copy ? 'CopyObject' : 'PutObject';
    case 'DELETE':
      return q.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
    case 'POST':
      if (q.has('uploads')) return 'CreateMultipartUpload';
      if (q.has('uploadId')) return 'CompleteMultipartUpload';
      return null;
    default:
      return null;
  }
}
