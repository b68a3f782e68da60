import type { Problem, ServiceError } from '../service/errors';
import { S3Error, type S3ErrorCode } from './errors';

/**
 * The S3 code of each service problem. The service words the refusals S3 clients meet (multipart, key length) as
 * AWS does, so the message and the detail (UploadId, PartNumber, ETag, ...) pass through unchanged; problems only
 * the console meets still get the nearest S3 code, so that a new path can never turn one into a 500.
 */
const CODE: Record<Problem, S3ErrorCode> = {
  invalid_input: 'InvalidArgument',
  not_found: 'InvalidRequest',
  forbidden: 'AccessDenied',
  conflict: 'OperationAborted',
  invalid_credentials: 'AccessDenied',
  account_disabled: 'AccessDenied',
  wrong_password: 'AccessDenied',
  already_bootstrapped: 'InvalidRequest',
  last_admin: 'InvalidRequest',
  project_has_buckets: 'InvalidRequest',
  unknown_site: 'InvalidRequest',
  no_key_for_site: 'AccessDenied',
  public_access_blocked: 'AccessDenied',
  invalid_bucket_name: 'InvalidBucketName',
  bucket_exists: 'BucketAlreadyExists',
  bucket_name_settling: 'OperationAborted',
  bucket_not_empty: 'BucketNotEmpty',
  confirmation_mismatch: 'InvalidRequest',
  malformed_cors: 'MalformedXML',
  invalid_cors_rule: 'InvalidRequest',
  invalid_tag: 'InvalidTag',
  too_many_tags: 'BadRequest',
  invalid_tagging_header: 'InvalidArgument',
  no_such_key: 'NoSuchKey',
  key_too_long: 'KeyTooLongError',
  object_exists: 'PreconditionFailed',
  length_required: 'MissingContentLength',
  too_large: 'EntityTooLarge',
  no_such_upload: 'NoSuchUpload',
  invalid_part_number: 'InvalidArgument',
  invalid_part: 'InvalidPart',
  invalid_part_order: 'InvalidPartOrder',
  part_too_small: 'EntityTooSmall',
  checksum_request_mismatch: 'InvalidRequest',
  checksum_mismatch: 'BadDigest',
};

/** The one translation of the service layer's refusals into S3 errors. */
export const s3ErrorOf = (err: ServiceError) => new S3Error(CODE[err.problem], err.message, { ...err.detail });
