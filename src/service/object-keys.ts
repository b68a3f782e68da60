import { utf8 } from '../crypto/encoding';
import { objectKeyLimit } from '../storage/layout';
import { ServiceError } from './errors';

/** S3's own limit on a key: 1024 bytes of UTF-8. */
const S3_KEY_LIMIT = 1024;

/**
 * Characters XML 1.0 cannot carry, not even as a character reference: C0 controls other than tab, line feed and
 * carriage return, U+FFFE and U+FFFF, and surrogates not paired into one character.
 */
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to refuse the control characters XML refuses.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The key rule for writes, for S3 and console alike (PutObject, CopyObject's target, CreateMultipartUpload, POST
 * Object, the console's uploads):
 * - it must fit R2's 1024-byte limit together with the bucket prefix (storage/layout.ts);
 * - it may hold no character XML 1.0 cannot carry: every S3 listing (and error) names keys in XML, and a key with
 *   such a character would make the whole document unreadable to a strict parser (the SDKs' among them). AWS
 *   stores such keys and answers listings that only `encoding-type=url` makes parseable; ROS refuses them when
 *   written, with a clear 400, so that every listing parses (docs/s3.md, "Keys").
 */
export function checkKeyLength(bucket: string, key: string): void {
  const limit = objectKeyLimit(bucket);
  if (utf8.encode(key).length > limit) {
    throw new ServiceError('key_too_long', `Your key is too long: at most ${limit} bytes in this bucket.`);
  }
  const bad = NOT_XML.exec(key);
  if (bad) {
    const code = bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw new ServiceError(
      'invalid_input',
      `Object keys cannot contain U+${code}: XML 1.0 cannot carry it, so no S3 listing could name the key.`,
      { ArgumentName: 'key' },
    );
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
