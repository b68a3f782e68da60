/**
 * multipart/form-data (RFC 7578) as POST Object reads it, from a stream: the fields before the file are read whole
 * (at most `maxPreData` bytes of them, boundaries and part headers included, as S3 allows 20 KB), the file is handed
 * on as a stream that ends where its part ends, and nothing after the file is read — S3 ignores what follows it.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html
 *
 *   MalformedPOSTRequest               not multipart/form-data as RFC 7578 writes it
 *   MaxPostPreDataLengthExceededError  the fields before the file are larger than `maxPreData`
 */
import { S3Error } from '../errors';

export const malformedPost = (message = 'The body of your POST request is not well-formed multipart/form-data.') =>
  new S3Error('MalformedPOSTRequest', message);

const preDataTooLarge = () =>
  new S3Error(
    'MaxPostPreDataLengthExceededError',
    'Your POST request fields preceding the upload file were too large.',
  );

/** The media type of a Content-Type value, lower-cased, without parameters. */
export const mediaType = (contentType: string | null) => (contentType ?? '').split(';')[0]!.trim().toLowerCase();

/** The `boundary` parameter of a multipart Content-Type (token or quoted string, 1–70 characters), or null. */
export function boundaryOf(contentType: string): string | null {
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^;\s"]{1,70}))\s*(?:;|$)/i.exec(contentType);
  return match ? (match[1] ?? match[2])! : null;
}

export interface FormFile {
  /** The file part's `filename`, as sent (null when it has none). */
  filename: string | null;
  /** The file's bytes, ending where its part ends. Errors with MalformedPOSTRequest when the part never ends. */
  stream: ReadableStream<Uint8Array>;
  /** How many bytes of the body came before the file's first byte. */
  offset: number;
}

export interface Form {
  /** The fields before the file, in order: [name as sent, value decoded as UTF-8]. */
  fields: [string, string][];
  /** The part named `file` (in any case), or null when the form ended without one. */
  file: FormFile | null;
  /** The error that ended the file's stream, if one did (a put that read it fails only as a consequence). */
  failure(): S3Error | null;
  /**
   * Reads what is left of the body and drops it: the fields after the file, or the rest of a form refused before
   * its end. A client that sends its whole body before it reads the answer (a browser does) would otherwise see
   * the connection reset instead of the answer.
   */
  discard(): Promise<void>;
}

const utf8 = new TextEncoder();
const EMPTY: Uint8Array = new Uint8Array(0);

/** Reads the form up to the start of the file's bytes. A form it refuses is read to its end first (see discard). */
export async function readForm(body: ReadableStream<Uint8Array>, boundary: string, maxPreData: number): Promise<Form> {
  const input = new BufferedReader(body.getReader());
  try {
    return await readFields(input, boundary, maxPreData);
  } catch (err) {
    await input.drain();
    throw err;
  }
}

async function readFields(input: BufferedReader, boundary: string, maxPreData: number): Promise<Form> {
  const dashBoundary = utf8.encode(`--${boundary}`);
  const delimiter = utf8.encode(`\r\n--${boundary}`);
  /** Finds `pattern` in what is left of the pre-data budget; throws when the body or the budget ends first. */
  const within = async (pattern: Uint8Array) => {
    const at = await input.find(pattern, maxPreData - input.consumed);
    if (at === 'ended') throw malformedPost();
    if (at === 'limit') throw preDataTooLarge();
    return at;
  };

  // The first boundary opens the body, or ends a preamble (which RFC 2046 allows and S3 ignores).
  if (await input.startsWith(dashBoundary)) input.skip(dashBoundary.length);
  else input.skip((await within(delimiter)) + delimiter.length);

  const fields: [string, string][] = [];
  for (;;) {
    if (!(await input.fill(2))) throw malformedPost();
    // "--" after a boundary closes the form; otherwise optional whitespace (RFC 2046's transport padding) and CRLF.
    if (await input.startsWith(utf8.encode('--'))) {
      return { fields, file: null, failure: () => null, discard: () => input.drain() };
    }
    input.skip((await within(utf8.encode('\r\n'))) + 2);
    const headerEnd = (await input.startsWith(utf8.encode('\r\n'))) ? 0 : (await within(utf8.encode('\r\n\r\n'))) + 2;
    const part = partHeaders(new TextDecoder().decode(input.take(headerEnd)));
    input.skip(2);
    if (part.name.toLowerCase() === 'file') {
      const offset = input.consumed;
      let failed: S3Error | null = null;
      const stream = partBody(input, delimiter, () => {
        failed = malformedPost();
        return failed;
      });
      const file = { filename: part.filename, stream, offset };
      return { fields, file, failure: () => failed, discard: () => input.drain() };
    }
    const value = input.take(await within(delimiter));
    fields.push([part.name, new TextDecoder().decode(value)]);
    input.skip(delimiter.length);
  }
}

/** The name and filename a part's headers give it (Content-Disposition: form-data; name="…"; filename="…"). */
function partHeaders(block: string): { name: string; filename: string | null } {
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0 || line.slice(0, colon).trim().toLowerCase() !== 'content-disposition') continue;
    const [type, ...params] = splitParams(line.slice(colon + 1));
    if (type?.trim().toLowerCase() !== 'form-data') break;
    const values = new Map<string, string>();
    for (const param of params) {
      const eq = param.indexOf('=');
      if (eq > 0) values.set(param.slice(0, eq).trim().toLowerCase(), unquote(param.slice(eq + 1).trim()));
    }
    const name = values.get('name');
    if (name === undefined) break;
    return { name, filename: extendedValue(values.get('filename*')) ?? values.get('filename') ?? null };
  }
  throw malformedPost();
}

/** Splits at `;` outside quoted strings (where `\"` is a quote). */
function splitParams(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) current += c + text[++i];
    else if (c === '"') {
      quoted = !quoted;
      current += c;
    } else if (c === ';' && !quoted) {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out;
}

function unquote(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value;
  // curl escapes `"` and `\`; a Windows path as old browsers send it has other backslashes, which stay.
  return value.slice(1, -1).replace(/\\(["\\])/g, '$1');
}

/** RFC 5987's `filename*=UTF-8''%e2%82%ac.txt`, which some clients add for names beyond ASCII. */
function extendedValue(value: string | undefined): string | null {
  const match = value === undefined ? null : /^utf-8'[^']*'(.*)$/i.exec(value);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
}

/**
 * The part's bytes up to the delimiter, as a stream. Chunks pass as views, never copied: only the last
 * delimiter-length − 1 bytes of each are held back, since they may begin a delimiter that ends in the next chunk.
 */
function partBody(input: BufferedReader, delimiter: Uint8Array, fail: () => S3Error): ReadableStream<Uint8Array> {
  const keep = delimiter.length - 1;
  // What was read past the part's headers is the file's first chunk.
  let first: Uint8Array | null = input.takeBuffered();
  let held = EMPTY;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let emitted = false;
      const emit = (bytes: Uint8Array) => {
        if (bytes.length === 0) return;
        controller.enqueue(bytes);
        emitted = true;
      };
      // What follows the file is not read here (S3 ignores it): Form.discard drops it.
      const end = (bytes: Uint8Array) => {
        emit(bytes);
        controller.close();
      };
      // A pull must enqueue something (or end): a chunk held back whole is followed by the next one.
      while (!emitted) {
        let chunk = first ?? (await input.read());
        first = null;
        if (!chunk) return controller.error(fail());
        if (held.length > 0 && chunk.length >= keep) {
          // Every delimiter that starts in the held-back bytes ends within `head`.
          const head = concat(held, chunk.subarray(0, keep));
          const at = indexOf(head, delimiter);
          if (at >= 0) return end(head.subarray(0, at));
          emit(held);
        } else if (held.length > 0) chunk = concat(held, chunk);
        const at = indexOf(chunk, delimiter);
        if (at >= 0) return end(chunk.subarray(0, at));
        const cut = Math.max(0, chunk.length - keep);
        emit(chunk.subarray(0, cut));
        held = chunk.slice(cut);
      }
    },
    // Cancelling the file (a put that failed) leaves the rest of the body to Form.discard.
  });
}

/** The first index of `needle` in `haystack` at or after `from`, or -1. */
export function indexOf(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  const last = haystack.length - needle.length;
  // The runtime's indexOf finds candidates for the first byte; only those are compared further.
  for (let i = haystack.indexOf(needle[0]!, from); i >= 0 && i <= last; i = haystack.indexOf(needle[0]!, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The body as bytes to search and take from, read chunk by chunk; `consumed` counts what was taken. */
class BufferedReader {
  private buffer = EMPTY;
  private ended = false;
  consumed = 0;

  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  /** Reads one more chunk into the buffer; false at the end of the body. */
  private async more(): Promise<boolean> {
    const chunk = await this.read();
    if (!chunk) return false;
    this.buffer = this.buffer.length === 0 ? chunk : concat(this.buffer, chunk);
    return true;
  }

  /** The next chunk of the body (the buffer must be empty), or null at its end. */
  async read(): Promise<Uint8Array | null> {
    while (!this.ended) {
      const { value, done } = await this.reader.read();
      if (done) this.ended = true;
      else if (value.length > 0) return value;
    }
    return null;
  }

  /** Whether at least `n` bytes are buffered, once read. */
  async fill(n: number): Promise<boolean> {
    while (this.buffer.length < n) if (!(await this.more())) return false;
    return true;
  }

  async startsWith(bytes: Uint8Array): Promise<boolean> {
    return (await this.fill(bytes.length)) && bytes.every((b, i) => this.buffer[i] === b);
  }

  /**
   * Where `pattern` starts in the unread bytes, when it ends within the first `limit` of them; 'limit' when it
   * does not, 'ended' when the body ends before either is known.
   */
  async find(pattern: Uint8Array, limit: number): Promise<number | 'limit' | 'ended'> {
    let from = 0;
    for (;;) {
      const at = indexOf(this.buffer, pattern, from);
      if (at >= 0) return at + pattern.length <= limit ? at : 'limit';
      if (this.buffer.length >= limit) return 'limit';
      from = Math.max(0, this.buffer.length - pattern.length + 1);
      if (!(await this.more())) return 'ended';
    }
  }

  take(n: number): Uint8Array {
    const out = this.buffer.subarray(0, n);
    this.skip(n);
    return out;
  }

  skip(n: number): void {
    this.buffer = this.buffer.subarray(n);
    this.consumed += n;
  }

  /** Everything buffered, leaving the buffer empty. */
  takeBuffered(): Uint8Array {
    return this.take(this.buffer.length);
  }

  /** Reads to the end of the body, dropping what it reads. */
  async drain(): Promise<void> {
    this.buffer = EMPTY;
    while (await this.read());
  }
}
