import { env } from 'cloudflare:workers';
import { inject } from 'vitest';
import { sha256Hex, toBase64 } from '../../../src/crypto/encoding';
import {
  UNSIGNED_PAYLOAD,
  canonicalRequest,
  credentialScope,
  deriveSigningKey,
  formatAmzDate,
  hmacHex,
  splitRawUrl,
  stringToSign,
} from '../../../src/s3/auth/sigv4';
import { workerFetch } from '../support/worker-fetch';
import { SITES, type S3TestClient } from './s3-fixtures';

/**
 * Support for the generated-input test (generated-input.test.ts): a signer that signs whatever bytes are on the
 * wire (so a malformed request still reaches the handler behind authentication), a snapshot of everything a
 * write can leave behind (the site's R2 listing and the D1 tables), and the checks every answer must pass.
 */

/**
 * How many cases per family and from which seed: FUZZ_RUNS / FUZZ_SEED, handed over by vitest.config.ts. The default,
 * what `npm test` and CI run, is 1,000 per family (issue 12's floor); `FUZZ_RUNS=10000` is a deep run.
 */
export function fuzzSettings(): { numRuns: number; seed: number } {
  const runs = Number(inject('fuzzRuns') || 'NaN');
  const seed = Number(inject('fuzzSeed') || 'NaN');
  return { numRuns: Number.isFinite(runs) && runs > 0 ? runs : 1000, seed: Number.isFinite(seed) ? seed : 12_345 };
}

export const ENDPOINT = SITES['thailand-1'].endpoint;
const enc = new TextEncoder();

export interface RawRequest {
  method: string;
  /** Path and query exactly as they go on the wire (the URL parser may still escape what it must). */
  target: string;
  headers?: [string, string][];
  body?: Uint8Array | string;
}

/** A Request for the site endpoint, or null when the runtime refuses to build one (a forbidden method, …). */
export function buildRequest(raw: RawRequest, extra: [string, string][] = []): Request | null {
  try {
    const headers = new Headers();
    for (const [n, v] of [...(raw.headers ?? []), ...extra]) headers.append(n, v);
    const hasBody = raw.body !== undefined && !['GET', 'HEAD'].includes(raw.method.toUpperCase());
    return new Request(`${ENDPOINT}${raw.target}`, {
      method: raw.method,
      headers,
      body: hasBody ? raw.body : undefined,
    });
  } catch {
    return null;
  }
}

const keys = new Map<string, CryptoKey>();
async function signingKey(secret: string, date: string): Promise<CryptoKey> {
  const id = `${secret}/${date}`;
  let key = keys.get(id);
  if (!key) {
    key = await deriveSigningKey(secret, date, 'auto', 's3');
    keys.set(id, key);
  }
  return key;
}

/**
 * SigV4 header auth over the request as the runtime will send it (its URL after parsing, every header signed), so
 * the signature matches whatever junk the case holds. The payload hash is the x-amz-content-sha256 the case set,
 * else UNSIGNED-PAYLOAD. Returns the Authorization value and the headers it needs.
 */
export async function signV4(
  client: S3TestClient,
  raw: RawRequest,
  now = new Date(),
): Promise<{ request: Request; signature: string; amzDate: string } | null> {
  const amzDate = formatAmzDate(now.getTime());
  const headers = [...(raw.headers ?? [])];
  if (!headers.some(([n]) => n.toLowerCase() === 'x-amz-content-sha256'))
    headers.push(['x-amz-content-sha256', UNSIGNED_PAYLOAD]);
  headers.push(['x-amz-date', amzDate]);
  const unsigned = buildRequest({ ...raw, headers });
  if (!unsigned) return null;
  const { authority, path, query } = splitRawUrl(unsigned.url);
  const lines: [string, string][] = [['host', authority]];
  for (const [n, v] of unsigned.headers) lines.push([n.toLowerCase(), v]);
  const signedHeaders = [...new Set(lines.map(([n]) => n))].sort();
  const payloadHash = unsigned.headers.get('x-amz-content-sha256') ?? UNSIGNED_PAYLOAD;
  const canonical = canonicalRequest({
    method: unsigned.method,
    rawPath: path,
    rawQuery: query,
    headers: lines,
    signedHeaders,
    payloadHash,
  });
  const date = amzDate.slice(0, 8);
  const scope = credentialScope(date, 'auto', 's3');
  const signature = await hmacHex(
    await signingKey(client.secretAccessKey, date),
    stringToSign(amzDate, scope, await sha256Hex(canonical)),
  );
  const authorization = `AWS4-HMAC-SHA256 Credential=${client.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`;
  const request = buildRequest({ ...raw, headers: [...headers, ['Authorization', authorization]] });
  return request ? { request, signature, amzDate } : null;
}

/** A presigned (query-auth) URL for the request: X-Amz-* appended to its query, only `host` signed. */
export async function presignV4(client: S3TestClient, raw: RawRequest, expires = 300, now = new Date()) {
  const amzDate = formatAmzDate(now.getTime());
  const date = amzDate.slice(0, 8);
  const scope = credentialScope(date, 'auto', 's3');
  const sep = raw.target.includes('?') ? '&' : '?';
  const auth = `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${encodeURIComponent(`${client.accessKeyId}/${scope}`)}&X-Amz-Date=${amzDate}&X-Amz-Expires=${expires}&X-Amz-SignedHeaders=host`;
  const unsigned = buildRequest({ ...raw, target: `${raw.target}${sep}${auth}` });
  if (!unsigned) return null;
  const { authority, path, query } = splitRawUrl(unsigned.url);
  const canonical = canonicalRequest({
    method: unsigned.method,
    rawPath: path,
    rawQuery: query,
    headers: [['host', authority]],
    signedHeaders: ['host'],
    payloadHash: UNSIGNED_PAYLOAD,
  });
  const signature = await hmacHex(
    await signingKey(client.secretAccessKey, date),
    stringToSign(amzDate, scope, await sha256Hex(canonical)),
  );
  return `${raw.target}${sep}${auth}&X-Amz-Signature=${signature}`;
}

/** SigV2's string to sign (method, Content-MD5, Content-Type, Date or Expires, x-amz-* headers, resource). */
export async function signV2(secret: string, stringToSignV2: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-1' }, false, [
    'sign',
  ]);
  return toBase64(new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(stringToSignV2))));
}

export type Snapshot = string;

const VOLATILE_TABLES =
  /^(access_keys|sessions|users|d1_migrations|sqlite_sequence|_cf_.*|.*audit.*|.*log.*|.*event.*)$/;
let tables: string[] | undefined;

/**
 * Everything a write can leave behind: the site's R2 objects (key, size, etag) and every D1 table but those a
 * read may touch (keys' last use, sessions) or that record requests rather than state (an audit log). Tables are
 * read from the schema, so tables other branches add (tagging) are covered too.
 */
export async function snapshot(): Promise<Snapshot> {
  tables ??= (
    await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all<{ name: string }>()
  ).results
    .map((r) => r.name)
    .filter((n) => !VOLATILE_TABLES.test(n));
  const [listing, ...rows] = await Promise.all([
    env.R2_THAILAND_1.list({ limit: 1000 }),
    env.DB.batch(tables.map((t) => env.DB.prepare(`SELECT * FROM "${t}"`))),
  ]);
  const r2 = listing.objects.map((o) => `${o.key} ${o.size} ${o.etag}`).join('\n');
  const d1 = (rows[0] as D1Result[]).map((r, i) => `${tables![i]}: ${JSON.stringify(r.results)}`).join('\n');
  return `R2 (${listing.truncated ? 'truncated' : 'complete'}):\n${r2}\n\nD1:\n${d1}`;
}

/** A line-level difference, for failure messages that say what was stored. */
export function diff(before: Snapshot, after: Snapshot): string {
  const a = new Set(before.split('\n'));
  const b = new Set(after.split('\n'));
  const gone = [...a].filter((l) => !b.has(l)).map((l) => `- ${l.slice(0, 300)}`);
  const added = [...b].filter((l) => !a.has(l)).map((l) => `+ ${l.slice(0, 300)}`);
  return [...gone, ...added].join('\n');
}

const WRITES = new Set(['PUT', 'POST', 'DELETE', 'PATCH']);
export const isWrite = (method: string) => WRITES.has(method.toUpperCase());

export interface Answer {
  status: number;
  body: string;
  /** The body's length in bytes. */
  size: number;
  headers: Headers;
}

/**
 * Sends one case and checks its answer: never a 5xx (501 NotImplemented for an S3 operation ROS does not offer
 * is an answer, not a failure), an error is AWS's XML with a Code, and a refused write leaves the snapshot as it
 * was once its waitUntil work (deleting staged bytes after the answer) has finished.
 */
export async function send(request: Request, what: string): Promise<Answer> {
  const write = isWrite(request.method);
  // A refused write left the state as it was, so its snapshot is the next case's "before" (one read per case).
  if (write && last === undefined) last = await snapshot();
  const before = write ? (last as Snapshot) : '';
  let res: Response;
  try {
    // Straight to the fetch handler, waiting for its waitUntil work (../support/worker-fetch.ts says why not
    // SELF.fetch): a refused write's clean-up has finished before the snapshot is compared.
    res = await workerFetch(request);
  } catch (err) {
    throw new Error(`${what}: the Worker threw: ${(err as Error).stack ?? err}`);
  }
  const raw = new Uint8Array(await res.arrayBuffer());
  const body = new TextDecoder().decode(raw);
  const answer = { status: res.status, body, size: raw.length, headers: res.headers };
  check(answer, request.method, what);
  if (!write) return answer;
  if (res.status < 300) {
    last = undefined;
    return answer;
  }
  const after = await snapshot();
  if (after !== before) {
    last = undefined;
    throw new Error(`${what}: refused (${res.status}) but stored:\n${diff(before, after)}\n${body.slice(0, 500)}`);
  }
  return answer;
}

let last: Snapshot | undefined;
/** Anything the test itself writes (putting fixtures back) makes the remembered snapshot stale. */
export function forgetSnapshot() {
  last = undefined;
}

export function check(answer: Answer, method: string, what: string) {
  const { status, body } = answer;
  const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
  // A HEAD answer has no body to name its code: a 501 to HEAD is the operation ROS does not offer.
  const notImplemented = status === 501 && (code === 'NotImplemented' || method.toUpperCase() === 'HEAD');
  if (status >= 500 && !notImplemented) {
    throw new Error(`${what}: ${status} ${body.slice(0, 1000)}`);
  }
  if (status >= 400 && method.toUpperCase() !== 'HEAD') {
    if (!/^<\?xml version="1\.0" encoding="UTF-8"\?>\s*<Error>/.test(body) || !code) {
      throw new Error(`${what}: ${status} is not an S3 error document: ${body.slice(0, 500)}`);
    }
    if (!answer.headers.get('Content-Type')?.includes('xml')) {
      throw new Error(`${what}: ${status} error without an XML Content-Type`);
    }
  }
}

/** A short printable form of a request for failure messages (fast-check prints the shrunk case too). */
export function describe(raw: RawRequest): string {
  const body =
    raw.body === undefined ? '' : typeof raw.body === 'string' ? raw.body : new TextDecoder().decode(raw.body);
  return `${raw.method} ${raw.target} ${JSON.stringify(raw.headers ?? [])} body=${JSON.stringify(body.slice(0, 300))}`;
}
