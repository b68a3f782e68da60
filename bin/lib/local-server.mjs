// Starts ROS locally as `npm start` does; also used by the end-to-end tests and the benchmark.
import { spawn, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WRANGLER = path.join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const DEV_ADMIN = { email: 'admin@ros.local', password: 'ros-admin-dev' };

/** A free TCP port on loopback. */
export async function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address();
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
      writeFileSync(file, lines.join('\n') + '\n', { flag: 'wx', mode: 0o600 });
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
 * DNS. wrangler dev listens on one address only; this relays each site address to it byte for byte, so the
 * client's Host header (which it signed) arrives unchanged and routes the request to its site.
 */
async function relaySite(host, port, target) {
  const server = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    // Nagle's algorithm on a relay holds small answers back for the peer's delayed ACK: off on both sides.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server;
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
      WRANGLER, 'dev', ...(options.configs ?? []).flatMap((c) => ['-c', c]), '--env', 'dev', '--ip', '127.0.0.1', '--port', String(port),
      '--inspector-port', String(inspectorPort), '--persist-to', stateDir, '--env-file', secretsFile,
      '--show-interactive-dev-session=false', '--log-level', options.logLevel ?? 'warn',
    ],
    { cwd: ROOT, stdio: ['ignore', options.quiet ? 'ignore' : 'inherit', options.quiet ? 'pipe' : 'inherit'], env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' } },
  );
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr = (stderr + d).slice(-8000)));
  const relays = [];
  const stop = async () => {
    for (const relay of relays) relay.close();
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => {
        const timer = setTimeout(() => (child.kill('SIGKILL'), r()), 5000);
        child.once('exit', () => (clearTimeout(timer), r()));
      });
    }
  };

  try {
    const consoleUrl = `http://localhost:${port}`;
    await waitForHealth(consoleUrl, child);
    const { sites } = await (await fetch(`${consoleUrl}/api/sites`)).json();
    for (const site of sites) {
      const host = new URL(site.endpoint).hostname;
      if (/^127\.\d+\.\d+\.\d+$/.test(host) && host !== '127.0.0.1') relays.push(await relaySite(host, port, port));
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
  const body = await res.json().catch(() => ({}));
  if (body.error?.code === 'already_bootstrapped') {
    return { email, password, created: false, passwordShown: '(the password set on first run)' };
  }
  throw new Error(`Could not create the first admin: ${res.status} ${JSON.stringify(body)}`);
}
