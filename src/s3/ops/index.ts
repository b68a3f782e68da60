import type { Handler } from '../call';
import type { Operation } from '../classify';
import { getBucketAcl, getBucketVersioning, getObjectAcl, putBucketAcl, putObjectAcl } from './acl';
import { createBucket, deleteBucket, getBucketLocation, headBucket, listBuckets } from './bucket';
import { copyObject, uploadPartCopy } from './copy';
import { deleteBucketCors, getBucketCors, putBucketCors } from './cors';
import { deleteObject } from './delete';
import { deleteObjects } from './delete-objects';
import { getObject, headObject } from './get';
import { getObjectAttributes } from './attributes';
import { listObjectVersions } from './versions';
import { listObjects, listObjectsV2 } from './list';
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  listMultipartUploads,
  listParts,
  uploadPart,
} from './multipart';
import { postObject } from './post';
import { putObject } from './put';
import { deletePublicAccessBlock, getPublicAccessBlock, putPublicAccessBlock } from './public-access-block';

type Implemented = Exclude<Operation['name'], 'Unsupported'>;

/** One handler per operation; handlers are grouped one file per operation group. */
export const handlers: { [N in Implemented]: Handler<N> } = {
  ListBuckets: listBuckets,
  CreateBucket: createBucket,
  HeadBucket: headBucket,
  DeleteBucket: deleteBucket,
  GetBucketLocation: getBucketLocation,
  ListObjects: listObjects,
  ListObjectsV2: listObjectsV2,
  PutObject: putObject,
  PostObject: postObject,
  GetObject: getObject,
  HeadObject: headObject,
  DeleteObject: deleteObject,
  ListMultipartUploads: listMultipartUploads,
  DeleteObjects: deleteObjects,
  CopyObject: copyObject,
  CreateMultipartUpload: createMultipartUpload,
  UploadPart: uploadPart,
  UploadPartCopy: uploadPartCopy,
  CompleteMultipartUpload: completeMultipartUpload,
  AbortMultipartUpload: abortMultipartUpload,
  ListParts: listParts,
  GetBucketVersioning: getBucketVersioning,
  GetBucketAcl: getBucketAcl,
  GetObjectAcl: getObjectAcl,
  PutBucketAcl: putBucketAcl,
  PutObjectAcl: putObjectAcl,
  GetPublicAccessBlock: getPublicAccessBlock,
  PutPublicAccessBlock: putPublicAccessBlock,
  DeletePublicAccessBlock: deletePublicAccessBlock,
  GetBucketCors: getBucketCors,
  PutBucketCors: putBucketCors,
  DeleteBucketCors: deleteBucketCors,
  GetObjectAttributes: getObjectAttributes,
  ListObjectVersions: listObjectVersions,
};
