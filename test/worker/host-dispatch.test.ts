import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

const get = (url: string, host?: string) => SELF.fetch(url, host ? { headers: { Host: host } } : {});

describe('host dispatch', () => {
  it('serves the console API on the console hosts', async () => {
    for (const host of ['localhost', 'localhost:8787', '127.0.0.1:9999', 'LOCALHOST']) {
      const res = await get('http://localhost/api/health', host);
      expect(res.status, host).toBe(200);
      expect(await res.json()).toEqual({ ok: true });
    }
  });

  it('serves the static console on the console host', async () => {
    const res = await get('http://localhost/');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toContain('text/html');
    expect(await res.text()).toContain('Ridge Object Storage');
  });

  it('answers an unknown API path with a JSON error', async () => {
    const res = await get('http://localhost/api/nope');
    expect(res.status).toBe(401); // every endpoint but health, sites, login and bootstrap needs a session first
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
  });

  // The S3 side of a site answers S3 XML: until its operations exist, NotImplemented, never the console.
  it.each([
    ['127.0.0.2:8787', '/', 'thailand-1 path style'],
    ['thailand-1.localhost', '/bucket/key', 'thailand-1 alias'],
    ['127.0.0.3', '/', 'finland-1'],
    ['my-bucket.thailand-1.localhost:8787', '/key', 'virtual-host bucket'],
    ['a.b.c.finland-1.localhost', '/', 'virtual-host bucket with dots'],
  ])('routes %s to its site (%s)', async (host, path) => {
    const res = await get(`http://x${path}`, host);
    expect(res.headers.get('Content-Type')).toBe('application/xml');
    expect(res.headers.get('x-amz-request-id')).toMatch(/^[0-9A-F]{16}$/);
    const body = await res.text();
    expect(body).toContain('<Error><Code>');
    expect(body).not.toContain('<html');
  });

  it('never serves console files or the API on a site host', async () => {
    for (const path of ['/index.html', '/api/health', '/']) {
      const res = await get(`http://x${path}`, '127.0.0.2');
      expect(res.headers.get('Content-Type')).toBe('application/xml');
    }
  });

  it('answers an unknown host with an S3 error, not the console', async () => {
    for (const host of ['evil.example.com', 'thailand-1.localhost.evil.com', '127.0.0.9', 'bucket.127.0.0.2']) {
      const res = await get('http://x/api/health', host);
      expect(res.status, host).toBe(400);
      const body = await res.text();
      expect(body).toContain('<Code>InvalidRequest</Code>');
      expect(body).toContain('is not an endpoint of this service');
    }
  });

  it('lists the sites with endpoints built from the console URL', async () => {
    const res = await get('http://localhost:8787/api/sites', 'localhost:8787');
    const { sites } = (await res.json()) as { sites: { id: string; endpoint: string; name: string }[] };
    expect(sites.map((s) => [s.id, s.name, s.endpoint])).toEqual([
      ['thailand-1', 'Si Racha, Thailand', 'http://127.0.0.2:8787'],
      ['finland-1', 'Helsinki, Finland', 'http://127.0.0.3:8787'],
    ]);
  });
});
