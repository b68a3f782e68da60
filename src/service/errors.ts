/**
 * The service layer's one error vocabulary: what it refuses, in its own terms. The protocols translate each
 * problem once at their boundary — src/console/errors.ts into the JSON API's status and code (docs/api.md),
 * src/s3/service-errors.ts into S3's error code and AWS's wording — so neither protocol's vocabulary leaks into
 * the other, and a new problem that either forgets to translate is a compile error (both map every Problem).
 */
export type Problem =
  // Requests and identities
  | 'invalid_input'
  | 'not_found'
  | 'forbidden'
  | 'conflict'
  | 'invalid_credentials'
  | 'account_disabled'
  | 'wrong_password'
  | 'already_bootstrapped'
  | 'last_admin'
  | 'project_has_buckets'
  | 'unknown_site'
  // The own-key-at-site rule (service/buckets.ts)
  | 'no_key_for_site'
  // Public access (service/acl.ts)
  | 'public_access_blocked'
  // Buckets
  | 'invalid_bucket_name'
  | 'bucket_exists'
  | 'bucket_name_settling'
  | 'bucket_not_empty'
  | 'confirmation_mismatch'
  // Bucket CORS rules (service/cors.ts): the shape of the rules, then what S3 refuses in them
  | 'malformed_cors'
  | 'invalid_cors_rule'
  // Object and bucket tags (service/tagging.ts)
  | 'invalid_tag'
  | 'too_many_tags'
  | 'invalid_tagging_header'
  // Objects
  | 'no_such_key'
  | 'key_too_long'
  | 'object_exists'
  | 'length_required'
  | 'too_large'
  // Multipart uploads
  | 'no_such_upload'
  | 'invalid_part_number'
  | 'invalid_part'
  | 'invalid_part_order'
  | 'part_too_small'
  | 'checksum_request_mismatch'
  | 'checksum_mismatch';

export class ServiceError extends Error {
  constructor(
    readonly problem: Problem,
    message: string,
    /** Facts a protocol may show with the error (S3 puts them in its XML: UploadId, PartNumber, ...). */
    readonly detail: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export const invalidInput = (message: string) => new ServiceError('invalid_input', message);
export const notFound = (what: string) => new ServiceError('not_found', `${what} not found`);
export const forbidden = (message: string) => new ServiceError('forbidden', message);
export const conflict = (message: string) => new ServiceError('conflict', message);
