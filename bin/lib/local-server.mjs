// Starts ROS locally as `npm start` does; also used by the end-to-end tests and the benchmark.
import { spawn, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { locateUserWorkerd } from './processes.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WRANGLER = path.join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
// The dev login printed by `npm start`; it satisfies the password policy (13 characters, no common word), as the
// e2e and browser tests, which sign in with it, show.
const DEV_ADMIN = { email: 'admin@ros.local', password: 'ros-admin-dev' };

/** @typedef {{ id: string, name: string, endpoint: string, hostnames: string[] }} Site as GET /api/sites lists it */

/**
 * A free TCP port on loopback.
 * @returns {Promise<number>}
 */
export async function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address()); // a TCP listener, not a pipe
      server.close(() => resolve(port));
    });
  });
}

/**
 * Dev secrets live beside the state they protect: a master key that encrypted the stored key secrets must come
 * back with that state, and a fresh state dir gets fresh secrets.
 */
function ensureSecrets(stateDir) {
  mkdirSync(stateDir, { recursive: true });
  const file = path.join(stateDir, 'ros-dev-secrets.env');
  if (!existsSync(file)) {
    const lines = [
      `ROS_MASTER_KEY=${randomBytes(32).toString('base64')}`,
      `ROS_BOOTSTRAP_TOKEN=${randomBytes(24).toString('base64url')}`,
    ];
    try {
      writeFileSync(file, `${lines.join('\n')}\n`, { flag: 'wx', mode: 0o600 });
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
  }
  const vars = Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { file, vars };
}

async function wrangler(args, opts = {}) {
  return promisify(execFile)(process.execPath, [WRANGLER, ...args], { cwd: ROOT, maxBuffer: 16 << 20, ...opts });
}

async function waitForHealth(url, child, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`ROS did not answer at ${url} within ${timeoutMs} ms`);
}

/**
 * A dev site's primary hostname is a loopback address (127.0.0.2, ...), so stock S3 clients reach it without
 * DNS. wrangler dev listens on one address only; this relays each site address to ROS over HTTP, passing each
 * request through unchanged — method, raw path (never re-encoded), header names, values and order, the client's
 * Host header (which it signed, and which routes the request to its site) — and each answer back likewise.
 *
 * Where to: the workerd that runs ROS (see `workerdRoute`), not wrangler's public port. That port is wrangler's
 * dev proxy, a second workerd whose ProxyWorker forwards every request to ROS's; under concurrent S3 traffic it
 * loses requests: one is accepted and never forwarded, while a request with a body beside it fails with a 500
 * "Cannot reconstruct a Request with a used body" (seen here: s3cmd's `cp` hung 40–110 s in about one run in
 * twenty; workers-sdk issues #15317 and #15203 report the same). Production has no such hop.
 *
 * Why HTTP-aware rather than a byte relay: wrangler dev never answers `Expect: 100-continue`, and stock clients
 * send it and then wait for a `100 Continue` before the body (botocore 1 s on every upload, the JS SDK ~6 s for
 * bodies over 2 MB). Cloudflare's edge answers it in production; here the relay does, and drops `Expect` upstream.
 * Bodies stream both ways with backpressure, never buffered: multi-GiB uploads pass through.
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade']);

/** `rawHeaders` minus hop-by-hop headers (and those the Connection header names) and `drop`; order kept. */
function forwardHeaders(raw, drop = new Set()) {
  const named = new Set();
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].toLowerCase() === 'connection') {
      for (const token of raw[i + 1].split(',')) named.add(token.trim().toLowerCase());
    }
  }
  const out = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (!HOP_BY_HOP.has(name) && !named.has(name) && !drop.has(name)) out.push(raw[i], raw[i + 1]);
  }
  return out;
}

/** Whether the request's SigV4 signature covers `Expect` (then it must reach the server as sent). */
function signsExpect(req) {
  const auth = req.headers.authorization ?? '';
  const signed = /SignedHeaders=([^,\s]*)/i.exec(auth)?.[1] ?? /[?&]X-Amz-SignedHeaders=([^&]*)/i.exec(req.url)?.[1];
  return !!signed && decodeURIComponent(signed).toLowerCase().split(';').includes('expect');
}

// Methods that carry no body unless the client says so (Node would otherwise chunk an empty PUT/POST upstream).
const BODYLESS_BY_DEFAULT = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);

/**
 * A probe for locateUserWorkerd: whether `port` answers an unsigned request to the site host `siteHost` (host:port)
 * as ROS does, with an S3 answer carrying its x-amz-request-id.
 * @param {string} siteHost @returns {(port: number) => Promise<boolean>}
 */
export const answersAsRos = (siteHost) => (port) =>
  new Promise((resolve) => {
    const req = http.get({
      host: '127.0.0.1',
      port,
      path: '/',
      headers: { Host: siteHost },
      agent: false,
      timeout: 2000,
    });
    req.on('response', (res) => {
      res.resume();
      resolve('x-amz-request-id' in res.headers);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });

/**
 * Where the relay sends a site's requests: the entry socket of the workerd that runs ROS under this wrangler dev
 * (found by the port on which an unsigned request to the site's host gets ROS's S3 answer), found again when
 * wrangler replaces that workerd after a source change; wrangler's own port while none is found (no /proc, or
 * the workerd is still starting), as before.
 * @param {number} wranglerPid @param {string} siteHost the site's host:port, as clients send it @param {number} fallback
 */
function workerdRoute(wranglerPid, siteHost, fallback) {
  /** @type {{ pid: number, port: number } | null} */
  let found = null;
  /** @type {Promise<void> | null} */
  let finding = null;
  const find = () =>
    (finding ??= locateUserWorkerd(wranglerPid, answersAsRos(siteHost), 15_000)
      .then((where) => {
        found = where;
      })
      .catch(() => {
        found = null;
      })
      .finally(() => {
        finding = null;
      }));
  return {
    /** @returns {Promise<number>} */
    async port() {
      if (found && existsSync(`/proc/${found.pid}`)) return found.port;
      await find();
      return found?.port ?? fallback;
    },
    forget() {
      found = null;
    },
  };
}

/**
 * Serves `host:port`, relaying every request to 127.0.0.1 on `route.port()` (exported for its tests).
 * @param {string} host @param {number} port @param {{ port(): Promise<number>, forget(): void }} route
 */
export async function relaySite(host, port, route) {
  // Keep-alive upstream so a request does not pay for a new connection; Nagle off on both sides (a relay would
  // otherwise hold small answers back for the peer's delayed ACK). An idle pooled connection is closed after 4 s
  // (`timeout` only ends free sockets); workerd may drop one sooner, just as a request is sent on it (see `send`).
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, noDelay: true, timeout: 4000 });

  const proxy = async (req, res) => {
    const target = await route.port();
    const hasBody = 'transfer-encoding' in req.headers || Number(req.headers['content-length'] ?? 0) > 0;
    const drop = new Set(signsExpect(req) ? [] : ['expect']);
    const headers = forwardHeaders(req.rawHeaders, drop);
    if (
      !('content-length' in req.headers) &&
      !('transfer-encoding' in req.headers) &&
      !BODYLESS_BY_DEFAULT.has(req.method)
    ) {
      headers.push('Content-Length', '0');
    }
    let done = false;
    /** @type {http.ClientRequest} */
    let upstream;
    const fail = (err) => {
      if (done) {
        if (res.writableFinished) req.resume(); // the answer is complete: let the client finish sending
        return;
      }
      done = true;
      req.unpipe(upstream);
      upstream.destroy();
      if (!res.headersSent) {
        const body = `ROS local relay: upstream error: ${err?.code ?? err?.message ?? err}\n`;
        res.writeHead(502, {
          'Content-Type': 'text/plain; charset=utf-8',
          'Content-Length': Buffer.byteLength(body),
          Connection: 'close',
        });
        res.end(body);
        req.resume(); // drain what the client still sends, so it reads the answer rather than a reset
      } else if (res.writableFinished) {
        req.resume(); // the answer is complete: let the client finish sending
      } else {
        res.destroy(); // a truncated answer must not look complete
      }
    };

    const send = (fresh) => {
      upstream = http.request({
        host: '127.0.0.1',
        port: target,
        method: req.method,
        path: req.url,
        headers,
        // A request with a body gets a connection of its own: on a pooled one that the server closed just as it
        // was reused, the body could not be sent again (a 502, and the client retries the part: seen with rclone).
        agent: hasBody || fresh ? false : agent,
        setHost: false,
        maxHeaderSize: 64 * 1024,
      });
      const sent = upstream;
      sent.on('response', (up) => {
        // An answer before the body was all sent, or an error answer to a request with a body, may leave unread
        // body bytes on that connection, and workerd then neither reads nor closes it: never reuse it.
        if (!sent.writableFinished || (hasBody && up.statusCode >= 400)) sent.shouldKeepAlive = false;
        res.sendDate = false; // the worker's own Date header (if any) passes through
        res.writeHead(up.statusCode, up.statusMessage, forwardHeaders(up.rawHeaders, new Set(['transfer-encoding'])));
        up.on('data', (chunk) => {
          if (!res.write(chunk)) {
            up.pause();
            res.once('drain', () => up.resume());
          }
        });
        up.on('end', () => {
          if (up.rawTrailers.length) res.addTrailers(forwardHeaders(up.rawTrailers));
          done = true;
          res.end();
        });
        up.on('aborted', () => fail(new Error('upstream aborted the response')));
        up.on('error', fail);
      });
      sent.on('error', (/** @type {NodeJS.ErrnoException} */ err) => {
        if (err?.code === 'ECONNREFUSED') route.forget(); // wrangler replaced ROS's workerd: find the new one
        // workerd closed a pooled connection as it sat idle, and the request reached it just then: nothing was
        // answered, and a request without a body can be sent again, on a new connection (Node's documented
        // `reusedSocket` retry). workerd closes idle connections sooner than the pool's 4 s.
        if (err?.code === 'ECONNRESET' && sent.reusedSocket && !hasBody && !fresh && !done && !res.headersSent) {
          send(true);
          return;
        }
        fail(err);
      });
      if (hasBody) {
        req.pipe(sent, { end: false });
      } else {
        sent.end();
      }
    };
    send(false);

    // The client went away before its answer was complete: abandon the upstream request too.
    res.on('close', () => {
      if (!res.writableFinished) {
        done = true;
        upstream.destroy();
      }
    });

    if (hasBody) {
      req.on('end', () => {
        if (req.rawTrailers.length) upstream.addTrailers(forwardHeaders(req.rawTrailers));
        upstream.end();
      });
    } else {
      req.resume(); // nothing to forward; lets the client's request end
    }
    req.on('error', () => upstream.destroy());
  };

  const server = http.createServer({
    // Uploads of many GiB must not be cut off: no whole-request time limit (Node 20 defaults to 300 s).
    requestTimeout: 0,
    noDelay: true,
    maxHeaderSize: 64 * 1024,
  });
  server.on('request', proxy);
  // The client waits for this before sending its body (botocore: 1 s, the JS SDK: up to 6 s); answer at once.
  server.on('checkContinue', (req, res) => {
    res.writeContinue();
    proxy(req, res);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    server,
    close() {
      server.close();
      server.closeAllConnections();
      agent.destroy();
    },
  };
}

/**
 * Starts ROS: migrations, wrangler dev, site relays, first admin. Resolves once it answers.
 * Options: port, stateDir, adminEmail, adminPassword, log (line => void), quiet (hide wrangler output),
 * configs (wrangler configs, ROS's own first: more Workers run beside ROS in the same workerd).
 */
export async function startRos(options = {}) {
  const port = options.port ?? 8787;
  const stateDir = path.resolve(ROOT, options.stateDir ?? '.wrangler/state');
  const log = options.log ?? (() => {});
  const { file: secretsFile, vars } = ensureSecrets(stateDir);

  log('Applying D1 migrations…');
  await wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--env', 'dev', '--persist-to', stateDir], {
    env: { ...process.env, CI: 'true' },
  });

  const inspectorPort = options.inspectorPort ?? (await freePort());
  const child = spawn(
    process.execPath,
    [
      // options.configs: more Worker configs to run in the same workerd (the benchmark's bare-R2 baseline).
      WRANGLER,
      'dev',
      ...(options.configs ?? []).flatMap((c) => ['-c', c]),
      '--env',
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      String(inspectorPort),
      '--persist-to',
      stateDir,
      '--env-file',
      secretsFile,
      '--show-interactive-dev-session=false',
      '--log-level',
      options.logLevel ?? 'warn',
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', options.quiet ? 'ignore' : 'inherit', options.quiet ? 'pipe' : 'inherit'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
    },
  );
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr = (stderr + d).slice(-8000)));
  const relays = [];
  const stop = async () => {
    for (const relay of relays) relay.close();
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          r();
        }, 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          r();
        });
      });
    }
  };

  try {
    const consoleUrl = `http://localhost:${port}`;
    await waitForHealth(consoleUrl, child);
    const { sites } = /** @type {{ sites: Site[] }} */ (await (await fetch(`${consoleUrl}/api/sites`)).json());
    for (const site of sites) {
      const { hostname, host } = new URL(site.endpoint);
      if (/^127\.\d+\.\d+\.\d+$/.test(hostname) && hostname !== '127.0.0.1') {
        const route = workerdRoute(child.pid, host, port);
        await route.port(); // found before the first client request, not during it
        relays.push(await relaySite(hostname, port, route));
      }
    }
    const admin = await ensureAdmin(consoleUrl, vars.ROS_BOOTSTRAP_TOKEN, options);
    return { consoleUrl, port, sites, admin, stateDir, pid: child.pid, child, stop };
  } catch (err) {
    await stop();
    throw new Error(`${err.message}\n${stderr}`);
  }
}

async function ensureAdmin(consoleUrl, token, options) {
  const email = options.adminEmail ?? DEV_ADMIN.email;
  const password = options.adminPassword ?? DEV_ADMIN.password;
  const res = await fetch(`${consoleUrl}/api/bootstrap`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ email, password, name: 'Administrator' }),
  });
  if (res.status === 201) return { email, password, created: true, passwordShown: password };
  const body = /** @type {{ error?: { code: string, message: string } }} */ (await res.json().catch(() => ({})));
  if (body.error?.code === 'invalid_input') {
    // The first admin's password follows the same policy as every other (docs/api.md, "Password policy").
    throw new Error(`Could not create the first admin ${email}: ${body.error.message} (set ROS_ADMIN_PASSWORD)`);
  }
  if (body.error?.code === 'already_bootstrapped') {
    return { email, password, created: false, passwordShown: '(the password set on first run)' };
  }
  throw new Error(`Could not create the first admin: ${res.status} ${JSON.stringify(body)}`);
}
