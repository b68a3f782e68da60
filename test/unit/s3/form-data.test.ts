import { describe, expect, it } from 'vitest';
import { boundaryOf, indexOf, mediaType, readForm } from '../../../src/s3/body/form-data';
import { S3Error } from '../../../src/s3/errors';
import { concat } from '../../worker/s3/s3-fixtures';

const utf8 = new TextEncoder();
const B = '----formdata-ros-7MA4YWxkTrZu0gW';

type Part = { name: string; value: string | Uint8Array; filename?: string; headers?: string };

/** A multipart/form-data body as browsers, curl, requests and undici write it. */
function formBody(parts: Part[], boundary = B, close = `--${boundary}--\r\n`): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (const p of parts) {
    const filename = p.filename === undefined ? '' : `; filename="${p.filename}"`;
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${filename}\r\n${p.headers ?? ''}\r\n`;
    chunks.push(utf8.encode(head), typeof p.value === 'string' ? utf8.encode(p.value) : p.value, utf8.encode('\r\n'));
  }
  chunks.push(utf8.encode(close));
  return concat(chunks);
}

/** The body as a stream of `size`-byte chunks (or one chunk). */
function streamOf(bytes: Uint8Array, size = bytes.length): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + Math.max(size, 1)));
      at += size;
    },
  });
}

const readAll = async (stream: ReadableStream<Uint8Array>) => new Uint8Array(await new Response(stream).arrayBuffer());

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof S3Error) return err.code;
    throw err;
  }
  throw new Error('expected an S3Error');
}

const binary = (size: number) => Uint8Array.from({ length: size }, (_, i) => (i * 31 + 7) & 0xff);

describe('readForm', () => {
  const body = formBody([
    { name: 'key', value: 'uploads/a b+c.txt' },
    { name: 'x-amz-meta-Note', value: 'Grüße, 🐍' },
    { name: 'empty', value: '' },
    { name: 'file', filename: 'photo.jpg', headers: 'Content-Type: image/jpeg\r\n', value: binary(3000) },
  ]);

  it.each([1, 2, 7, 64, 1000, body.length])(
    'reads the fields and streams the file (chunks of %i bytes)',
    async (size) => {
      const form = await readForm(streamOf(body, size), B, 20 * 1024);
      expect(form.fields).toEqual([
        ['key', 'uploads/a b+c.txt'],
        ['x-amz-meta-Note', 'Grüße, 🐍'],
        ['empty', ''],
      ]);
      expect(form.file?.filename).toBe('photo.jpg');
      expect(await readAll(form.file!.stream)).toEqual(binary(3000));
      // The file's bytes start after everything before them: its length is what is left, less the closing line.
      expect(form.file!.offset).toBe(body.length - 3000 - `\r\n--${B}--\r\n`.length);
      expect(form.failure()).toBeNull();
    },
  );

  it('ends the file at its delimiter and ignores what follows (as S3 does)', async () => {
    const tricky = utf8.encode(`a\r\n--${B.slice(0, -1)}X\r\n--${B}`); // a near-delimiter inside the file
    const withAfter = formBody([
      { name: 'file', filename: 'a.bin', value: tricky },
      { name: 'acl', value: 'public-read' },
    ]);
    for (const size of [1, 3, 50, withAfter.length]) {
      const form = await readForm(streamOf(withAfter, size), B, 20 * 1024);
      expect(form.fields).toEqual([]);
      expect(new TextDecoder().decode(await readAll(form.file!.stream))).toBe(`a\r\n--${B.slice(0, -1)}X`);
    }
  });

  it('takes the file field in any case, an empty file, a file without a filename and a preamble', async () => {
    const form = await readForm(
      streamOf(concat([utf8.encode('preamble\r\n'), formBody([{ name: 'FILE', value: '' }])]), 5),
      B,
      1000,
    );
    expect(form.file?.filename).toBeNull();
    expect(await readAll(form.file!.stream)).toEqual(new Uint8Array(0));
  });

  it('reads quoted, escaped and RFC 5987 filenames', async () => {
    const escaped = await readForm(
      streamOf(formBody([{ name: 'file', filename: 'a \\"b\\";c.txt', value: 'x' }])),
      B,
      1000,
    );
    expect(escaped.file?.filename).toBe('a "b";c.txt');
    const windows = await readForm(
      streamOf(formBody([{ name: 'file', filename: 'C:\\My Photos\\cat.jpg', value: 'x' }])),
      B,
      1000,
    );
    expect(windows.file?.filename).toBe('C:\\My Photos\\cat.jpg');
    const extended = formBody([{ name: 'file', filename: 'euro.txt', value: 'x' }]);
    const withStar = new TextDecoder()
      .decode(extended)
      .replace('filename="euro.txt"', `filename="euro.txt"; filename*=UTF-8''%E2%82%AC.txt`);
    expect((await readForm(streamOf(utf8.encode(withStar)), B, 1000)).file?.filename).toBe('€.txt');
  });

  it('returns no file when the form ends without one', async () => {
    const form = await readForm(streamOf(formBody([{ name: 'key', value: 'k' }]), 3), B, 1000);
    expect(form.fields).toEqual([['key', 'k']]);
    expect(form.file).toBeNull();
  });

  it('refuses fields before the file beyond the limit, boundaries and part headers included', async () => {
    const fields = formBody([
      { name: 'a', value: 'x'.repeat(500) },
      { name: 'file', value: 'FILE-BYTES' },
    ]);
    const fileStarts = new TextDecoder().decode(fields).indexOf('FILE-BYTES');
    expect((await readForm(streamOf(fields, 10), B, fileStarts)).file).not.toBeNull();
    expect(await failure(readForm(streamOf(fields, 10), B, fileStarts - 1))).toBe('MaxPostPreDataLengthExceededError');
    expect(await failure(readForm(streamOf(fields), B, 300))).toBe('MaxPostPreDataLengthExceededError');
  });

  it.each([
    ['no boundary at all', utf8.encode('just text')],
    ['a part without Content-Disposition', utf8.encode(`--${B}\r\nContent-Type: text/plain\r\n\r\nx\r\n--${B}--\r\n`)],
    ['a part without a name', utf8.encode(`--${B}\r\nContent-Disposition: form-data\r\n\r\nx\r\n--${B}--\r\n`)],
    ['a field that never ends', utf8.encode(`--${B}\r\nContent-Disposition: form-data; name="key"\r\n\r\nk`)],
    ['headers that never end', utf8.encode(`--${B}\r\nContent-Disposition: form-data; name="key"`)],
    ['a body that stops after a boundary', utf8.encode(`--${B}`)],
  ])('refuses %s as MalformedPOSTRequest', async (_, bytes) => {
    expect(await failure(readForm(streamOf(bytes, 4), B, 20 * 1024))).toBe('MalformedPOSTRequest');
  });

  it('reads the rest of the body on discard(), and the whole of a body it refuses', async () => {
    /** The body as chunks, saying whether it was read to its end. */
    const tracked = (bytes: Uint8Array) => {
      const state = { ended: false };
      let at = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (at >= bytes.length) {
            state.ended = true;
            return controller.close();
          }
          controller.enqueue(bytes.slice(at, at + 16));
          at += 16;
        },
      });
      return { stream, state };
    };
    const body = formBody([
      { name: 'file', value: binary(100) },
      { name: 'after', value: 'x'.repeat(1000) },
    ]);
    const read = tracked(body);
    const form = await readForm(read.stream, B, 1000);
    expect(await readAll(form.file!.stream)).toEqual(binary(100));
    expect(read.state.ended).toBe(false);
    await form.discard();
    expect(read.state.ended).toBe(true);

    const refused = tracked(
      formBody([
        { name: 'a', value: 'x'.repeat(2000) },
        { name: 'file', value: 'x' },
      ]),
    );
    expect(await failure(readForm(refused.stream, B, 1000))).toBe('MaxPostPreDataLengthExceededError');
    expect(refused.state.ended).toBe(true);
  });

  it('errors the file stream when the file part never ends, and says so in failure()', async () => {
    const cut = formBody([{ name: 'file', value: binary(500) }]).subarray(0, 300);
    const form = await readForm(streamOf(cut, 64), B, 1000);
    await expect(readAll(form.file!.stream)).rejects.toThrow();
    expect(form.failure()?.code).toBe('MalformedPOSTRequest');
  });
});

describe('multipart helpers', () => {
  it('reads the boundary parameter, quoted or not, and the media type', () => {
    expect(boundaryOf(`multipart/form-data; boundary=${B}`)).toBe(B);
    expect(boundaryOf('multipart/form-data; charset=utf-8; boundary="a b:c"')).toBe('a b:c');
    expect(boundaryOf('multipart/form-data; BOUNDARY=x; charset=utf-8')).toBe('x');
    expect(boundaryOf('multipart/form-data')).toBeNull();
    expect(boundaryOf(`multipart/form-data; boundary=${'x'.repeat(71)}`)).toBeNull();
    expect(mediaType('Multipart/Form-Data; boundary=x')).toBe('multipart/form-data');
    expect(mediaType(null)).toBe('');
  });

  it('finds byte patterns', () => {
    const hay = utf8.encode('ab\r\n-\r\n--b\r\n--bound');
    expect(indexOf(hay, utf8.encode('\r\n--b'))).toBe(5);
    expect(indexOf(hay, utf8.encode('\r\n--b'), 6)).toBe(10);
    expect(indexOf(hay, utf8.encode('\r\n--bounds'))).toBe(-1);
    expect(indexOf(hay, utf8.encode('bound'))).toBe(14);
  });
});
