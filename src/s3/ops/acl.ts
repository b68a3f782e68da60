import { storageKey } from '../../storage/layout';
import type { Handler } from '../call';
import { s3Errors } from '../errors';
import { xmlResponse } from '../xml';
import { owner } from './bucket';

/**
 * ACLs as S3 shows them for buckets with Object Ownership "bucket owner enforced" (the default since 2023): the
 * owner — here the project — holds FULL_CONTROL, and that is the whole policy. Read-only: tools ask before
 * acting (s3cmd's cp and info), and ROS has nothing else to grant.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketAcl.html
 */
function policy(projectId: string) {
  return xmlResponse('AccessControlPolicy', [
    ['Owner', [...owner(projectId)]],
    [
      'AccessControlList',
      [
        [
          'Grant',
          [
            [
              'Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"',
              [...owner(projectId)],
            ],
            ['Permission', 'FULL_CONTROL'],
          ],
        ],
      ],
    ],
  ]);
}

export const getBucketAcl: Handler<'GetBucketAcl'> = async ({ key }) => policy(key.project_id);

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAcl.html — the object must exist. */
export const getObjectAcl: Handler<'GetObjectAcl'> = async ({ site, op, key }) => {
  if (!(await site.bucket.head(storageKey(op.bucket, op.key)))) {
    throw s3Errors.noSuchKey(op.key);
  }
  return policy(key.project_id);
};

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketVersioning.html — never enabled: an empty configuration. */
export const getBucketVersioning: Handler<'GetBucketVersioning'> = async () =>
  xmlResponse('VersioningConfiguration', []);
