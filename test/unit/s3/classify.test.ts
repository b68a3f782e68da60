import { describe, expect, it } from 'vitest';
import { address } from '../../../src/s3/addressing';
import { classify, type Operation } from '../../../src/s3/classify';
import { S3Error } from '../../../src/s3/errors';

const op = (
  method: string,
  url: string,
  headers: Record<string, string> = {},
  hostBucket: string | null = null,
): Operation => classify(method, address(url, hostBucket), new Headers(headers));

const E = 'http://127.0.0.2:8787';
const copy = { 'x-amz-copy-source': '/src/key' };

describe('classify', () => {
  it.each<[string, string, Record<string, string>, Operation]>([
    ['GET', '/', {}, { name: 'ListBuckets' }],
    ['GET', '/?x-id=ListBuckets', {}, { name: 'ListBuckets' }],
    ['PUT', '/b', {}, { name: 'CreateBucket', bucket: 'b' }],
    ['PUT', '/b/', {}, { name: 'CreateBucket', bucket: 'b' }],
    ['HEAD', '/b', {}, { name: 'HeadBucket', bucket: 'b' }],
    ['DELETE', '/b', {}, { name: 'DeleteBucket', bucket: 'b' }],
    ['GET', '/b?location', {}, { name: 'GetBucketLocation', bucket: 'b' }],
    ['GET', '/b', {}, { name: 'ListObjects', bucket: 'b' }],
    ['GET', '/b?prefix=a&delimiter=%2F', {}, { name: 'ListObjects', bucket: 'b' }],
    ['GET', '/b?list-type=2', {}, { name: 'ListObjectsV2', bucket: 'b' }],
    ['GET', '/b?list-type=2&continuation-token=x', {}, { name: 'ListObjectsV2', bucket: 'b' }],
    ['GET', '/b?uploads', {}, { name: 'ListMultipartUploads', bucket: 'b' }],
    ['POST', '/b?delete', {}, { name: 'DeleteObjects', bucket: 'b' }],
    ['POST', '/b', { 'content-type': 'multipart/form-data; boundary=x' }, { name: 'PostObject', bucket: 'b' }],
    ['POST', '/b/', {}, { name: 'PostObject', bucket: 'b' }],
    ['POST', '/b?uploads', {}, { name: 'Unsupported', what: 'POST on a bucket' }],
    ['POST', '/b?uploadId=u', {}, { name: 'Unsupported', what: 'POST on a bucket' }],
    ['POST', '/', {}, { name: 'Unsupported', what: 'POST /' }],
    ['PUT', '/b/k', {}, { name: 'PutObject', bucket: 'b', key: 'k' }],
    ['PUT', '/b/k?x-id=PutObject', {}, { name: 'PutObject', bucket: 'b', key: 'k' }],
    ['PUT', '/b/k', copy, { name: 'CopyObject', bucket: 'b', key: 'k' }],
    ['GET', '/b/k', {}, { name: 'GetObject', bucket: 'b', key: 'k' }],
    ['GET', '/b/k?partNumber=2', {}, { name: 'GetObject', bucket: 'b', key: 'k' }],
    ['GET', '/b/k?response-content-type=text%2Fplain', {}, { name: 'GetObject', bucket: 'b', key: 'k' }],
    ['HEAD', '/b/k', {}, { name: 'HeadObject', bucket: 'b', key: 'k' }],
    ['DELETE', '/b/k', {}, { name: 'DeleteObject', bucket: 'b', key: 'k' }],
    ['POST', '/b/k?uploads', {}, { name: 'CreateMultipartUpload', bucket: 'b', key: 'k' }],
    ['PUT', '/b/k?partNumber=1&uploadId=u', {}, { name: 'UploadPart', bucket: 'b', key: 'k' }],
    ['PUT', '/b/k?partNumber=1&uploadId=u', copy, { name: 'UploadPartCopy', bucket: 'b', key: 'k' }],
    ['POST', '/b/k?uploadId=u', {}, { name: 'CompleteMultipartUpload', bucket: 'b', key: 'k' }],
    ['DELETE', '/b/k?uploadId=u', {}, { name: 'AbortMultipartUpload', bucket: 'b', key: 'k' }],
    ['GET', '/b/k?uploadId=u', {}, { name: 'ListParts', bucket: 'b', key: 'k' }],
    ['GET', '/b?acl', {}, { name: 'GetBucketAcl', bucket: 'b' }],
    ['GET', '/b/k?acl', {}, { name: 'GetObjectAcl', bucket: 'b', key: 'k' }],
    ['PUT', '/b?acl', {}, { name: 'PutBucketAcl', bucket: 'b' }],
    ['PUT', '/b/k?acl', {}, { name: 'PutObjectAcl', bucket: 'b', key: 'k' }],
    ['DELETE', '/b?acl', {}, { name: 'Unsupported', what: 'DELETE ?acl' }],
    ['GET', '/?acl', {}, { name: 'Unsupported', what: 'GET ?acl' }],
    ['GET', '/b?publicAccessBlock', {}, { name: 'GetPublicAccessBlock', bucket: 'b' }],
    ['PUT', '/b?publicAccessBlock', {}, { name: 'PutPublicAccessBlock', bucket: 'b' }],
    ['DELETE', '/b?publicAccessBlock', {}, { name: 'DeletePublicAccessBlock', bucket: 'b' }],
    ['GET', '/b/k?publicAccessBlock', {}, { name: 'Unsupported', what: 'GET ?publicAccessBlock' }],
    ['GET', '/b?versioning', {}, { name: 'GetBucketVersioning', bucket: 'b' }],
    ['PUT', '/b?versioning', {}, { name: 'Unsupported', what: 'PUT ?versioning' }],
    ['GET', '/b/k?versioning', {}, { name: 'Unsupported', what: 'GET ?versioning' }],
    ['GET', '/b?cors', {}, { name: 'GetBucketCors', bucket: 'b' }],
    ['PUT', '/b?cors', {}, { name: 'PutBucketCors', bucket: 'b' }],
    ['PUT', '/b/?cors=', {}, { name: 'PutBucketCors', bucket: 'b' }],
    ['DELETE', '/b?cors', {}, { name: 'DeleteBucketCors', bucket: 'b' }],
    ['POST', '/b?cors', {}, { name: 'Unsupported', what: 'POST ?cors' }],
    ['HEAD', '/b?cors', {}, { name: 'Unsupported', what: 'HEAD ?cors' }],
    ['GET', '/b/k?cors', {}, { name: 'Unsupported', what: 'GET ?cors' }],
    ['PUT', '/b/k?cors', {}, { name: 'Unsupported', what: 'PUT ?cors' }],
    ['GET', '/b?versions', {}, { name: 'ListObjectVersions', bucket: 'b' }],
    ['GET', '/b?versions&prefix=a&key-marker=k', {}, { name: 'ListObjectVersions', bucket: 'b' }],
    ['DELETE', '/b?versions', {}, { name: 'Unsupported', what: 'DELETE ?versions' }],
    ['GET', '/b/k?versions', {}, { name: 'Unsupported', what: 'GET ?versions' }],
    ['GET', '/b/k?attributes', {}, { name: 'GetObjectAttributes', bucket: 'b', key: 'k' }],
    ['PUT', '/b/k?attributes', {}, { name: 'Unsupported', what: 'PUT ?attributes' }],
    ['GET', '/b?attributes', {}, { name: 'Unsupported', what: 'GET ?attributes' }],
    ['PUT', '/b/k?tagging', {}, { name: 'Unsupported', what: 'PUT ?tagging' }],
    ['POST', '/b/k?restore', {}, { name: 'Unsupported', what: 'POST ?restore' }],
    ['POST', '/b/k', {}, { name: 'Unsupported', what: 'POST on an object' }],
    ['PUT', '/', {}, { name: 'Unsupported', what: 'PUT /' }],
    ['PATCH', '/b', {}, { name: 'Unsupported', what: 'PATCH on a bucket' }],
  ])('%s %s %j', (method, path, headers, expected) => {
    expect(op(method, `${E}${path}`, headers)).toEqual(expected);
  });

  it('takes the bucket from the host in virtual-host style', () => {
    expect(op('GET', 'http://photos.thailand-1.localhost/', {}, 'photos')).toEqual({
      name: 'ListObjects',
      bucket: 'photos',
    });
    expect(op('GET', 'http://photos.thailand-1.localhost/a/b.jpg', {}, 'photos')).toEqual({
      name: 'GetObject',
      bucket: 'photos',
      key: 'a/b.jpg',
    });
    expect(op('PUT', 'http://photos.thailand-1.localhost', {}, 'photos')).toEqual({
      name: 'CreateBucket',
      bucket: 'photos',
    });
    expect(op('POST', 'http://photos.thailand-1.localhost/', {}, 'photos')).toEqual({
      name: 'PostObject',
      bucket: 'photos',
    });
  });
});

describe('address', () => {
  it.each([
    ['/b/a%20b', 'a b'],
    ['/b/a+b', 'a b'], // a raw plus is a space, as on AWS
    ['/b/a%2Bb', 'a+b'],
    ['/b/%E0%B8%81', 'ก'],
    ['/b/a//b', 'a//b'],
    ['/b/dir/', 'dir/'],
    ['/b/a%2Fb', 'a/b'],
    ['/b/100%25', '100%'],
    ['/b/a/../b', 'a/../b'],
  ])('decodes the key of %s once: %j', (path, key) => {
    expect(address(`${E}${path}`, null).key).toBe(key);
  });

  it('refuses broken percent-encoding', () => {
    expect(() => address(`${E}/b/%E0%A4%A`, null)).toThrow(S3Error);
  });
});
