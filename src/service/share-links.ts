import { AwsClient } from 'aws4fetch';
import { listOwnActiveKeysAtSite } from '../db/keys';
import { ServiceError, invalidInput } from './errors';
import { limitsOf, reachesBucket, reachesObject } from './key-limits';
import { keySecret } from './keys';
import type { Services } from './context';
import type { OpenBucket } from './objects';
import type { ProjectScope } from './policy';

/** S3's limit for a presigned URL (SigV4): 7 days. */
export const MAX_SHARE_SECONDS = 7 * 24 * 3600;

/**
 * A share link: a presigned GET URL (SigV4, query auth) for one object, signed with the caller's own active key at
 * the bucket's site — the key the own-key-at-site rule says they hold, the newest whose limits reach the object —
 * so it works exactly as long as that key does (deleting, deactivating or the expiry of the key revokes every
 * link signed with it) and at most `expiresIn` seconds.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
 */
export async function shareLink(
  s: Services,
  scope: ProjectScope,
  ob: OpenBucket,
  key: string,
  expiresIn: unknown,
  endpoint: string,
): Promise<{ url: string; expiresAt: string; accessKeyId: string }> {
  if (!Number.isInteger(expiresIn) || (expiresIn as number) < 1 || (expiresIn as number) > MAX_SHARE_SECONDS) {
    throw invalidInput(`"expiresIn" must be a whole number of seconds from 1 to ${MAX_SHARE_SECONDS} (7 days)`);
  }
  // The newest own key whose limits (bucket, prefix) let it read this object; expired keys are not listed.
  const signer = (await listOwnActiveKeysAtSite(s.db, scope.project.id, scope.user.id, ob.site.id, s.now())).find(
    (k) => reachesBucket(limitsOf(k), ob.bucket.name) && reachesObject(limitsOf(k), key),
  );
  if (!signer) {
    throw new ServiceError(
      'no_key_for_site',
      `You need an active access key for ${ob.site.name} that reaches this object to share it`,
    );
  }
  const client = new AwsClient({
    accessKeyId: signer.id,
    secretAccessKey: await keySecret(s, signer),
    service: 's3',
    region: 'auto',
  });
  const path = [ob.bucket.name, ...key.split('/')].map(encodeURIComponent).join('/');
  const url = new URL(`${endpoint}/${path}`);
  url.searchParams.set('X-Amz-Expires', String(expiresIn));
  const signed = await client.sign(url.toString(), { method: 'GET', aws: { signQuery: true } });
  return {
    url: signed.url,
    expiresAt: new Date(s.now() + (expiresIn as number) * 1000).toISOString(),
    accessKeyId: signer.id,
  };
}
