import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { assemble, cutInto } from '../../../src/storage/assemble';
import { R2Ledger, strictR2 } from '../support/strict-r2';

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
    const ledger = new R2Ledger();
    const object = await assemble(
      strictR2(env.R2_THAILAND_1, ledger),
      'assembled',
      sizes.map((length, i) => ({ key: `src/${i}`, length })),
      {},
      // R2's own minimum part size is 5 MiB, also locally.
      { singlePutLimit: MiB, minPartSize: 5 * MiB },
    );
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(object!.size).toBe(total);
    expect(ledger.completions).toEqual([[5 * MiB, 5 * MiB, 5 * MiB, total - 15 * MiB]]);
    expect(ledger.refused).toEqual([]);
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

  it('pins a source to its ETag: a source changed meanwhile fails the write', async () => {
    const first = (await env.R2_THAILAND_1.put('pinned', 'first'))!;
    await env.R2_THAILAND_1.put('pinned', 'other');
    await expect(
      assemble(env.R2_THAILAND_1, 'pinned-out', [{ key: 'pinned', etag: first.etag, length: 5 }], {}),
    ).rejects.toThrow();
    expect(await env.R2_THAILAND_1.head('pinned-out')).toBeNull();
  });

  it('cutInto uploads a stream as uniform parts numbered from where it is told', async () => {
    const MiB = 1024 * 1024;
    const ledger = new R2Ledger();
    const bucket = strictR2(env.R2_THAILAND_1, ledger);
    const upload = await bucket.createMultipartUpload('cut');
    const data = new Uint8Array(11 * MiB + 5).map((_, i) => i % 251);
    const parts = await cutInto(upload, new Response(data).body!, data.length, 5 * MiB, 7);
    expect(parts.map((p) => p.partNumber)).toEqual([7, 8, 9]);
    await upload.complete(parts);
    expect(ledger.completions).toEqual([[5 * MiB, 5 * MiB, MiB + 5]]);
    const got = new Uint8Array(await (await env.R2_THAILAND_1.get('cut'))!.arrayBuffer());
    expect(got.length).toBe(data.length);
    expect(got.findIndex((b, i) => b !== data[i])).toBe(-1);
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
