// The load generator: closed-loop workers over keep-alive HTTP/1.1 connections, a latency histogram, and one
// request helper every target shares (the same code path, signing and body handling for all three servers).
import http from 'node:http';

// ---- latency histogram ---------------------------------------------------------------------------------------

/**
 * Log-linear histogram of microseconds: exact below 128 µs, then 64 buckets per power of two (≤ 1.6% error),
 * so a window's latencies cost a fixed 16 KiB however many requests it sees.
 */
export class Histogram {
  counts = new Float64Array(2048);
  count = 0;

  static #index(us) {
    const v = Math.max(0, Math.floor(us));
    if (v < 128) return v;
    const shift = 31 - Math.clz32(v) - 6;
    return Math.min(2047, shift * 64 + (v >>> shift));
  }

  static #middle(i) {
    if (i < 128) return i + 0.5;
    const shift = Math.floor(i / 64) - 1;
    return (i - shift * 64 + 0.5) * 2 ** shift;
  }

  record(us) {
    this.counts[Histogram.#index(us)]++;
    this.count++;
  }

  /** The p-quantile (0 < p ≤ 1) in µs. */
  quantile(p) {
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil(p * this.count));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Histogram.#middle(i);
    }
    return NaN;
  }
}

// ---- HTTP ----------------------------------------------------------------------------------------------------

/** One keep-alive pool per target, sized for the highest concurrency, so connections are reused across windows. */
export const newAgent = () =>
  new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64, scheduling: 'lifo' });

/** A request during which no byte moves for this long fails (see sendOnce). */
const IDLE_TIMEOUT_MS = 60_000;

export class HttpError extends Error {
  constructor(status, body) {
    super(`HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ''}`);
    this.status = status;
  }
}

/**
 * Sends one request to `target` (see targets.mjs) and drains the answer. `body` is a Buffer, an iterable of
 * Buffers (streamed with backpressure), or nothing. Resolves `{ status, headers, bytes, text? }`; `text` only
 * with `keepText` (small XML answers the bench must read). A status other than `expect` rejects with HttpError.
 * `fresh` uses a connection of its own (workerd closes a connection after a multi-second upload, which a pooled
 * socket would only find out on its next request).
 */
export async function send(target, options) {
  try {
    return await sendOnce(target, options);
  } catch (err) {
    // A kept-alive socket the server closed just as we reused it: Node's documented case for one retry
    // (possible only when the body can be sent again).
    // (workerd closes a connection now and then after a long upload; EPIPE is the same race met while writing.)
    if (
      !err.reusedSocket ||
      !['ECONNRESET', 'EPIPE'].includes(err.code) ||
      (options.body && !Buffer.isBuffer(options.body))
    )
      throw err;
    // On a connection of its own: the pool's other idle sockets may have been closed the same way.
    return sendOnce(target, { ...options, fresh: true });
  }
}

function sendOnce(
  target,
  { method, path, query = '', headers = {}, body, payloadHash, keepText = false, expect = [200, 204], fresh = false },
) {
  const signed = target.sign({ method, host: target.hostHeader, path, query, headers, payloadHash });
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: target.host,
        port: target.port(),
        method,
        path: query ? `${path}?${query}` : path,
        headers: { ...signed, ...target.extraHeaders },
        agent: fresh ? false : target.agent,
      },
      (res) => {
        const chunks = keepText || !expect.includes(res.statusCode) ? [] : null;
        let bytes = 0;
        res.on('data', (c) => {
          bytes += c.length;
          chunks?.push(c);
        });
        res.on('error', reject);
        res.on('end', () => {
          const text = chunks ? Buffer.concat(chunks).toString('utf8') : undefined;
          if (!expect.includes(res.statusCode)) reject(new HttpError(res.statusCode, text));
          else resolve({ status: res.statusCode, headers: res.headers, bytes, text });
        });
      },
    );
    req.on('error', (err) => {
      err.reusedSocket = req.reusedSocket;
      reject(err);
    });
    // A server that stops answering fails the operation instead of stalling the whole run.
    req.setTimeout(IDLE_TIMEOUT_MS, () =>
      req.destroy(Object.assign(new Error(`no progress for ${IDLE_TIMEOUT_MS / 1000} s`), { code: 'ETIMEDOUT' })),
    );
    if (!body || Buffer.isBuffer(body)) return req.end(body);
    (async () => {
      for (const chunk of body) if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
      req.end();
    })().catch((err) => req.destroy(err));
  });
}

// ---- closed-loop load ----------------------------------------------------------------------------------------

/**
 * Runs `op(worker, i)` from `concurrency` workers, each starting its next request when the previous one ends,
 * for `durationMs` after a `warmupMs` that is not measured. Every worker completes at least `minOpsPerWorker`
 * measured ops (so slow cases still get a sample), and the window lasts until the last op started ends.
 * Resolves `{ ops, bytes, seconds, hist, errors, firstError }`; `op` resolves the bytes it moved.
 */
export async function runLoad({ concurrency, durationMs, warmupMs = 0, minOpsPerWorker = 1, maxErrors = 10, op }) {
  const hist = new Histogram();
  let errors = 0;
  let firstError = null;
  let measuring = false;
  let ops = 0;
  let bytes = 0;
  let stop = false;
  let counter = 0;

  const worker = async (w) => {
    let mine = 0;
    while (!stop || (measuring && mine < minOpsPerWorker)) {
      const start = process.hrtime.bigint();
      const counted = measuring;
      try {
        const moved = await op(w, counter++);
        if (counted && measuring) {
          hist.record(Number(process.hrtime.bigint() - start) / 1000);
          ops++;
          mine++;
          bytes += moved ?? 0;
        }
      } catch (err) {
        errors++;
        firstError ??= err;
        if (errors >= maxErrors) stop = true;
        if (errors >= maxErrors) return;
      }
    }
  };

  // Warm-up: same workers, same connections; then the measured window starts for everyone at once.
  const warmWorkers = warmupMs > 0 ? Array.from({ length: concurrency }, (_, w) => worker(w)) : [];
  if (warmupMs > 0) {
    await new Promise((r) => setTimeout(r, warmupMs));
    stop = true;
    await Promise.all(warmWorkers);
    if (errors >= maxErrors) return { ops: 0, bytes: 0, seconds: 0, hist, errors, firstError };
  }
  stop = false;
  measuring = true;
  const t0 = process.hrtime.bigint();
  const timer = setTimeout(() => (stop = true), durationMs);
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  clearTimeout(timer);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { ops, bytes, seconds, hist, errors, firstError };
}
