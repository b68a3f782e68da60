// The S3 pipeline of a small request, end to end inside workerd, and stage by stage: what ROS's own code costs per
// GET 4 KiB / HEAD / PUT 4 KiB once every cache is warm (access key, bucket row, SigV4 signing key), as in a busy
// isolate. The Worker's fetch handler is called directly (no HTTP, no service binding), so the numbers are ROS's
// code plus the local R2 simulation; "R2 alone" gives the floor the same call costs without ROS.
// Results go to the task's meta (bench/micro/reporter.mjs), like bench/micro/hot-paths.bench.ts.
import { applyD1Migrations, createExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { AwsClient } from 'aws4fetch';
import { inject, it } from 'vitest';
import worker from '../../src/index';
import { address } from '../../src/s3/addressing';
import { authenticate } from '../../src/s3/auth/authenticate';
import { parseAuth, verify, type SignedAuth } from '../../src/s3/auth/sigv4';
import { authorize } from '../../src/s3/authorize';
import { classify } from '../../src/s3/classify';
import { addCorsHeaders } from '../../src/s3/cors';
import { handleS3, newRequestId } from '../../src/s3/handler';
import { canonicalRequest, hmacHex, stringToSign } from '../../src/s3/auth/sigv4';
import { sha256Hex } from '../../src/crypto/encoding';
import { services } from '../../src/service/context';
import { handlers } from '../../src/s3/ops';
import type { S3Call } from '../../src/s3/call';
import type { Env } from '../../src/env';

type Meta = { bench?: MicroResult[] };
interface MicroResult {
  group: string;
  name: string;
  value: number | null;
  unit: 'µs/op' | 'MiB/s';
  note?: string;
}

const QUICK = inject('quick');
const BATCH_MS = QUICK ? 60 : 250;
const ROUNDS = QUICK ? 3 : 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Median µs of one awaited call of `fn` over ROUNDS batches of ≥ BATCH_MS (a first, warm-up batch dropped). */
async function timeUs(fn: () => unknown): Promise<number> {
  const perOp: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    let n = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      await fn();
      n++;
      elapsed = performance.now() - start;
    } while (elapsed < BATCH_MS);
    if (round > 0) perOp.push((1000 * elapsed) / n);
  }
  return median(perOp);
}

/** timeUs for several functions, their batches interleaved round by round: µs per call, median of ROUNDS. */
async function timeInterleaved(fns: Record<string, () => unknown>): Promise<Record<string, number>> {
  const perOp: Record<string, number[]> = Object.fromEntries(Object.keys(fns).map((k) => [k, []]));
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [name, fn] of Object.entries(fns)) {
      let n = 0;
      const start = performance.now();
      let elapsed = 0;
      do {
        await fn();
        n++;
        elapsed = performance.now() - start;
      } while (elapsed < BATCH_MS);
      if (round > 0) perOp[name]!.push((1000 * elapsed) / n);
    }
  }
  return Object.fromEntries(Object.entries(perOp).map(([k, v]) => [k, median(v)]));
}

const ENDPOINT = 'http://127.0.0.2:8787';
const CONSOLE = 'http://localhost';
const rosEnv = env as unknown as Env;
const ctx = createExecutionContext();
const call = (request: Request) => worker.fetch(request, rosEnv, ctx);
const noopWait = (p: Promise<unknown>) => void p.catch(() => {});

async function consoleCall(method: string, path: string, body: unknown, cookie = '', csrf = '') {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (cookie) headers.Cookie = cookie;
  if (csrf) headers['X-CSRF-Token'] = csrf;
  const res = await call(new Request(`${CONSOLE}/api${path}`, { method, headers, body: JSON.stringify(body) }));
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, cookie: res.headers.get('Set-Cookie') ?? '' };
}

/** A project, an access key at thailand-1 and a bucket with one 4 KiB object, through the console API and S3. */
async function world() {
  await applyD1Migrations(rosEnv.DB, (env as unknown as { TEST_MIGRATIONS: D1Migration[] }).TEST_MIGRATIONS);
  const admin = { email: 'bench@example.com', password: 'bench-password-1' };
  const boot = await call(
    new Request(`${CONSOLE}/api/bootstrap`, {
      method: 'POST',
      headers: { Authorization: 'Bearer bench', 'Content-Type': 'application/json' },
      body: JSON.stringify(admin),
    }),
  );
  if (boot.status !== 201 && boot.status !== 409) throw new Error(`bootstrap: ${boot.status} ${await boot.text()}`);
  const login = await consoleCall('POST', '/auth/login', admin);
  const cookie = login.cookie.split(';')[0]!;
  const csrf = login.body.csrfToken as string;
  const project = await consoleCall('POST', '/projects', { name: `bench-${Date.now()}` }, cookie, csrf);
  const key = await consoleCall(
    'POST',
    `/projects/${project.body.project.id}/keys`,
    { site: 'thailand-1', name: 'bench' },
    cookie,
    csrf,
  );
  if (key.status !== 201) throw new Error(`key: ${JSON.stringify(key.body)}`);
  const aws = new AwsClient({
    accessKeyId: key.body.key.accessKeyId,
    secretAccessKey: key.body.secretAccessKey,
    service: 's3',
    region: 'us-east-1',
  });
  const bucket = `bench-${Date.now()}`;
  const created = await call(await aws.sign(`${ENDPOINT}/${bucket}`, { method: 'PUT' }));
  if (created.status !== 200) throw new Error(`bucket: ${created.status} ${await created.text()}`);
  return { aws, bucket, secret: key.body.secretAccessKey as string };
}

/** Headers as the AWS SDK v3 sends them on a small request (all signed but user-agent), UNSIGNED-PAYLOAD. */
const SDK_HEADERS = {
  'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
  'amz-sdk-invocation-id': '3f1c2a5e-7b6d-4c8e-9f0a-1b2c3d4e5f60',
  'amz-sdk-request': 'attempt=1; max=3',
  'user-agent': 'aws-sdk-js/3.700.0 ua/2.1 os/linux lang/js md/nodejs#20.20.2 api/s3#3.700.0',
};

it('S3 pipeline, small requests', async ({ task }) => {
  const { aws, bucket, secret } = await world();
  const body = new Uint8Array(4096).fill(7);
  const url = `${ENDPOINT}/${bucket}/objects/000123.bin`;
  const put0 = await call(
    await aws.sign(url, { method: 'PUT', headers: { ...SDK_HEADERS, 'content-length': '4096' }, body }),
  );
  if (put0.status !== 200) throw new Error(`put: ${put0.status} ${await put0.text()}`);

  // Signed once: a request is valid for 15 minutes, and re-signing per call would measure aws4fetch.
  const get = await aws.sign(url, { method: 'GET', headers: SDK_HEADERS });
  const head = await aws.sign(url, { method: 'HEAD', headers: SDK_HEADERS });
  const put = await aws.sign(url, {
    method: 'PUT',
    headers: { ...SDK_HEADERS, 'content-length': '4096', 'content-type': 'application/octet-stream' },
    body,
  });
  const putHeaders = new Headers(put.headers);
  const fresh = {
    get: () => new Request(get),
    head: () => new Request(head),
    put: () => new Request(url, { method: 'PUT', headers: putHeaders, body }),
  };
  for (const [name, make] of Object.entries(fresh)) {
    const res = await call(make());
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${name}: ${res.status}`);
  }

  const results: MicroResult[] = [];
  const add = (group: string, name: string, value: number, note?: string) =>
    results.push({ group, name, unit: 'µs/op', value, ...(note && { note }) });

  // ---- whole requests through the Worker's fetch, and the floor: the same R2 calls without ROS ----
  // Interleaved batch by batch, so the machine's background load hits each alike.
  const r2 = rosEnv.R2_THAILAND_1 as R2Bucket;
  const r2key = `${bucket}/objects/000123.bin`;
  const whole = await timeInterleaved({
    'GET 4 KiB, whole request (worker.fetch + body read)': async () => {
      await (await call(fresh.get())).arrayBuffer();
    },
    'R2 alone: get 4 KiB + body read': async () => {
      await (await r2.get(r2key))!.arrayBuffer();
    },
    'HEAD, whole request': async () => {
      await (await call(fresh.head())).arrayBuffer();
    },
    'R2 alone: head': () => r2.head(r2key),
    'PUT 4 KiB, whole request': async () => {
      await (await call(fresh.put())).arrayBuffer();
    },
    'R2 alone: put 4 KiB': () => r2.put(`${r2key}.floor`, body),
  });
  for (const [name, us] of Object.entries(whole)) add('Pipeline', name, us);
  add('Pipeline', 'building the Request (GET), in the numbers above', await timeUs(() => fresh.get()));

  // ---- ROS's code alone: handleS3 with an in-memory R2 (no simulation I/O), interleaved ----
  const s0 = services(rosEnv);
  const siteOf = s0.sites.route('127.0.0.2');
  if (siteOf.kind !== 'site') throw new Error('127.0.0.2 is not a site');
  const real = (await r2.head(r2key))!;
  const stored = {
    key: real.key,
    version: real.version,
    size: real.size,
    etag: real.etag,
    httpEtag: real.httpEtag,
    uploaded: real.uploaded,
    httpMetadata: real.httpMetadata,
    customMetadata: real.customMetadata,
    checksums: real.checksums,
    storageClass: real.storageClass,
    writeHttpMetadata: (h: Headers) => real.writeHttpMetadata(h),
  };
  const memoryR2 = {
    head: async () => stored,
    get: async () => ({ ...stored, body: new Response(body).body }),
    put: async (_key: string, value: ReadableStream | null) => {
      if (value) await new Response(value).arrayBuffer();
      return stored;
    },
  } as unknown as R2Bucket;
  const memorySite = { ...siteOf.site, bucket: memoryR2 };
  const viaHandler = (request: Request) => handleS3(request, s0, memorySite, null, noopWait);
  const code = await timeInterleaved({
    'GET 4 KiB, handleS3 with an in-memory R2 (ROS code only)': async () => {
      await (await viaHandler(fresh.get())).arrayBuffer();
    },
    'HEAD, handleS3 with an in-memory R2': async () => {
      await (await viaHandler(fresh.head())).arrayBuffer();
    },
    'PUT 4 KiB, handleS3 with an in-memory R2': async () => {
      await (await viaHandler(fresh.put())).arrayBuffer();
    },
  });
  for (const [name, us] of Object.entries(code)) add('Pipeline', name, us);

  // ---- stage by stage (GET), caches warm ----
  const s = services(rosEnv);
  const req = fresh.get();
  const host = new URL(req.url).host;
  const route = s.sites.route(req.headers.get('Host') ?? host);
  if (route.kind !== 'site') throw new Error('not a site');
  const site = route.site;
  const target = address(req.url, null);
  const op = classify('GET', target, req.headers);
  const noop = () => {};
  const authd = await authenticate(req, s, site, target.bucket, noop);
  const attempt = parseAuth(req) as SignedAuth;
  add(
    'Stages (GET)',
    'route: services() + sites.route(Host)',
    await timeUs(() => {
      const t = services(rosEnv);
      return t.sites.route(req.headers.get('Host') ?? host);
    }),
  );
  add('Stages (GET)', 'new URL(request.url)', await timeUs(() => new URL(req.url)));
  add('Stages (GET)', 'address(url)', await timeUs(() => address(req.url, null)));
  add('Stages (GET)', 'classify', await timeUs(() => classify('GET', target, req.headers)));
  add('Stages (GET)', 'parseAuth', await timeUs(() => parseAuth(req)));
  add('Stages (GET)', 'verify (cached signing key)', await timeUs(() => verify(attempt, secret, { now: Date.now() })));
  const parts = { ...attempt.request, signedHeaders: attempt.signedHeaders, payloadHash: attempt.payloadHash };
  const canonical = canonicalRequest(parts, { plusIsSpace: true });
  const signingKey = (await verify(attempt, secret, { now: Date.now() })).signingKey;
  const toSign = stringToSign(attempt.amzDate, attempt.scope, await sha256Hex(canonical));
  add(
    'Stages (GET)',
    'verify: canonicalRequest (string work)',
    await timeUs(() => canonicalRequest(parts, { plusIsSpace: true })),
  );
  add('Stages (GET)', 'verify: SHA-256 of the canonical request (WebCrypto)', await timeUs(() => sha256Hex(canonical)));
  add(
    'Stages (GET)',
    'verify: HMAC of the string to sign (WebCrypto)',
    await timeUs(() => hmacHex(signingKey, toSign)),
  );
  add(
    'Stages (GET)',
    'authenticate (key, bucket, signing key cached)',
    await timeUs(() => authenticate(req, s, site, target.bucket, noop)),
  );
  add('Stages (GET)', 'authorize (owner)', await timeUs(() => authorize(s, site, op, authd.key, authd.bucket)));
  const res = new Response(null);
  add(
    'Stages (GET)',
    'addCorsHeaders, no Origin',
    await timeUs(() => addCorsHeaders(req, res, s, site, target.bucket, authd.bucket)),
  );
  add(
    'Stages (GET)',
    'parseAuth part: iterate request.headers',
    await timeUs(() => {
      let n = 0;
      for (const [k] of req.headers) n += k.length;
      return n;
    }),
  );
  add('Stages (GET)', 'parseAuth part: request.url + request.cf', await timeUs(() => [req.url, req.cf]));
  const headCall = (request: Request, name: 'GetObject' | 'HeadObject'): S3Call => ({
    request,
    op: { name, bucket, key: 'objects/000123.bin' },
    query: new URLSearchParams(),
    site: memorySite,
    s,
    key: authd.key,
    bucket: authd.bucket,
    auth: authd.auth,
    requestId: 'X',
    waitUntil: noopWait,
  });
  const headReq = fresh.head();
  add(
    'Stages (HEAD)',
    'HeadObject handler (in-memory R2)',
    await timeUs(() => handlers.HeadObject(headCall(headReq, 'HeadObject') as never)),
  );
  add(
    'Stages (GET)',
    'GetObject handler (in-memory R2) + body read',
    await timeUs(async () => {
      await (await handlers.GetObject(headCall(req, 'GetObject') as never)).arrayBuffer();
    }),
  );
  add('Stages (GET)', 'newRequestId', await timeUs(() => newRequestId()));
  (task.meta as Meta).bench = results;
});
