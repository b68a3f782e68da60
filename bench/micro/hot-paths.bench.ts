// Microbenchmarks of ROS's hot functions, run inside workerd (the vitest workers pool) because that is where they
// run in production: V8 with workerd's WebCrypto. Each result goes to the task's meta, which bench/micro/reporter.mjs
// collects into JSON for bench/run.mjs.
//
// Modules that are still being written (checksums, aws-chunked decoding) are found with import.meta.glob, so a
// missing file is reported as "not built yet" instead of failing the whole file at import time.
import { AwsClient } from 'aws4fetch';
import { inject, it } from 'vitest';
import { SigningKeyCache, parseAuth, verify, type SignedAuth } from '../../src/s3/auth/sigv4';

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExportsInTest: a module augmentation, not an export of the bench file.
  export interface ProvidedContext {
    quick: boolean;
  }
}

type Meta = { bench?: MicroResult[] };
interface MicroResult {
  group: string;
  name: string;
  /** µs per operation, or MiB/s for throughput results. */
  value: number | null;
  unit: 'µs/op' | 'MiB/s';
  note?: string;
}

const QUICK = inject('quick');
/** One timed batch lasts at least this long; the median of ROUNDS batches is reported. */
const BATCH_MS = QUICK ? 60 : 250;
const ROUNDS = QUICK ? 3 : 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Median time of one call of `fn`, in ms. Batches run `fn` back to back (awaited: most hot paths are async
 * through WebCrypto) until BATCH_MS have passed; the first batch is a warm-up for the JIT and is dropped.
 */
async function timeOp(fn: () => unknown): Promise<number> {
  const perOp: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    let n = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      await fn();
      n++;
      elapsed = performance.now() - start;
    } while (elapsed < BATCH_MS);
    if (round > 0) perOp.push(elapsed / n);
  }
  return median(perOp);
}

// ---- SigV4 -------------------------------------------------------------------------------------------------

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

/** A GetObject as the AWS SDK for JavaScript v3 sends it (its headers, all signed but user-agent). */
async function sdkLikeRequest(): Promise<Request> {
  const client = new AwsClient({
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    secretAccessKey: SECRET,
    service: 's3',
    region: 'us-east-1',
  });
  return client.sign('http://127.0.0.2:8787/bench-bucket/objects/000123.bin', {
    method: 'GET',
    headers: {
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      'amz-sdk-invocation-id': '3f1c2a5e-7b6d-4c8e-9f0a-1b2c3d4e5f60',
      'amz-sdk-request': 'attempt=1; max=3',
      'x-amz-checksum-mode': 'ENABLED',
      'user-agent': 'aws-sdk-js/3.700.0 ua/2.1 os/linux lang/js md/nodejs#20.20.2 api/s3#3.700.0',
    },
  });
}

it('SigV4 verification', async ({ task }) => {
  const request = await sdkLikeRequest();
  const auth = parseAuth(request) as SignedAuth;
  const now = auth.requestTime;
  const warm = new SigningKeyCache();
  await verify(auth, SECRET, { now, cache: warm });
  const results: MicroResult[] = [
    {
      group: 'SigV4',
      name: 'parseAuth (header syntax)',
      unit: 'µs/op',
      value: 1000 * (await timeOp(() => parseAuth(request))),
    },
    {
      group: 'SigV4',
      name: 'verify, signing key cached',
      unit: 'µs/op',
      value: 1000 * (await timeOp(() => verify(auth, SECRET, { now, cache: warm }))),
    },
    {
      group: 'SigV4',
      name: 'verify, signing key derived (empty cache)',
      unit: 'µs/op',
      value: 1000 * (await timeOp(() => verify(auth, SECRET, { now, cache: new SigningKeyCache() }))),
    },
    {
      group: 'SigV4',
      name: 'parseAuth + verify, cached key (per request)',
      unit: 'µs/op',
      value: 1000 * (await timeOp(() => verify(parseAuth(request) as SignedAuth, SECRET, { now, cache: warm }))),
    },
  ];
  (task.meta as Meta).bench = results;
});

// ---- Checksums ---------------------------------------------------------------------------------------------

const MiB = 1024 * 1024;
/** Bodies reach a Worker in chunks of this order (workerd hands a request body over in ≤ 64 KiB reads). */
const CHUNK = 64 * 1024;
const DATA_MIB = QUICK ? 8 : 32;

function testData(): Uint8Array {
  const data = new Uint8Array(DATA_MIB * MiB);
  // Not all zeros: some implementations short-cut nothing, but a realistic byte mix keeps us honest.
  let x = 0x12345678;
  for (let i = 0; i < data.length; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = x;
    data[i + 1] = x >>> 8;
    data[i + 2] = x >>> 16;
    data[i + 3] = x >>> 24;
  }
  return data;
}

/** MiB/s of hashing `data` in CHUNK-sized updates through `make()`'s incremental hasher. */
async function throughput(
  data: Uint8Array,
  make: () => { update(c: Uint8Array): unknown; digest(): Promise<unknown> },
) {
  const chunks: Uint8Array[] = [];
  for (let off = 0; off < data.length; off += CHUNK) chunks.push(data.subarray(off, off + CHUNK));
  const ms = await timeOp(async () => {
    const h = make();
    for (const c of chunks) await h.update(c);
    await h.digest();
  });
  return data.length / MiB / (ms / 1000);
}

type ChecksumModule = {
  createChecksum?: (alg: string) => { update(c: Uint8Array): unknown; digest(): Promise<Uint8Array> };
};
const checksumModules = import.meta.glob<ChecksumModule>('../../src/checksums/index.ts');

it('Checksum throughput', async ({ task }) => {
  const data = testData();
  const results: MicroResult[] = [];
  const load = Object.values(checksumModules)[0];
  const mod = load ? await load() : undefined;
  for (const alg of ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA256']) {
    const name = `${alg} (src/s3/checksums, ${CHUNK / 1024} KiB updates)`;
    if (!mod)
      results.push({
        group: 'Checksums',
        name,
        unit: 'MiB/s',
        value: null,
        note: 'not built yet (src/s3/checksums/index.ts missing)',
      });
    else if (typeof mod.createChecksum !== 'function')
      results.push({ group: 'Checksums', name, unit: 'MiB/s', value: null, note: 'no createChecksum(alg) export' });
    else
      results.push({
        group: 'Checksums',
        name,
        unit: 'MiB/s',
        value: await throughput(data, () => mod.createChecksum!(alg)),
      });
  }
  // What the runtime itself does, for scale: WebCrypto one-shot and workerd's native incremental DigestStream.
  results.push({
    group: 'Checksums',
    name: 'SHA-256, crypto.subtle.digest (one shot)',
    unit: 'MiB/s',
    value: data.length / MiB / ((await timeOp(() => crypto.subtle.digest('SHA-256', data))) / 1000),
  });
  results.push({
    group: 'Checksums',
    name: `SHA-256, crypto.DigestStream (${CHUNK / 1024} KiB writes)`,
    unit: 'MiB/s',
    value: await throughput(data, () => {
      const stream = new crypto.DigestStream('SHA-256');
      const writer = stream.getWriter();
      return {
        update: (c: Uint8Array) => writer.write(c),
        digest: async () => {
          await writer.close();
          return stream.digest;
        },
      };
    }),
  });
  (task.meta as Meta).bench = results;
});

// ---- aws-chunked decoding ----------------------------------------------------------------------------------

/** Plain table CRC32 for the trailer value (the bench must not depend on the module it measures). */
function crc32Base64(data: Uint8Array): string {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  crc = (crc ^ 0xffffffff) >>> 0;
  return btoa(String.fromCharCode(crc >>> 24, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff));
}

const concat = (pieces: Uint8Array[]) => {
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** STREAMING-UNSIGNED-PAYLOAD-TRAILER as the SDKs send it: `<hex>\r\n<data>\r\n` … `0\r\n<trailer>\r\n\r\n`. */
function unsignedTrailerBody(data: Uint8Array, trailer: string): Uint8Array {
  const enc = new TextEncoder();
  const pieces: Uint8Array[] = [];
  for (let off = 0; off < data.length; off += CHUNK) {
    const chunk = data.subarray(off, off + CHUNK);
    pieces.push(enc.encode(`${chunk.length.toString(16)}\r\n`), chunk, enc.encode('\r\n'));
  }
  pieces.push(enc.encode(`0\r\n${trailer}\r\n\r\n`));
  return concat(pieces);
}

interface StreamAuth {
  signingKey: CryptoKey;
  amzDate: string;
  scope: string;
  seedSignature: string;
}

/** STREAMING-AWS4-HMAC-SHA256-PAYLOAD: every chunk (and the final empty one) signed, chained from the seed. */
async function signedBody(data: Uint8Array, auth: StreamAuth): Promise<Uint8Array> {
  const { hmacHex, EMPTY_SHA256, CHUNK_ALGORITHM } = await import('../../src/s3/auth/sigv4');
  const { sha256Hex } = await import('../../src/crypto/encoding');
  const enc = new TextEncoder();
  const pieces: Uint8Array[] = [];
  let previous = auth.seedSignature;
  for (let off = 0; ; off += CHUNK) {
    const chunk = data.subarray(off, Math.min(off + CHUNK, data.length));
    const toSign = [CHUNK_ALGORITHM, auth.amzDate, auth.scope, previous, EMPTY_SHA256, await sha256Hex(chunk)].join(
      '\n',
    );
    previous = await hmacHex(auth.signingKey, toSign);
    pieces.push(enc.encode(`${chunk.length.toString(16)};chunk-signature=${previous}\r\n`), chunk, enc.encode('\r\n'));
    if (chunk.length === 0) break;
  }
  return concat(pieces);
}

type ChunkedModule = {
  decodeAwsChunked?: (
    body: ReadableStream<Uint8Array>,
    opts: { payload: string; decodedLength: number; trailer?: string; auth?: StreamAuth },
  ) => { stream: ReadableStream<Uint8Array>; check: { finish(): Promise<unknown> } };
};
const chunkedModules = import.meta.glob<ChunkedModule>('../../src/s3/body/aws-chunked.ts');

it('aws-chunked decoding', async ({ task }) => {
  const load = Object.values(chunkedModules)[0];
  const mod = load ? await load() : undefined;
  const results: MicroResult[] = [];
  const data = testData();
  const checksums = Object.values(checksumModules)[0];
  const createChecksum = checksums ? (await checksums()).createChecksum : undefined;

  // The same auth a verified request would hand the decoder.
  const { deriveSigningKey } = await import('../../src/s3/auth/sigv4');
  const auth: StreamAuth = {
    signingKey: await deriveSigningKey(SECRET, '20260102', 'us-east-1', 's3'),
    amzDate: '20260102T030405Z',
    scope: '20260102/us-east-1/s3/aws4_request',
    seedSignature: 'a'.repeat(64),
  };
  const variants = [
    {
      name: `STREAMING-UNSIGNED-PAYLOAD-TRAILER, ${CHUNK / 1024} KiB chunks, CRC32 trailer`,
      encoded: unsignedTrailerBody(data, `x-amz-checksum-crc32:${crc32Base64(data)}`),
      opts: { payload: 'streaming-unsigned-trailer', decodedLength: data.length, trailer: 'x-amz-checksum-crc32' },
      crc: true,
    },
    {
      name: `STREAMING-AWS4-HMAC-SHA256-PAYLOAD, ${CHUNK / 1024} KiB chunks, each signed`,
      encoded: await signedBody(data, auth),
      opts: { payload: 'streaming-signed', decodedLength: data.length, auth },
      crc: false,
    },
  ];
  for (const v of variants) {
    if (!mod?.decodeAwsChunked) {
      results.push({
        group: 'aws-chunked',
        name: v.name,
        unit: 'MiB/s',
        value: null,
        note: mod ? 'no decodeAwsChunked export' : 'not built yet (src/s3/body/aws-chunked.ts missing)',
      });
      continue;
    }
    // The encoded body arrives as the runtime delivers a request body: CHUNK-sized reads that straddle frames.
    const source = () =>
      new ReadableStream<Uint8Array>({
        start(c) {
          for (let off = 0; off < v.encoded.length; off += CHUNK) c.enqueue(v.encoded.subarray(off, off + CHUNK));
          c.close();
        },
      });
    const run = async (withCrc: boolean) => {
      const decoded = mod.decodeAwsChunked!(source(), v.opts);
      const crc = withCrc ? createChecksum!('CRC32') : null;
      const reader = decoded.stream.getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) await crc?.update(r.value);
      const failure = await decoded.check.finish();
      if (failure) throw failure;
      await crc?.digest();
    };
    const measure = async (name: string, withCrc: boolean) => {
      try {
        const ms = await timeOp(() => run(withCrc));
        results.push({ group: 'aws-chunked', name, unit: 'MiB/s', value: data.length / MiB / (ms / 1000) });
      } catch (err) {
        results.push({
          group: 'aws-chunked',
          name,
          unit: 'MiB/s',
          value: null,
          note: `decoder failed: ${(err as Error).message}`,
        });
      }
    };
    await measure(`decode ${v.name}`, false);
    // What a part upload with the SDK's default checksum costs: decode, and CRC32 the decoded bytes.
    if (v.crc && createChecksum) await measure(`decode + CRC32 of the data, ${v.name}`, true);
  }
  (task.meta as Meta).bench = results;
});
