import type { BucketRow } from '../db/buckets';
import { deleteObjectTags, findObjectTags, putObjectTags, updateBucketTags } from '../db/tags';
import type { Site } from '../sites';
import { forgetBucket } from './bucket-cache';
import type { Services } from './context';
import { ServiceError, invalidInput } from './errors';
import type { Body } from './input';

/**
 * Object and bucket tags, for the S3 API and the console alike: one check with AWS's limits and wording, one
 * way to store them (src/db/tags.ts). https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html
 * An object's tags belong to one version of it (as its ACL does): a new write starts with the tags it asks for
 * (x-amz-tagging), or none.
 */
export interface Tag {
  key: string;
  value: string;
}

export type TagTarget = 'object' | 'bucket';
export const MAX_TAGS: Record<TagTarget, number> = { object: 10, bucket: 50 };
/** In UTF-16 code units, as S3 counts them (a character outside the BMP counts twice). */
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;
/** What S3 allows in keys and values: letters, numbers, spaces (Unicode's separators), and _ . : / = + - @. */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
/** Keys S3 keeps for its own tags, in any case. */
const SYSTEM_PREFIX = 'aws:';

const tooMany = (target: TagTarget) =>
  new ServiceError(
    'too_many_tags',
    target === 'object'
      ? `Object tags cannot be greater than ${MAX_TAGS.object}`
      : `Bucket tags cannot be greater than ${MAX_TAGS.bucket}`,
  );
const invalidKey = (key: string) =>
  new ServiceError('invalid_tag', 'The TagKey you have provided is invalid', { TagKey: key });
const invalidValue = (key: string, value: string) =>
  new ServiceError('invalid_tag', 'The TagValue you have provided is invalid', { TagKey: key, TagValue: value });

/**
 * Checks a tag set as S3 does, in S3's order: the count, then each tag (key, then value), then duplicate keys.
 * Returns it unchanged; an empty set is valid (it removes the tags).
 */
export function checkTagSet(tags: Tag[], target: TagTarget): Tag[] {
  if (tags.length > MAX_TAGS[target]) throw tooMany(target);
  const seen = new Set<string>();
  for (const { key, value } of tags) {
    if (key.length === 0 || key.length > MAX_TAG_KEY_LENGTH || !TAG_TEXT.test(key)) throw invalidKey(key);
    if (key.toLowerCase().startsWith(SYSTEM_PREFIX)) {
      throw new ServiceError('invalid_tag', 'System tags cannot be added/updated by requester', { TagKey: key });
    }
    if (value.length > MAX_TAG_VALUE_LENGTH || !TAG_TEXT.test(value)) throw invalidValue(key, value);
    if (seen.has(key)) {
      throw new ServiceError('invalid_tag', 'Cannot provide multiple Tags with the same key', { TagKey: key });
    }
    seen.add(key);
  }
  return tags;
}

/**
 * The tags of an `x-amz-tagging` header (PutObject, CopyObject, CreateMultipartUpload): URL-query encoded,
 * `k1=v1&k2=v2`, `+` for a space, a key without `=` has an empty value. A key twice, an empty key or an escape
 * that is not UTF-8 is refused as S3 refuses it (InvalidArgument); then the tag set is checked.
 */
export function parseTaggingHeader(header: string): Tag[] {
  const refused = () =>
    new ServiceError(
      'invalid_tagging_header',
      "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.",
      { ArgumentName: 'x-amz-tagging', ArgumentValue: header },
    );
  const decode = (text: string) => {
    try {
      return decodeURIComponent(text.replaceAll('+', ' '));
    } catch {
      throw refused();
    }
  };
  const tags: Tag[] = [];
  const seen = new Set<string>();
  for (const pair of header.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
    if (key === '' || seen.has(key)) throw refused();
    seen.add(key);
    tags.push({ key, value });
  }
  return checkTagSet(tags, 'object');
}

/** The stored form: JSON [[key, value], ...], in the order given. */
export const encodeTags = (tags: Tag[]): string => JSON.stringify(tags.map((t) => [t.key, t.value]));

export function decodeTags(json: string | null): Tag[] {
  if (!json) return [];
  return (JSON.parse(json) as [string, string][]).map(([key, value]) => ({ key, value }));
}

/** The tags of this version of the object (none when the only row recorded is another version's). */
export async function objectTags(s: Services, site: Site, object: R2Object): Promise<Tag[]> {
  const row = await findObjectTags(s.db, site.id, object.key);
  return row && row.version === object.version ? decodeTags(row.tags) : [];
}

/**
 * Sets the tags of this version of the object (PutObjectTagging, the console; an empty set removes them). The
 * first tags in a bucket mark its row (`tagged_objects`), which this isolate then reads afresh.
 */
export async function setObjectTags(s: Services, site: Site, bucket: string, object: R2Object, tags: Tag[]) {
  if (tags.length === 0) {
    await deleteObjectTags(s.db, site.id, object.key);
    return;
  }
  const { marked } = await putObjectTags(s.db, site.id, bucket, object.key, object.version, encodeTags(tags));
  if (marked) forgetBucket(site.id, bucket);
}

/** The tags a write asked for, recorded for the version it wrote: a new version starts with none otherwise. */
export async function recordObjectTags(s: Services, site: Site, bucket: string, object: R2Object, tags: Tag[] | null) {
  if (tags && tags.length > 0) await setObjectTags(s, site, bucket, object, tags);
}

/** Removes the tags of the object, whichever version they were for (DeleteObjectTagging). */
export const removeObjectTags = (s: Services, site: Site, object: R2Object) =>
  deleteObjectTags(s.db, site.id, object.key);

/**
 * Starts looking up how many tags the object at `r2key` has, for x-amz-tagging-count, alongside the object's own
 * read: in a bucket none of whose objects was ever tagged, no lookup at all. The answer is for the version read.
 */
export function tagCountLookup(s: Services, site: Site, bucket: BucketRow, r2key: string) {
  if (!bucket.tagged_objects) return null;
  const row = findObjectTags(s.db, site.id, r2key);
  row.catch(() => {}); // awaited below; not an unhandled rejection if the object's read fails first
  return async (object: R2Object): Promise<number> => {
    const found = await row;
    return found && found.version === object.version ? decodeTags(found.tags).length : 0;
  };
}

/** The bucket's own tags, or null when it has none (S3's NoSuchTagSet). */
export const bucketTags = (bucket: BucketRow): Tag[] | null => (bucket.tags ? decodeTags(bucket.tags) : null);

/** Sets (checked) or removes (null, or an empty set) a bucket's tags; this isolate reads the row afresh. */
export async function setBucketTags(s: Services, bucket: Pick<BucketRow, 'site_id' | 'name'>, tags: Tag[] | null) {
  const checked = tags && checkTagSet(tags, 'bucket');
  await updateBucketTags(s.db, bucket.site_id, bucket.name, checked?.length ? encodeTags(checked) : null);
  forgetBucket(bucket.site_id, bucket.name);
}

/**
 * The console's tag set, `{"tags": [{"key", "value"}, ...]}`: its shape is checked here (invalid_input), its
 * tags by S3's rules (checkTagSet).
 */
export function tagsFromBody(body: Body, target: TagTarget): Tag[] {
  const list = body.tags;
  if (!Array.isArray(list)) throw invalidInput('"tags" must be a list of {"key", "value"}');
  const tags = list.map((item, i) => {
    const tag = item as { key?: unknown; value?: unknown } | null;
    if (typeof tag?.key !== 'string' || (tag.value !== undefined && typeof tag.value !== 'string')) {
      throw invalidInput(`"tags[${i}]" must be {"key": "<text>", "value": "<text>"}`);
    }
    return { key: tag.key, value: (tag.value as string | undefined) ?? '' };
  });
  return checkTagSet(tags, target);
}
