import type { BucketRow } from '../db/buckets';
import type { KeyRow } from '../db/keys';
import type { Services } from '../service/context';
import type { Site } from '../sites';
import type { Operation } from './classify';
import type { VerifiedAuth } from './auth/sigv4';

/** The access key a request was signed with, as the handlers may use it (never the secret). */
export type CallerKey = Pick<KeyRow, 'id' | 'project_id' | 'site_id' | 'status'>;

/** Everything a handler gets: one authenticated, authorized S3 request. */
export interface S3Call<O extends Operation = Operation> {
  request: Request;
  op: O;
  query: URLSearchParams;
  site: Site;
  s: Services;
  key: CallerKey;
  /** The bucket the request names, when it exists (authorize() has checked it is the key's project's). */
  bucket: BucketRow | null;
  auth: VerifiedAuth;
  requestId: string;
  waitUntil(promise: Promise<unknown>): void;
}

/**
 * What POST Object's handler gets: a browser form is signed by fields of its body, which the pipeline does not
 * read, so no key, bucket row or signature yet; the handler authenticates and authorizes the form (ops/post.ts).
 */
export type FormCall<O extends Operation = Operation> = Omit<S3Call<O>, 'key' | 'bucket' | 'auth'>;
/** The operations whose requests are signed in their body. */
export type SignedInBody = 'PostObject';

export type OpNamed<N extends Operation['name']> = Extract<Operation, { name: N }>;
export type Handler<N extends Operation['name']> = (
  call: N extends SignedInBody ? FormCall<OpNamed<N>> : S3Call<OpNamed<N>>,
) => Promise<Response>;
