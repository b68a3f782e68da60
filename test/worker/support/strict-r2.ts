import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import worker from '../../../src/index';
import type { S3TestClient } from '../s3/s3-fixtures';

const MiB = 1024 * 1024;

/** What a strict bucket saw: writes (puts, R2 parts, completions), deletes, and R2 multipart uploads by state. */
export class R2Ledger {
  puts = 0;
  parts = 0;
  completes = 0;
  deletes = 0;
  /** R2 multipart upload ids by state. */
  readonly open = new Set<string>();
  readonly completed = new Set<string>();
  readonly aborted = new Set<string>();
  /** Every refusal the production rules made (the error thrown to the Worker). */
  readonly refused: string[] = [];
  /** The part sizes of each native completion, in order. */
  readonly completions: number[][] = [];

  /** R2 writes: one per put, per uploaded part and per completion. */
  get writes() {
    return this.puts + this.parts + this.completes;
  }

  reset() {
    this.puts = this.parts = this.completes = this.deletes = 0;
    this.refused.length = 0;
    this.completions.length = 0;
  }
}

async function readAll(value: ReadableStream | ArrayBuffer | ArrayBufferView | string | Blob): Promise<Uint8Array> {
  if (!(value instanceof ReadableStream)) return new Uint8Array(await new Response(value as BodyInit).arrayBuffer());
  const chunks: Uint8Array[] = [];
  const reader = value.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Production R2's multipart rules, which the local simulation may not enforce: every part at least 5 MiB but the
 * last, every part but the last the same size, the last no larger, at most 10,000 parts
 * (https://developers.cloudflare.com/r2/objects/multipart-objects/). Wraps a real binding: the calls go through,
 * counted, and a completion production would refuse throws as R2 would.
 */
export interface StrictOptions {
  /**
   * The part ETag this R2 answers for the `call`-th part uploaded through it (0-based), instead of the simulation's
   * random id: production R2 answers the part's MD5 (`md5Hex`). Completions are mapped back to the real ETags.
   */
  partEtag?: (md5Hex: string, call: number) => string;
}

export const md5Hex = async (data: Uint8Array) =>
  [...new Uint8Array(await crypto.subtle.digest('MD5', data))].map((b) => b.toString(16).padStart(2, '0')).join('');

export function strictR2(bucket: R2Bucket, ledger: R2Ledger, options: StrictOptions = {}): R2Bucket {
  // Part sizes by R2 upload id and part number: an upload is resumed by id in every request.
  const sizes = new Map<string, Map<number, number>>();
  // With options.partEtag: the simulation's ETag behind each answered one, by upload id and part number.
  const realEtags = new Map<string, Map<number, { answered: string; real: string }>>();
  let partCalls = 0;
  const wrap = (upload: R2MultipartUpload): R2MultipartUpload => {
    const ofUpload = sizes.get(upload.uploadId) ?? new Map<number, number>();
    sizes.set(upload.uploadId, ofUpload);
    const etagsOfUpload = realEtags.get(upload.uploadId) ?? new Map();
    realEtags.set(upload.uploadId, etagsOfUpload);
    return {
      key: upload.key,
      uploadId: upload.uploadId,
      async uploadPart(n: number, value: ReadableStream | ArrayBuffer | ArrayBufferView | string | Blob) {
        // Test-sized parts: read whole, to learn the size production R2 would see.
        const body = await readAll(value);
        const part = await upload.uploadPart(n, body);
        ledger.parts++;
        ofUpload.set(n, body.length);
        if (!options.partEtag) return part;
        const answered = options.partEtag(await md5Hex(body), partCalls++);
        etagsOfUpload.set(n, { answered, real: part.etag });
        return { partNumber: n, etag: answered };
      },
      async complete(listed: R2UploadedPart[]) {
        // R2 checks each listed ETag against the part's: map the answered ones back to the simulation's.
        const parts = !options.partEtag
          ? listed
          : listed.map((p) => {
              const known = etagsOfUpload.get(p.partNumber);
              return { partNumber: p.partNumber, etag: known?.answered === p.etag ? known.real : p.etag };
            });
        const list = parts.map((p) => ofUpload.get(p.partNumber) ?? -1);
        const [first] = list;
        const last = list[list.length - 1];
        const ok =
          list.length > 0 &&
          list.length <= 10_000 &&
          list.slice(0, -1).every((s) => s === first && s >= 5 * MiB) &&
          last <= first &&
          parts.every((p, i) => i === 0 || p.partNumber > parts[i - 1].partNumber);
        if (!ok) {
          const why = `production R2 refuses a completion of parts sized [${list.join(', ')}]`;
          ledger.refused.push(why);
          throw new Error(why);
        }
        const object = await upload.complete(parts);
        ledger.completes++;
        ledger.completions.push(list);
        ledger.open.delete(upload.uploadId);
        ledger.completed.add(upload.uploadId);
        return object;
      },
      async abort() {
        await upload.abort();
        ledger.open.delete(upload.uploadId);
        ledger.aborted.add(upload.uploadId);
      },
    } as R2MultipartUpload;
  };
  return new Proxy(bucket, {
    get(target, prop) {
      switch (prop) {
        case 'put':
          return async (...args: Parameters<R2Bucket['put']>) => {
            const object = await target.put(...args);
            if (object) ledger.puts++;
            return object;
          };
        case 'delete':
          return async (keys: string | string[]) => {
            await target.delete(keys);
            ledger.deletes += Array.isArray(keys) ? keys.length : 1;
          };
        case 'createMultipartUpload':
          return async (key: string, options?: R2MultipartOptions) => {
            const upload = await target.createMultipartUpload(key, options);
            ledger.open.add(upload.uploadId);
            return wrap(upload);
          };
        case 'resumeMultipartUpload':
          return (key: string, uploadId: string) => wrap(target.resumeMultipartUpload(key, uploadId));
        default: {
          const value = Reflect.get(target, prop);
          return typeof value === 'function' ? value.bind(target) : value;
        }
      }
    },
  }) as R2Bucket;
}

/**
 * The Worker with thailand-1's bucket behind the production rules: `fetch` signs with `client` and calls the
 * Worker's own fetch handler with an env whose R2_THAILAND_1 is the strict wrapper (the site registry is built
 * from that env, so every R2 call of the request goes through it).
 */
export function strictWorker(client: S3TestClient, options: StrictOptions = {}) {
  const ledger = new R2Ledger();
  const strictEnv = { ...env, R2_THAILAND_1: strictR2(env.R2_THAILAND_1, ledger, options) };
  const fetch = async (path: string, init: RequestInit & { aws?: Record<string, unknown> } = {}) => {
    // Called directly (no HTTP hop), a request has the Content-Length its body says only if we set it.
    const headers = new Headers(init.headers);
    const { body } = init;
    if (!headers.has('Content-Length') && (typeof body === 'string' || body instanceof Uint8Array)) {
      headers.set(
        'Content-Length',
        String(typeof body === 'string' ? new TextEncoder().encode(body).length : body.length),
      );
    }
    const signed = await client.aws.sign(`${client.endpoint}${path}`, { ...init, headers } as never);
    const ctx = createExecutionContext();
    const response = await worker.fetch(signed, strictEnv as never, ctx);
    // Read the body first: a streamed answer must not wait on background work it feeds.
    const bytes = await response.arrayBuffer();
    const buffered = new Response([204, 304].includes(response.status) ? null : bytes, response);
    await waitOnExecutionContext(ctx);
    return buffered;
  };
  return { ledger, fetch };
}
