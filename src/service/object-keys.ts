import { utf8 } from '../crypto/encoding';
import { objectKeyLimit } from '../storage/layout';
import { ServiceError } from './errors';

/** S3's own limit on a key: 1024 bytes of UTF-8. */
const S3_KEY_LIMIT = 1024;

/**
 * The key must fit R2's 1024-byte limit together with the bucket prefix (storage/layout.ts): the one key-length
 * rule for writes, for S3 and console alike.
 */
export function checkKeyLength(bucket: string, key: string): void {
  const limit = objectKeyLimit(bucket);
  if (utf8.encode(key).length > limit) {
    throw new ServiceError('key_too_long', `Your key is too long: at most ${limit} bytes in this bucket.`);
  }
}

/**
 * For requests that name an object that may exist (GET, HEAD, DELETE, a copy's source, ACLs): whether the key could
 * be stored in this bucket at all. A key S3 would accept but this bucket cannot hold names no object (false: the
 * caller answers as for a missing object); a key past S3's own 1024 bytes is KeyTooLongError, as on AWS. Either
 * way the key never reaches R2, which would refuse it with an error of its own.
 */
export function keyCanExist(bucket: string, key: string): boolean {
  const bytes = utf8.encode(key).length;
  if (bytes > S3_KEY_LIMIT) throw new ServiceError('key_too_long', 'Your key is too long');
  return bytes <= objectKeyLimit(bucket);
}
