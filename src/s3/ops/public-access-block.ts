import { bucketPublicAccessBlock, type PublicAccessBlock } from '../../service/acl';
import { changePublicAccessBlock } from '../../service/public-access';
import { readSmallBody } from '../body/small';
import { namedBucket, type Handler } from '../call';
import { S3Error, s3Errors } from '../errors';
import { parseXml, xmlResponse } from '../xml';

/**
 * A bucket's Block Public Access flags (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutPublicAccessBlock.html).
 * BlockPublicAcls and IgnorePublicAcls act on ROS's ACLs (src/service/acl.ts); ROS has no bucket policies, so the
 * two policy flags are kept and shown only. The project's switch against public access acts on top of these.
 */
const FLAGS: [keyof PublicAccessBlock, string][] = [
  ['blockPublicAcls', 'BlockPublicAcls'],
  ['ignorePublicAcls', 'IgnorePublicAcls'],
  ['blockPublicPolicy', 'BlockPublicPolicy'],
  ['restrictPublicBuckets', 'RestrictPublicBuckets'],
];

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetPublicAccessBlock.html */
export const getPublicAccessBlock: Handler<'GetPublicAccessBlock'> = async (call) => {
  const flags = bucketPublicAccessBlock(namedBucket(call));
  if (!flags) {
    throw new S3Error('NoSuchPublicAccessBlockConfiguration', 'The public access block configuration was not found', {
      BucketName: call.op.bucket,
    });
  }
  return xmlResponse(
    'PublicAccessBlockConfiguration',
    FLAGS.map(([field, element]) => [element, flags[field] ? 'true' : 'false']),
  );
};

export const putPublicAccessBlock: Handler<'PutPublicAccessBlock'> = async (call) => {
  const bucket = namedBucket(call);
  const doc = parseXml(await readSmallBody(call, 16 << 10)).PublicAccessBlockConfiguration;
  if (doc === undefined || (doc !== '' && typeof doc !== 'object')) throw s3Errors.malformedXml();
  const fields = (doc || {}) as Record<string, unknown>;
  const flags = {} as PublicAccessBlock;
  for (const [field, element] of FLAGS) {
    const value = fields[element];
    if (value !== undefined && value !== 'true' && value !== 'false') throw s3Errors.malformedXml();
    flags[field] = value === 'true';
  }
  await changePublicAccessBlock(call.s, bucket, flags);
  return new Response(null, { status: 200 });
};

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeletePublicAccessBlock.html */
export const deletePublicAccessBlock: Handler<'DeletePublicAccessBlock'> = async (call) => {
  await changePublicAccessBlock(call.s, namedBucket(call), null);
  return new Response(null, { status: 204 });
};
