import { asStoredAcl, grantsOf, type Grantee, type StoredAcl } from '../../service/acl';
import { changeBucketAcl, changeObjectAcl, objectAcl } from '../../service/public-access';
import { keyCanExist } from '../../service/object-keys';
import { storageKey } from '../../storage/layout';
import { onlyCannedAcls, requestedAcl } from '../acl-request';
import { readSmallBody } from '../body/small';
import { namedBucket, type Handler, type S3Call } from '../call';
import { S3Error, s3Errors } from '../errors';
import { asArray, parseXml, xmlResponse, type XmlNode } from '../xml';
import { owner } from './bucket';
import { checkVersionId } from '../version-id';

/**
 * ACLs as S3 shows and sets them, for the canned ACLs ROS keeps (src/service/acl.ts): the owner — the project —
 * holds FULL_CONTROL, and the ACL adds READ (and WRITE) for AllUsers, or READ for AuthenticatedUsers.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketAcl.html
 */
const GROUP_URI: Record<Grantee, string> = {
  AllUsers: 'http://acs.amazonaws.com/groups/global/AllUsers',
  AuthenticatedUsers: 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers',
};
const XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

function policy(projectId: string, acl: StoredAcl) {
  const grant = (grantee: XmlNode, permission: string): XmlNode => ['Grant', [grantee, ['Permission', permission]]];
  return xmlResponse('AccessControlPolicy', [
    ['Owner', [...owner(projectId)]],
    [
      'AccessControlList',
      [
        grant([`Grantee ${XSI} xsi:type="CanonicalUser"`, [...owner(projectId)]], 'FULL_CONTROL'),
        ...grantsOf(acl).map((g) =>
          grant([`Grantee ${XSI} xsi:type="Group"`, [['URI', GROUP_URI[g.grantee]]]], g.permission),
        ),
      ],
    ],
  ]);
}

export const getBucketAcl: Handler<'GetBucketAcl'> = async (call) => {
  const bucket = namedBucket(call);
  return policy(bucket.project_id, asStoredAcl(bucket.acl));
};

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAcl.html — the object must exist. */
export const getObjectAcl: Handler<'GetObjectAcl'> = async (call) => {
  const object = await existingObject(call, call.op.key);
  return policy(namedBucket(call).project_id, await objectAcl(call.s, call.site, object));
};

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAcl.html */
export const putBucketAcl: Handler<'PutBucketAcl'> = async (call) => {
  const bucket = namedBucket(call);
  await changeBucketAcl(call.s, bucket, await aclOfRequest(call));
  return new Response(null, { status: 200 });
};

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectAcl.html — for the object's current version. */
export const putObjectAcl: Handler<'PutObjectAcl'> = async (call) => {
  const acl = await aclOfRequest(call);
  await changeObjectAcl(call.s, call.site, namedBucket(call), await existingObject(call, call.op.key), acl);
  return new Response(null, { status: 200 });
};

async function existingObject(call: S3Call, key: string): Promise<R2Object> {
  checkVersionId(call.query.get('versionId'));
  const bucket = namedBucket(call).name;
  const object = keyCanExist(bucket, key) ? await call.site.bucket.head(storageKey(bucket, key)) : null;
  if (!object) throw s3Errors.noSuchKey(key);
  return object;
}

/**
 * The ACL a PutBucketAcl / PutObjectAcl asks for: the x-amz-acl header, or an AccessControlPolicy body that
 * expresses one of the canned ACLs (as `aws s3api put-bucket-acl --access-control-policy` sends what
 * get-bucket-acl returned). Any other grant answers NotImplemented.
 */
async function aclOfRequest(call: S3Call): Promise<StoredAcl> {
  const bucket = namedBucket(call);
  // Whether the bucket allows it is checked where the ACL is changed (service/public-access.ts).
  const fromHeader = requestedAcl(call.request.headers, null);
  const body = await readSmallBody(call, 64 << 10);
  if (fromHeader !== null) {
    if (body.trim()) throw new S3Error('UnexpectedContent', 'This request does not support content');
    return fromHeader;
  }
  if (!body.trim())
    throw new S3Error('MissingSecurityHeader', 'Your request was missing a required header', {
      MissingHeaderName: 'x-amz-acl',
    });
  return cannedAclOf(body, bucket.project_id);
}

const MALFORMED_ACL = 'The XML you provided was not well-formed or did not validate against our published schema';

/** The canned ACL an AccessControlPolicy document expresses: the owner's FULL_CONTROL plus group grants. */
function cannedAclOf(text: string, projectId: string): StoredAcl {
  let doc: Record<string, unknown>;
  try {
    doc = parseXml(text);
  } catch {
    throw new S3Error('MalformedACLError', MALFORMED_ACL);
  }
  const policyNode = doc.AccessControlPolicy as Record<string, unknown> | undefined;
  const list = policyNode?.AccessControlList as Record<string, unknown> | undefined;
  if (!policyNode || typeof policyNode !== 'object' || (list !== undefined && typeof list !== 'object')) {
    throw new S3Error('MalformedACLError', MALFORMED_ACL);
  }
  const groups = new Set<string>();
  for (const grant of asArray(list?.Grant as unknown)) {
    const g = grant as { Grantee?: Record<string, unknown>; Permission?: unknown } | null;
    const grantee = g?.Grantee;
    if (!grantee || typeof grantee !== 'object' || typeof g?.Permission !== 'string') {
      throw new S3Error('MalformedACLError', MALFORMED_ACL);
    }
    const uri = typeof grantee.URI === 'string' ? grantee.URI.trim() : null;
    const group = (Object.keys(GROUP_URI) as Grantee[]).find((name) => GROUP_URI[name] === uri);
    if (group) groups.add(`${group}:${g.Permission}`);
    else if (grantee.ID !== projectId || g.Permission !== 'FULL_CONTROL') throw onlyCannedAcls();
  }
  const key = [...groups].sort().join(' ');
  const canned: Record<string, StoredAcl> = {
    '': 'private',
    'AllUsers:READ': 'public-read',
    'AllUsers:READ AllUsers:WRITE': 'public-read-write',
    'AuthenticatedUsers:READ': 'authenticated-read',
  };
  const acl = canned[key];
  if (!acl) throw onlyCannedAcls();
  return acl;
}

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketVersioning.html — never enabled: an empty configuration. */
export const getBucketVersioning: Handler<'GetBucketVersioning'> = async () =>
  xmlResponse('VersioningConfiguration', []);
