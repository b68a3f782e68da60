import { SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { checksumOf } from '../../../src/checksums';
import { sha256Hex, toBase64 } from '../../../src/crypto/encoding';
import { EMPTY_SHA256, deriveSigningKey, hmacHex } from '../../../src/s3/auth/sigv4';
import { concat, s3World, xmlText, type S3World } from './s3-fixtures';

const enc = new TextEncoder();
function payload(size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + 7) & 0xff;
  return out;
}

/** The body the 2025+ SDKs send by default: STREAMING-UNSIGNED-PAYLOAD-TRAILER with a CRC32 trailer. */
async function unsignedTrailerPut(
  w: S3World,
  path: string,
  data: Uint8Array,
  opts: { trailerValue?: string; flip?: number } = {},
) {
  const crc = opts.trailerValue ?? toBase64(await checksumOf('CRC32', data));
  const sent = data.slice();
  if (opts.flip !== undefined) sent[opts.flip] ^= 1;
  const chunks = [sent.subarray(0, 65536), sent.subarray(65536)].filter((c) => c.length);
  const body = concat([
    ...chunks.flatMap((c) => [enc.encode(`${c.length.toString(16)}\r\n`), c, enc.encode('\r\n')]),
    enc.encode(`0\r\nx-amz-checksum-crc32:${crc}\r\n\r\n`),
  ]);
  return w.s3.fetch(path, {
    method: 'PUT',
    body,
    headers: {
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'Content-Encoding': 'aws-chunked',
      'x-amz-decoded-content-length': String(data.length),
      'x-amz-trailer': 'x-amz-checksum-crc32',
      'x-amz-sdk-checksum-algorithm': 'CRC32',
    },
  });
}

/** STREAMING-AWS4-HMAC-SHA256-PAYLOAD: every chunk signed, chained from the request's own signature. */
async function signedChunkedPut(w: S3World, path: string, data: Uint8Array, flipAfterSigning?: number) {
  const headers = {
    'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    'Content-Encoding': 'aws-chunked',
    'x-amz-decoded-content-length': String(data.length),
  };
  const signed = await w.s3.aws.sign(`${w.s3.endpoint}${path}`, { method: 'PUT', headers });
  const amzDate = signed.headers.get('x-amz-date')!;
  const seed = /Signature=([0-9a-f]{64})/.exec(signed.headers.get('Authorization')!)![1];
  const scope = `${amzDate.slice(0, 8)}/auto/s3/aws4_request`;
  const key = await deriveSigningKey(w.s3.secretAccessKey, amzDate.slice(0, 8), 'auto', 's3');
  let previous = seed;
  const parts: Uint8Array[] = [];
  const chunks = [data.subarray(0, 65536), data.subarray(65536), new Uint8Array(0)];
  for (const chunk of chunks) {
    const sig = await hmacHex(
      key,
      `AWS4-HMAC-SHA256-PAYLOAD\n${amzDate}\n${scope}\n${previous}\n${EMPTY_SHA256}\n${await sha256Hex(chunk)}`,
    );
    const sent = chunk.slice();
    if (flipAfterSigning !== undefined && chunk.length && sent.length > flipAfterSigning) sent[flipAfterSigning] ^= 1;
    parts.push(enc.encode(`${chunk.length.toString(16)};chunk-signature=${sig}\r\n`), sent, enc.encode('\r\n'));
    previous = sig;
  }
  return SELF.fetch(new Request(signed.url, { method: 'PUT', headers: signed.headers, body: concat(parts) }));
}

describe('aws-chunked uploads', () => {
  it('stores the decoded bytes of an unsigned-trailer body and echoes the verified CRC32', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const data = payload(100_000);
    const res = await unsignedTrailerPut(w, `/${b}/sdk-default`, data);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get('x-amz-checksum-crc32')).toBe(toBase64(await checksumOf('CRC32', data)));
    const got = new Uint8Array(await (await w.s3.fetch(`/${b}/sdk-default`)).arrayBuffer());
    expect(got.length).toBe(data.length);
    expect(got.findIndex((x, i) => x !== data[i])).toBe(-1);
    const stored = await env.R2_THAILAND_1.head(`${b}/sdk-default`);
    expect(stored!.httpMetadata?.contentEncoding).toBeUndefined(); // aws-chunked is not the object's encoding
  });

  it('refuses a wrong trailer checksum (BadDigest) and a flipped byte, storing nothing', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const data = payload(100_000);
    const wrong = await unsignedTrailerPut(w, `/${b}/x`, data, { trailerValue: 'AAAAAA==' });
    expect([wrong.status, xmlText(await wrong.text(), 'Code')]).toEqual([400, 'BadDigest']);
    const flipped = await unsignedTrailerPut(w, `/${b}/x`, data, { flip: 70_000 });
    expect([flipped.status, xmlText(await flipped.text(), 'Code')]).toEqual([400, 'BadDigest']);
    expect(await env.R2_THAILAND_1.head(`${b}/x`)).toBeNull();
  });

  it('verifies every chunk signature of a signed streaming body', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const data = payload(80_000);
    const ok = await signedChunkedPut(w, `/${b}/signed`, data);
    expect(ok.status, await ok.clone().text()).toBe(200);
    expect(new Uint8Array(await (await w.s3.fetch(`/${b}/signed`)).arrayBuffer()).length).toBe(80_000);
    const tampered = await signedChunkedPut(w, `/${b}/tampered`, data, 5);
    expect([tampered.status, xmlText(await tampered.text(), 'Code')]).toEqual([403, 'SignatureDoesNotMatch']);
    expect(await env.R2_THAILAND_1.head(`${b}/tampered`)).toBeNull();
  });

  it('checks an x-amz-checksum-* header, stores it, and returns it with x-amz-checksum-mode', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const data = enc.encode('hey');
    const good = toBase64(await checksumOf('SHA256', data));
    const bad = await w.s3.fetch(`/${b}/c`, {
      method: 'PUT',
      body: data,
      headers: { 'x-amz-checksum-crc32': 'AAAAAA==' },
    });
    expect([bad.status, xmlText(await bad.text(), 'Code')]).toEqual([400, 'BadDigest']);
    expect(await env.R2_THAILAND_1.head(`${b}/c`)).toBeNull();
    const ok = await w.s3.fetch(`/${b}/c`, { method: 'PUT', body: data, headers: { 'x-amz-checksum-sha256': good } });
    expect(ok.headers.get('x-amz-checksum-sha256')).toBe(good);
    const head = await w.s3.fetch(`/${b}/c`, { method: 'HEAD', headers: { 'x-amz-checksum-mode': 'ENABLED' } });
    expect(head.headers.get('x-amz-checksum-sha256')).toBe(good);
    expect((await w.s3.fetch(`/${b}/c`, { method: 'HEAD' })).headers.get('x-amz-checksum-sha256')).toBeNull();
    const invalid = await w.s3.fetch(`/${b}/d`, {
      method: 'PUT',
      body: data,
      headers: { 'x-amz-checksum-crc32': 'nope' },
    });
    expect([invalid.status, xmlText(await invalid.text(), 'Code')]).toEqual([400, 'InvalidRequest']);
  });
});
