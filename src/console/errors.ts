import type { Problem, ServiceError } from '../service/errors';

/** A refusal the console API reports as `{"error": {code, message}}` with an HTTP status (docs/api.md). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The HTTP status of each service problem; the API's code is the problem's own name. */
const STATUS: Record<Problem, number> = {
  invalid_input: 400,
  not_found: 404,
  forbidden: 403,
  conflict: 409,
  invalid_credentials: 401,
  account_disabled: 403,
  wrong_password: 403,
  already_bootstrapped: 409,
  last_admin: 409,
  project_has_buckets: 409,
  unknown_site: 400,
  no_key_for_site: 403,
  public_access_blocked: 403,
  invalid_bucket_name: 400,
  bucket_exists: 409,
  bucket_name_settling: 409,
  bucket_not_empty: 409,
  confirmation_mismatch: 400,
  malformed_cors: 400,
  invalid_cors_rule: 400,
  invalid_tag: 400,
  too_many_tags: 400,
  invalid_tagging_header: 400,
  no_such_key: 404,
  key_too_long: 400,
  object_exists: 409,
  length_required: 411,
  too_large: 413,
  no_such_upload: 404,
  invalid_part_number: 400,
  invalid_part: 400,
  invalid_part_order: 400,
  part_too_small: 400,
  checksum_request_mismatch: 400,
  checksum_mismatch: 400,
};

/** The one translation of the service layer's refusals into the API's. */
export const apiErrorOf = (err: ServiceError) => new ApiError(STATUS[err.problem], err.problem, err.message);
