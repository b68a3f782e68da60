import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../../src/storage/assemble';

/**
 * Production R2 refuses a multipart upload whose non-trailing parts differ in size; the local simulation does not
 * check. This wraps the real binding and enforces that rule at complete(), as production does.
 */
function productionRules(bucket: R2Bucket, seen: number[][]): R2Bucket {
  return new Proxy(bucket, {
    get(target, prop) {
      if (prop !== 'createMultipartUpload') return Reflect.get(target, prop).bind(target);
      return async (key: string, options?: R2MultipartOptions) => {
        const upload = await target.createMultipartUpload(key, options);
        const sizes = new Map<number, number>();
        return {
          uploadPart: async (n: number, body: ReadableStream) => {
            // Test-sized parts: read whole, to learn the size production R2 would see.
            const bytes = new Uint8Array(await new Response(body).arrayBuffer());
            sizes.set(n, bytes.length);
            return upload.uploadPart(n, bytes);
          },
          complete: async (parts: R2UploadedPart[]) => {
            const list = parts.map((p) => sizes.get(p.partNumber)!);
            seen.push(list);
            if (list.slice(0, -1).some((s) => s !== list[0]) || list[list.length - 1] > list[0]) {
              throw new Error('production R2: all non-trailing parts must have the same size');
            }
            return upload.complete(parts);
          },
          abort: () => upload.abort(),
        };
      };
    },
  }) as R2Bucket;
}

describe('assemble', () => {
  it('re-cuts uneven pieces into equal R2 parts when it goes multipart, byte-exact', async () => {
    const MiB = 1024 * 1024;
    const sizes = [7 * MiB + 3, 3, 6 * MiB, 2 * MiB + 1, 1];
    const all: Uint8Array[] = [];
    for (const [i, size] of sizes.entries()) {
      const data = new Uint8Array(size);
      for (let at = 0; at < size; at += 65536) crypto.getRandomValues(data.subarray(at, Math.min(size, at + 65536)));
      all.push(data);
      await env.R2_THAILAND_1.put(`src/${i}`, data);
    }
    const seen: number[][] = [];
    const object = await assemble(
      productionRules(env.R2_THAILAND_1, seen),
      'assembled',
      sizes.map((length, i) => ({ key: `src/${i}`, length })),
      {},
      // R2's own minimum part size is 5 MiB, also locally.
      { singlePutLimit: MiB, minPartSize: 5 * MiB },
    );
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(object!.size).toBe(total);
    expect(seen).toEqual([[5 * MiB, 5 * MiB, 5 * MiB, total - 15 * MiB]]);
    const got = new Uint8Array(await (await env.R2_THAILAND_1.get('assembled'))!.arrayBuffer());
    const want = new Uint8Array(total);
    let at = 0;
    for (const d of all) {
      want.set(d, at);
      at += d.length;
    }
    // Compared by length and first difference: a diff of 15 MiB arrays would exhaust the test's memory.
    expect(got.length).toBe(want.length);
    expect(got.findIndex((b, i) => b !== want[i])).toBe(-1);
  });

  it('writes ranges of sources', async () => {
    await env.R2_THAILAND_1.put('ranged', '0123456789');
    const object = await assemble(
      env.R2_THAILAND_1,
      'ranged-out',
      [
        { key: 'ranged', offset: 2, length: 3 },
        { key: 'ranged', offset: 8, length: 2 },
      ],
      {},
    );
    expect(object!.size).toBe(5);
    expect(await (await env.R2_THAILAND_1.get('ranged-out'))!.text()).toBe('23489');
  });

  it('fails, writing nothing, when a source is missing', async () => {
    await expect(assemble(env.R2_THAILAND_1, 'broken', [{ key: 'no-such-source', length: 5 }], {})).rejects.toThrow();
    expect(await env.R2_THAILAND_1.head('broken')).toBeNull();
  });
});
