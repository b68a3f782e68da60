import { SELF } from 'cloudflare:test';
import { CONSOLE, type ConsoleClient } from '../console-client';
import { ownKey, unique, world, type World } from './fixtures';

/** A fresh project whose member holds a key at thailand-1 and owns a bucket there. */
export async function bucketWorld(site = 'thailand-1'): Promise<World & { bucket: string; base: string }> {
  const w = await world();
  await ownKey(w.member.client, w.project, site);
  const bucket = unique('objs');
  const made = await w.member.client.post(`/projects/${w.project}/buckets`, { site, name: bucket });
  if (made.status !== 201) throw new Error(`bucket: ${JSON.stringify(made.body)}`);
  return { ...w, bucket, base: `/projects/${w.project}/buckets/${site}/${bucket}` };
}

export const q = (params: Record<string, string | number | boolean>) =>
  `?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString()}`;

/** A raw (non-JSON) request with the client's session, as the browser's uploads and downloads are made. */
export async function raw(
  c: ConsoleClient,
  method: string,
  path: string,
  body?: BodyInit | null,
  headers: Record<string, string> = {},
): Promise<Response> {
  const h: Record<string, string> = { Cookie: c.cookie, ...headers };
  if (method !== 'GET' && method !== 'HEAD') h['X-CSRF-Token'] ??= c.csrf;
  return SELF.fetch(`${CONSOLE}/api${path}`, { method, headers: h, body: body ?? null });
}

export async function put(
  c: ConsoleClient,
  base: string,
  key: string,
  body: string | Uint8Array,
  extra: Record<string, string | boolean> = {},
) {
  const res = await raw(c, 'PUT', `${base}/object${q({ key, ...extra })}`, body, { 'Content-Type': 'text/plain' });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export const bytes = (n: number, seed = 1) => {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed * 7) & 0xff;
  return out;
};

export async function sha256(data: ArrayBuffer | Uint8Array) {
  return [...new Uint8Array(await crypto.subtle.digest('SHA-256', data))]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
}
