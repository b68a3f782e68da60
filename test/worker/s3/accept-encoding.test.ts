// Cloudflare (and wrangler dev's miniflare) replace a client's Accept-Encoding with `br, gzip` before the Worker
// sees it and keep the client's value in `request.cf.clientAcceptEncoding`. rclone (aws-sdk-go v1) signs its
// `Accept-Encoding: gzip` on GetObject; ROS must verify against the client's value, or every download fails with
// SignatureDoesNotMatch (found by the rclone client-matrix test).
import { SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { s3World, xmlText } from './s3-fixtures';

describe('a signed Accept-Encoding that Cloudflare rewrote', () => {
  it('verifies against cf.clientAcceptEncoding', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    await env.R2_THAILAND_1.put(`${b}/one.txt`, 'hello');
    const signed = await w.s3.aws.sign(`${w.s3.endpoint}/${b}/one.txt`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(signed.headers.get('authorization')).toContain('SignedHeaders=accept-encoding;');
    const rewritten = (cf?: Record<string, unknown>) => {
      const headers = new Headers(signed.headers);
      headers.set('Accept-Encoding', 'br, gzip');
      return new Request(signed.url, { headers, cf } as RequestInit);
    };

    const ok = await SELF.fetch(rewritten({ clientAcceptEncoding: 'gzip' }));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('hello');

    // Without the original value the rewritten header cannot verify (what rclone got before the fix).
    const refused = await SELF.fetch(rewritten());
    expect(refused.status).toBe(403);
    expect(xmlText(await refused.text(), 'Code')).toBe('SignatureDoesNotMatch');
  });
});
