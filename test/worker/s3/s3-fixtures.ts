import { AwsClient } from 'aws4fetch';
import { bootstrapAdmin, type ConsoleClient } from '../console-client';
import { unique } from '../console/fixtures';
import { workerFetch } from '../support/worker-fetch';

export { unique };

/** A dev site's endpoint as the tests address it (path style); virtual-host style uses `<bucket>.<alias>`. */
export const SITES = {
  'thailand-1': { endpoint: 'http://127.0.0.2:8787', alias: 'thailand-1.localhost:8787' },
  'finland-1': { endpoint: 'http://127.0.0.3:8787', alias: 'finland-1.localhost:8787' },
} as const;
export type SiteId = keyof typeof SITES;

/**
 * An S3 client for one access key, signing with aws4fetch (service s3, any region) and sending through the
 * Worker's own fetch handler (../support/worker-fetch.ts). `fetch(path)` takes a path like `/bucket/key?query`.
 */
export class S3TestClient {
  readonly aws: AwsClient;

  constructor(
    readonly accessKeyId: string,
    readonly secretAccessKey: string,
    readonly site: SiteId,
    region = 'auto',
  ) {
    this.aws = new AwsClient({ accessKeyId, secretAccessKey, service: 's3', region });
  }

  get endpoint() {
    return SITES[this.site].endpoint;
  }

  /** Signs (header auth, unless init.aws.signQuery) and sends a request to this site, path style. */
  async fetch(path: string, init: RequestInit & { aws?: Record<string, unknown> } = {}): Promise<Response> {
    const signed = await this.aws.sign(`${this.endpoint}${path}`, init as any);
    return workerFetch(signed, undefined, { knownLength: !(init.body instanceof ReadableStream) });
  }

  /** Virtual-host style: `https://<bucket>.<site alias>/<key>`. */
  async fetchVirtual(bucket: string, path: string, init: RequestInit & { aws?: Record<string, unknown> } = {}) {
    const signed = await this.aws.sign(`http://${bucket}.${SITES[this.site].alias}${path}`, init as any);
    return workerFetch(signed, undefined, { knownLength: !(init.body instanceof ReadableStream) });
  }

  /** A presigned URL (query auth), for plain fetches. */
  async presign(path: string, method = 'GET', expires = 3600): Promise<string> {
    const url = new URL(`${this.endpoint}${path}`);
    url.searchParams.set('X-Amz-Expires', String(expires));
    const signed = await this.aws.sign(url.toString(), { method, aws: { signQuery: true } } as any);
    return signed.url;
  }
}

export interface S3World {
  admin: ConsoleClient;
  project: string;
  /** A key of the admin's at thailand-1 (and its client). */
  s3: S3TestClient;
  /** Create a key for this project at a site (owned by the admin). */
  newKey(site?: SiteId): Promise<S3TestClient>;
  /** A new bucket of this project at thailand-1 (created over S3), returns its name. */
  newBucket(prefix?: string): Promise<string>;
}

/** A fresh project with an access key at thailand-1, ready for S3 calls. */
export async function s3World(): Promise<S3World> {
  const admin = await bootstrapAdmin();
  const project = (await admin.post('/projects', { name: unique('s3') })).body.project.id as string;
  const newKey = async (site: SiteId = 'thailand-1') => {
    const res = await admin.post(`/projects/${project}/keys`, { site, name: unique('key') });
    if (res.status !== 201) throw new Error(`key: ${JSON.stringify(res.body)}`);
    return new S3TestClient(res.body.key.accessKeyId, res.body.secretAccessKey, site);
  };
  const s3 = await newKey('thailand-1');
  const newBucket = async (prefix = 'bucket') => {
    const name = unique(prefix);
    const res = await s3.fetch(`/${name}`, { method: 'PUT' });
    if (res.status !== 200) throw new Error(`create bucket ${name}: ${res.status} ${await res.text()}`);
    return name;
  };
  return { admin, project, s3, newKey, newBucket };
}

/** The text of one element of an XML body (first occurrence), for quick assertions. */
export function xmlText(xml: string, element: string): string | null {
  const m = xml.match(new RegExp(`<${element}>([\\s\\S]*?)</${element}>`));
  return m ? m[1] : null;
}

export function xmlAll(xml: string, element: string): string[] {
  return [...xml.matchAll(new RegExp(`<${element}>([\\s\\S]*?)</${element}>`, 'g'))].map((m) => m[1]);
}

/** Deterministic bytes, different per seed. */
export function bytes(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed * 2654435761;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** The parts, one after another. */
export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
