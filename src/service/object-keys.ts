import { objectKeyLimit } from '../storage/layout';
import { ServiceError } from './errors';

/**
 * The key must fit R2's 1024-byte limit together with the bucket prefix (storage/layout.ts): the one key-length
 * rule, for S3 and console alike.
 */
export function checkKeyLength(bucket: string, key: string): void {
  const limit = objectKeyLimit(bucket);
  if (new TextEncoder().encode(key).length > limit) {
    throw new ServiceError('key_too_long', `Your key is too long: at most ${limit} bytes in this bucket.`);
  }
}
