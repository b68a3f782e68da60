import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import type { Env } from '../../../src/env';
import worker from '../../../src/index';

/**
 * Hands a request to the Worker's fetch handler in this isolate, as the runtime would, and waits for its waitUntil
 * work before answering (so a test sees what a request's clean-up left, without polling).
 *
 * Why not SELF.fetch: vitest-pool-workers re-imports the main module through its runner object on every SELF.fetch,
 * at a cost that grows with every call the isolate has made (measured: 10 ms a request at first, 400 ms after
 * 1,200), which made request-heavy files quadratic. Called directly the handler costs the same at the ten-thousandth
 * request as at the first. What SELF.fetch does besides is copied here: a body of known length without a
 * Content-Length header gets one (as a client sends it), and an explicit one is left as the test set it.
 * `knownLength: false` is for a test's streamed body, which SELF.fetch would send without one.
 */
export async function workerFetch(
  input: Request | string,
  init?: RequestInit,
  { knownLength = true }: { knownLength?: boolean } = {},
): Promise<Response> {
  let request = new Request(input, init);
  if (knownLength && request.body && !request.headers.has('content-length')) {
    const body = await request.arrayBuffer();
    const headers = new Headers(request.headers);
    headers.set('content-length', String(body.byteLength));
    request = new Request(request.url, { method: request.method, headers, body, redirect: request.redirect });
  }
  const ctx = createExecutionContext();
  const res = await worker.fetch(request, env as unknown as Env, ctx);
  const raw = await res.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return new Response([101, 204, 205, 304].includes(res.status) ? null : raw, {
    status: res.status,
    statusText: res.statusText,
    headers: res.headers,
  });
}
