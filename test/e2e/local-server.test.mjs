// End-to-end: the local server's site relay (bin/lib/local-server.mjs), which puts each site's S3 endpoint on its
// own loopback address (127.0.0.2, ...) in front of wrangler dev. wrangler dev never answers
// `Expect: 100-continue`; stock clients send it and then wait for a `100 Continue` before the body (botocore 1 s
// on every upload, @aws-sdk/client-s3 ~6 s above 2 MB), so the relay must answer it itself. And the relay must
// pass every request through unchanged: the raw path and the Host header are signed, and the path is the key.
// It sends them to the workerd that runs ROS, not through wrangler's dev proxy (which loses requests under
// concurrent traffic), and sends a bodiless request again when a pooled connection was dropped under it.
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, relaySite } from '../../bin/lib/local-server.mjs';
import { listeningPorts, socketPorts, userWorkerdPids } from '../../bin/lib/processes.mjs';
import { setupTenants, startFreshRos } from './support/ros-api.mjs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** @type {Awaited<ReturnType<typeof startFreshRos>>} */
let ros;
/** @type {Awaited<ReturnType<typeof setupTenants>>} */
let tenants;
/** @type {S3Client} */
let client;
const bucket = 'relay-checks';

const sha256 = (data) => createHash('sha256').update(data).digest('hex');
const hmac = (key, data) => createHmac('sha256', key).update(data).digest();

beforeAll(async () => {
  ros = await startFreshRos();
  tenants = await setupTenants(ros);
  await tenants.admin.createBucket(tenants.projects.main.id, 'thailand-1', bucket);
  const key = tenants.keys.main;
  client = new S3Client({
    endpoint: key.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client?.destroy();
  await ros?.stopAll();
});

/**
 * Signs a request (SigV4, header auth) whose wire path is `rawPath` exactly, while the canonical URI is
 * `canonicalPath`: written out here rather than by a library, because libraries normalize the path and these
 * checks need one that arrives exactly as written. Answers the headers to send (the Host header included).
 */
function signV4({ method, rawPath, canonicalPath = rawPath, headers = {}, payloadHash = 'UNSIGNED-PAYLOAD' }) {
  const key = tenants.keys.main;
  const host = new URL(key.endpoint).host;
  const amzDate = new Date().toISOString().replace(/[:-]|\.\d{3}/g, '');
  const scope = `${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`;
  const all = { host, 'x-amz-content-sha256': payloadHash, 'x-amz-date': amzDate, ...headers };
  const names = Object.keys(all)
    .map((n) => n.toLowerCase())
    .sort();
  const lower = Object.fromEntries(Object.entries(all).map(([n, v]) => [n.toLowerCase(), String(v).trim()]));
  const canonical = [
    method,
    canonicalPath,
    '',
    ...names.map((n) => `${n}:${lower[n]}`),
    '',
    names.join(';'),
    payloadHash,
  ].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  let signingKey = `AWS4${key.secretAccessKey}`;
  for (const part of scope.split('/')) signingKey = hmac(signingKey, part);
  const signature = createHmac('sha256', signingKey).update(stringToSign).digest('hex');
  return {
    ...all,
    Authorization: `AWS4-HMAC-SHA256 Credential=${key.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  };
}

/**
 * One raw request to the site endpoint (node:http, no agent). `body`: a Buffer, or an array of Buffers written
 * one by one (for a chunked body). With `Expect: 100-continue` among the headers, the body goes only once the
 * `100 Continue` arrived, as stock clients do; `continueMs` is how long that took (null: none came).
 */
function rawRequest({ method, path, headers, body }) {
  const { hostname, port } = new URL(tenants.keys.main.endpoint);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let continueMs = null;
    const req = http.request({ hostname, port, method, path, headers, agent: false, setHost: false });
    const chunks = Array.isArray(body) ? body : body ? [body] : [];
    const send = () => {
      for (const c of chunks) req.write(c);
      req.end();
    };
    req.on('continue', () => {
      continueMs = performance.now() - started;
      send();
    });
    req.on('response', (res) => {
      const parts = [];
      res.on('data', (c) => parts.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts), continueMs }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    if (Object.keys(headers).some((h) => h.toLowerCase() === 'expect')) req.flushHeaders();
    else send();
  });
}

const getBytes = async (Key) =>
  Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: bucket, Key }))).Body.transformToByteArray());

describe('site relay', () => {
  it('answers Expect: 100-continue at once, before the final answer, and then stores the body', async () => {
    const body = randomBytes(3 * 1024 * 1024);
    const headers = signV4({ method: 'PUT', rawPath: `/${bucket}/continue.bin`, payloadHash: sha256(body) });
    const res = await rawRequest({
      method: 'PUT',
      path: `/${bucket}/continue.bin`,
      headers: { ...headers, 'Content-Length': body.length, Expect: '100-continue' },
      body,
    });
    expect(res.status, res.body.toString()).toBe(200);
    // The client sent the body only on the 100, so the 200 implies the 100 came first; and it came at once
    // (botocore gives up waiting after 1 s, the JS SDK after ~6 s; wrangler dev alone never sends it).
    expect(res.continueMs).not.toBeNull();
    expect(res.continueMs).toBeLessThan(500);
    expect(sha256(await getBytes('continue.bin'))).toBe(sha256(body));
  });

  it('passes a signed Expect header through to the server', async () => {
    // A signer that signs Expect (most leave it out) needs it to arrive as sent; the relay still answers the 100.
    const body = Buffer.from('signed expect');
    const headers = signV4({
      method: 'PUT',
      rawPath: `/${bucket}/signed-expect`,
      payloadHash: sha256(body),
      headers: { expect: '100-continue' },
    });
    const res = await rawRequest({
      method: 'PUT',
      path: `/${bucket}/signed-expect`,
      headers: { ...headers, 'Content-Length': body.length },
      body,
    });
    expect(res.status, res.body.toString()).toBe(200);
    expect(res.continueMs).toBeLessThan(500);
    expect((await getBytes('signed-expect')).toString()).toBe('signed expect');
  });

  it('delivers the raw path unchanged: %2F, +, // and percent-encoded unicode', async () => {
    // Signed as ROS verifies such a path (%2F kept; a literal + in the path is a space, as on S3): had the relay
    // decoded the %2F, collapsed the // or re-encoded anything, the signature or the key would not match.
    const rawPath = `/${bucket}/raw/a%2Fb+c//d/%C3%BCn%C3%AF%20%F0%9F%98%80`;
    const canonicalPath = rawPath.replace('+', '%20');
    const body = Buffer.from('raw path body');
    const headers = signV4({ method: 'PUT', rawPath, canonicalPath, payloadHash: sha256(body) });
    const res = await rawRequest({
      method: 'PUT',
      path: rawPath,
      headers: { ...headers, 'Content-Length': body.length },
      body,
    });
    expect(res.status, res.body.toString()).toBe(200);
    const key = 'raw/a/b c//d/ünï 😀';
    expect((await getBytes(key)).toString()).toBe('raw path body');
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'raw/' }));
    expect(listed.Contents.map((o) => o.Key)).toEqual([key]);
  });

  it('round-trips keys with %2F, +, // and unicode through the SDK', async () => {
    const keys = ['odd/100%2F+plus//double/ünï 😀.txt', 'odd/+/%/ /x'];
    for (const Key of keys) await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: `body of ${Key}` }));
    for (const Key of keys) expect((await getBytes(Key)).toString()).toBe(`body of ${Key}`);
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'odd/' }));
    expect(listed.Contents.map((o) => o.Key).sort()).toEqual([...keys].sort());
  });

  it('streams a Transfer-Encoding: chunked request body', async () => {
    // A client streaming a body of unknown length sends it chunked, as an aws-chunked payload with its decoded
    // length declared (S3 needs the length); the signed Transfer-Encoding header must arrive, and the body with it.
    const parts = [randomBytes(100_000), randomBytes(70_000), randomBytes(1)];
    const data = Buffer.concat(parts);
    const framed = parts.flatMap((p) => [Buffer.from(`${p.length.toString(16)}\r\n`), p, Buffer.from('\r\n')]);
    framed.push(Buffer.from('0\r\n\r\n'));
    const headers = signV4({
      method: 'PUT',
      rawPath: `/${bucket}/chunked.bin`,
      payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      headers: {
        'content-encoding': 'aws-chunked',
        'transfer-encoding': 'chunked',
        'x-amz-decoded-content-length': data.length,
      },
    });
    const res = await rawRequest({ method: 'PUT', path: `/${bucket}/chunked.bin`, headers, body: framed });
    expect(res.status, res.body.toString()).toBe(200);
    expect(sha256(await getBytes('chunked.bin'))).toBe(sha256(data));
  });

  it('answers HEAD with the Content-Length and no body, and errors with their status and XML', async () => {
    const headers = signV4({ method: 'HEAD', rawPath: `/${bucket}/continue.bin` });
    const head = await rawRequest({ method: 'HEAD', path: `/${bucket}/continue.bin`, headers });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(3 * 1024 * 1024));
    expect(head.body.length).toBe(0);
    const missing = await rawRequest({
      method: 'GET',
      path: `/${bucket}/nope`,
      headers: signV4({ method: 'GET', rawPath: `/${bucket}/nope` }),
    });
    expect(missing.status).toBe(404);
    expect(missing.body.toString()).toContain('<Code>NoSuchKey</Code>');
  });
});

/** Remote ports of this process's established TCP connections (the relay runs in it). */
const connectedPorts = () => socketPorts('self', { connected: true });

describe('site relay upstream', () => {
  it('relays to the workerd that runs ROS, not to wrangler dev’s port (its dev proxy)', async () => {
    const headers = signV4({ method: 'HEAD', rawPath: `/${bucket}/continue.bin` });
    const before = new Set(connectedPorts());
    const head = await rawRequest({ method: 'HEAD', path: `/${bucket}/continue.bin`, headers });
    expect(head.status).toBe(200);
    // The relay keeps its upstream connection in its pool: it is to one of the user workerd's own sockets.
    const userPorts = new Set(userWorkerdPids(ros.pid).flatMap((pid) => listeningPorts(pid)));
    const opened = connectedPorts().filter((p) => !before.has(p) || userPorts.has(p));
    expect(opened.some((p) => userPorts.has(p))).toBe(true);
    expect(opened).not.toContain(ros.port);
  });

  it('sends a bodiless request again on a new connection when a pooled one was dropped under it', async () => {
    // A server that, like workerd, drops an idle kept-alive connection just as the next request arrives on it:
    // it answers the first request on each connection and resets the connection at the second.
    const seen = [];
    const upstream = net.createServer((socket) => {
      let requests = 0;
      socket.on('data', (data) => {
        if (++requests === 2) return socket.resetAndDestroy();
        seen.push(data.toString('latin1').split('\r\n')[0]);
        const body = `ok ${seen.length}`;
        socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n${body}`);
      });
    });
    const upstreamPort = await freePort();
    await new Promise((r) => upstream.listen(upstreamPort, '127.0.0.1', r));
    const port = await freePort('127.0.0.9');
    const relay = await relaySite('127.0.0.9', port, { port: async () => upstreamPort, forget() {} });
    const get = (path, method = 'GET') =>
      new Promise((resolve, reject) => {
        const req = http.request({ host: '127.0.0.9', port, path, method, agent: false }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode, text }));
        });
        req.on('error', reject);
        req.end();
      });
    try {
      expect((await get('/first')).status).toBe(200);
      // Goes out on the pooled connection, which the server drops: the relay sends it again on a new one.
      const second = await get('/second', 'DELETE');
      expect(second).toEqual({ status: 200, text: 'ok 2' });
      expect(seen).toEqual(['GET /first HTTP/1.1', 'DELETE /second HTTP/1.1']);
    } finally {
      relay.close();
      upstream.close();
    }
  });
});
