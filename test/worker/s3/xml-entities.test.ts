// Request XML as Go's encoding/xml writes it (rclone, minio-go, the AWS SDK for Go): every `"` becomes `&#34;`,
// `'` `&#39;`, a tab `&#x9;`. Those are XML character references and must be decoded like the named entities:
// rclone's CompleteMultipartUpload (part ETags `&#34;<md5>&#34;`) failed with InvalidPart before they were.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { s3World, xmlAll, xmlText } from './s3-fixtures';

const MiB = 1024 * 1024;

describe('XML character references in request bodies', () => {
  it('CompleteMultipartUpload accepts part ETags quoted as &#34; (Go encoding/xml)', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const start = await w.s3.fetch(`/${b}/go.bin?uploads`, { method: 'POST' });
    const id = xmlText(await start.text(), 'UploadId')!;
    const parts = [new Uint8Array(5 * MiB).fill(1), new Uint8Array(3).fill(2)];
    const etags: string[] = [];
    for (const [i, body] of parts.entries()) {
      const res = await w.s3.fetch(`/${b}/go.bin?partNumber=${i + 1}&uploadId=${id}`, { method: 'PUT', body });
      expect(res.status).toBe(200);
      etags.push(res.headers.get('ETag')!);
    }
    // Exactly rclone's body: the quotes of each ETag as decimal references (one as hex, as other encoders do).
    const xml =
      '<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      `<Part><ETag>${etags[0].replace(/"/g, '&#34;')}</ETag><PartNumber>1</PartNumber></Part>` +
      `<Part><ETag>${etags[1].replace(/"/g, '&#x22;')}</ETag><PartNumber>2</PartNumber></Part>` +
      '</CompleteMultipartUpload>';
    const done = await w.s3.fetch(`/${b}/go.bin?uploadId=${id}`, { method: 'POST', body: xml });
    const text = await done.text();
    expect(done.status, text).toBe(200);
    expect(xmlText(text, 'ETag')).toMatch(/^&quot;[0-9a-f]{32}-2&quot;$/);
    const head = await w.s3.fetch(`/${b}/go.bin`, { method: 'HEAD' });
    expect(head.headers.get('Content-Length')).toBe(String(5 * MiB + 3));
  });

  it('DeleteObjects decodes &#39; / &#x9; in keys, and &amp;#34; stays the literal text &#34;', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const keys = ["it's.txt", 'tab\there.txt', 'literal &#34; ref.txt'];
    for (const k of keys) await env.R2_THAILAND_1.put(`${b}/${k}`, k);
    const body =
      '<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      '<Object><Key>it&#39;s.txt</Key></Object>' +
      '<Object><Key>tab&#x9;here.txt</Key></Object>' +
      '<Object><Key>literal &amp;#34; ref.txt</Key></Object>' +
      '</Delete>';
    const res = await w.s3.fetch(`/${b}?delete`, { method: 'POST', body });
    const xml = await res.text();
    expect(res.status, xml).toBe(200);
    expect(xmlAll(xml, 'Error')).toEqual([]);
    expect(xmlAll(xml, 'Deleted')).toHaveLength(3);
    expect((await env.R2_THAILAND_1.list({ prefix: `${b}/` })).objects).toEqual([]);
  });
});
