import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { COALESCE_BYTES, coalesced, coalescedBody } from '../../../src/storage/coalesce';

const MiB = 1024 * 1024;
const payload = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + (i >>> 9)) & 0xff);
const sha = async (data: ArrayBuffer | Uint8Array) =>
  [...new Uint8Array(await crypto.subtle.digest('SHA-256', data))].map((b) => b.toString(16).padStart(2, '0')).join('');

async function readAll(stream: ReadableStream<Uint8Array>) {
  const pieces: Uint8Array[] = [];
  const reader = stream.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) pieces.push(next.value);
  return pieces;
}

describe('coalescedBody', () => {
  it('reads a request body in 1 MiB pieces, the last what is left', async () => {
    const data = payload(2 * MiB + 1000);
    const { stream } = coalescedBody(new Request('http://x/', { method: 'PUT', body: data }).body!, data.length);
    const pieces = await readAll(stream);
    expect(pieces.map((p) => p.byteLength)).toEqual([COALESCE_BYTES, COALESCE_BYTES, 1000]);
    expect(await sha(new Uint8Array(await new Blob(pieces).arrayBuffer()))).toBe(await sha(data));
  });

  it('a small body gets a buffer of its own size, not 1 MiB', async () => {
    const data = payload(4096);
    const pieces = await readAll(coalesced(new Request('http://x/', { method: 'PUT', body: data }).body, 4096)!);
    expect(pieces.map((p) => [p.byteLength, p.buffer.byteLength])).toEqual([[4096, 4096]]);
  });

  it('a stream that is not a byte stream passes through as it is', async () => {
    const piece = payload(10);
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(piece);
        c.close();
      },
    });
    const coalescedOnes = coalescedBody(body);
    expect(coalescedOnes.stream).toBe(body);
    coalescedOnes.recycle(piece); // not ours: ignored
    expect(await readAll(coalescedOnes.stream)).toEqual([piece]);
  });

  it('pieces handed back once written are read into again, and R2 stores the body exactly', async () => {
    const data = payload(6 * MiB + 77);
    const { stream, recycle } = coalescedBody(
      new Request('http://x/', { method: 'PUT', body: data }).body!,
      data.length,
    );
    // The consumer checkedBody is: each piece written into a sized stream R2 reads, handed back once the write resolved.
    const sized = new FixedLengthStream(data.length);
    const put = env.R2_THAILAND_1.put('coalesced-recycled', sized.readable);
    const writer = sized.writable.getWriter();
    const handedBack: ArrayBufferLike[] = [];
    const reader = stream.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      await writer.write(next.value);
      expect(next.value.buffer.byteLength).toBe(COALESCE_BYTES); // the write took the bytes, not the buffer
      handedBack.push(next.value.buffer);
      recycle(next.value);
    }
    await writer.close();
    await put;
    expect(handedBack.length).toBe(7);
    // A buffer read into again was transferred by that read (detached here): all but the last one or two were.
    expect(handedBack.filter((b) => b.byteLength === 0).length).toBeGreaterThanOrEqual(5);
    const stored = await (await env.R2_THAILAND_1.get('coalesced-recycled'))!.arrayBuffer();
    expect(await sha(stored)).toBe(await sha(data));
  });
});
