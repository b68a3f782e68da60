import type { BucketRow } from '../../db/buckets';
import { keyCanExist } from '../../service/object-keys';
import {
  bucketTags,
  checkTagSet,
  objectTags,
  parseTaggingHeader,
  removeObjectTags,
  setBucketTags,
  setObjectTags,
  type Tag,
  type TagTarget,
} from '../../service/tagging';
import { storageKey } from '../../storage/layout';
import { readSmallBody } from '../body/small';
import { namedBucket, type CallerKey, type Handler, type S3Call } from '../call';
import { S3Error, s3Errors } from '../errors';
import { checkVersionId } from '../version-id';
import { asArray, childElements, parseXml, xmlResponse } from '../xml';

/**
 * Object and bucket tagging as S3 shows and sets it (`?tagging`); the rules are src/service/tagging.ts's. Only the
 * bucket's owner may call these (they are not in authorize's GRANTABLE: no ACL grants them on AWS either).
 */

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectTagging.html — an untagged object has an empty set. */
export const getObjectTagging: Handler<'GetObjectTagging'> = async (call) =>
  tagSetResponse(await objectTags(call.s, call.site, await existingObject(call, call.op.key)));

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectTagging.html — replaces the tags of the object's
 * current version; the document is checked whole before anything changes.
 */
export const putObjectTagging: Handler<'PutObjectTagging'> = async (call) => {
  const tags = await tagSetOfRequest(call, 'object');
  const object = await existingObject(call, call.op.key);
  await setObjectTags(call.s, call.site, call.op.bucket, object, tags);
  return new Response(null, { status: 200 });
};

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjectTagging.html */
export const deleteObjectTagging: Handler<'DeleteObjectTagging'> = async (call) => {
  await removeObjectTags(call.s, call.site, await existingObject(call, call.op.key));
  return new Response(null, { status: 204 });
};

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketTagging.html — read from the (cached) bucket row. */
export const getBucketTagging: Handler<'GetBucketTagging'> = async (call) => {
  const tags = bucketTags(namedBucket(call));
  if (!tags) throw new S3Error('NoSuchTagSet', 'The TagSet does not exist', { BucketName: call.op.bucket });
  return tagSetResponse(tags);
};

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketTagging.html — replaces the bucket's tags: 204. */
export const putBucketTagging: Handler<'PutBucketTagging'> = async (call) => {
  await setBucketTags(call.s, namedBucket(call), await tagSetOfRequest(call, 'bucket'));
  return new Response(null, { status: 204 });
};

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketTagging.html — 204, with or without tags. */
export const deleteBucketTagging: Handler<'DeleteBucketTagging'> = async (call) => {
  await setBucketTags(call.s, namedBucket(call), null);
  return new Response(null, { status: 204 });
};

function tagSetResponse(tags: Tag[]): Response {
  return xmlResponse('Tagging', [
    [
      'TagSet',
      tags.map((t) => [
        'Tag',
        [
          ['Key', t.key],
          ['Value', t.value],
        ],
      ]),
    ],
  ]);
}

/** The object a tagging request names: `versionId` may only be `null` (./version-id.ts), as on GET and DELETE. */
async function existingObject(call: S3Call, key: string): Promise<R2Object> {
  checkVersionId(call.query.get('versionId'));
  const bucket = namedBucket(call).name;
  const object = keyCanExist(bucket, key) ? await call.site.bucket.head(storageKey(bucket, key)) : null;
  if (!object) throw s3Errors.noSuchKey(key);
  return object;
}

async function tagSetOfRequest(call: S3Call, target: TagTarget): Promise<Tag[]> {
  const body = await readSmallBody(call, 64 << 10);
  if (!body.trim()) throw new S3Error('MissingRequestBodyError', 'Request Body is empty');
  return checkTagSet(tagSetOfXml(body), target);
}

const malformed = () => s3Errors.malformedXml();

/**
 * `<Tagging><TagSet><Tag><Key/><Value/></Tag>...</TagSet></Tagging>`, each element as S3's schema has it: TagSet
 * once, Key and Value once in each Tag. Also the `tagging` field of a POST form (./post.ts).
 */
export function tagSetOfXml(xml: string): Tag[] {
  const doc = parseXml(xml);
  if (!('Tagging' in doc)) throw malformed();
  const tagging = childElements(doc.Tagging);
  if (Object.keys(tagging).some((name) => name !== 'TagSet') || tagging.TagSet === undefined) throw malformed();
  const set = childElements(single(tagging.TagSet));
  if (Object.keys(set).some((name) => name !== 'Tag')) throw malformed();
  return asArray(set.Tag).map((value) => {
    const tag = childElements(value);
    if (Object.keys(tag).some((name) => name !== 'Key' && name !== 'Value')) throw malformed();
    const key = single(tag.Key);
    const text = single(tag.Value);
    if (typeof key !== 'string' || typeof text !== 'string') throw malformed();
    return { key, value: text };
  });
}

/** An element that may appear once (and must: undefined is malformed). */
function single(value: unknown): unknown {
  if (value === undefined || Array.isArray(value)) throw malformed();
  return value;
}

/**
 * The tags a write asks for with `x-amz-tagging` (PutObject, CopyObject with REPLACE, CreateMultipartUpload), or
 * null. Setting tags is the bucket owner's (S3's s3:PutObjectTagging, which no ACL grants): a writer the bucket's
 * ACL lets in may write the object, not tag it.
 */
export function requestedTags(headers: Headers, call: S3Call): Tag[] | null {
  const header = headers.get('x-amz-tagging');
  if (header === null) return null;
  return checkTaggingAllowed(parseTaggingHeader(header), call.bucket, call.key);
}

/** Tags from a write, which only the bucket's owner may set; an empty set is no tagging at all. */
export function checkTaggingAllowed(tags: Tag[], bucket: BucketRow | null, key: CallerKey | null): Tag[] {
  if (tags.length > 0 && !(key && bucket && key.project_id === bucket.project_id)) {
    throw new S3Error('AccessDenied', 'Access Denied');
  }
  return tags;
}
