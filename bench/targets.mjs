// Starts and stops the three servers the benchmark compares, and describes each as a *target*: where to send a
// request, with which Host header and credentials.
//
// - ROS and the baseline Worker run in ONE wrangler dev (ROS's config first, bench/baseline/wrangler.toml second),
//   so they share one workerd process and one local R2 simulation. wrangler dev only routes its public port to the
//   first config, and its dev proxy (a second workerd in front) strips the header miniflare routes by; so the bench
//   talks to the user workerd's own entry socket, for both: ROS by its Host header, the baseline by
//   `MF-Route-Override`. wrangler's dev proxy exists only locally (production has no such hop), so leaving it out
//   of both measures the S3 layer, not the dev tooling. The info rows measure what the proxy adds, and what the
//   127.0.0.2 relay adds (it too sends requests straight to the user workerd).
// - moto_server, the peer S3 implementation, in its own process.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { answersAsRos as isRos, freePort, startRos } from '../bin/lib/local-server.mjs';
import { locateUserWorkerd as locateWorkerd, userWorkerdPids } from '../bin/lib/processes.mjs';
import { ConsoleClient } from '../test/e2e/support/ros-api.mjs';
import { newAgent } from './load.mjs';
import { createSigner } from './sigv4.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WRANGLER = path.join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const BASELINE_CONFIG = 'bench/baseline/wrangler.toml';
/** The baseline shaped like ROS's deployment ([assets] + run_worker_first), in its own wrangler dev. */
const ASSETS_BASELINE_CONFIG = 'bench/baseline/wrangler.assets.toml';
/** wrangler appends the environment to the name (`--env dev`). */
const BASELINE_WORKER = 'ros-bench-baseline-dev';
export const BUCKET = 'ros-bench';

// ---- processes -------------------------------------------------------------------------------------------------

/** Resident memory of `pid` now and its peak since the last resetPeak(), in bytes. */
export function memoryOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Resets the kernel's peak-RSS counter (VmHWM) of a process we started; false where that is not allowed. */
export function resetPeak(pid) {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** GET / on a loopback port with these headers; resolves `{ headers, text }` (node:http: fetch cannot set Host). */
function probeGet(port, headers) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', headers, agent: false, timeout: 2000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ headers: res.headers, text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('probe timed out')));
    req.on('error', reject);
  });
}

const isBaseline = async (port) =>
  (await probeGet(port, { 'MF-Route-Override': BASELINE_WORKER })).text === 'ros-bench-baseline';
/** The baseline as its wrangler dev's entry Worker: reached with no routing header, through its assets router. */
const isEntryBaseline = async (port) => (await probeGet(port, {})).text === 'ros-bench-baseline';

function workerdTarget({ name, id, wranglerPid, located, probe, hostHeader, extraHeaders = {}, credentials }) {
  const target = {
    name,
    id,
    host: '127.0.0.1',
    hostHeader,
    extraHeaders,
    sign: createSigner(credentials),
    agent: newAgent(),
    pid: located.pid,
    port: () => located.port,
    /** False once wrangler has replaced the workerd this target pointed at. */
    alive: () => userWorkerdPids(wranglerPid).includes(located.pid),
    async refresh() {
      located = await locateWorkerd(wranglerPid, probe);
      target.pid = located.pid;
      target.agent.destroy();
      target.agent = newAgent();
    },
  };
  return target;
}

/** A fresh temp dir, removed by the returned function. */
function tempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Stops a child we spawned in its own process group: SIGTERM, then SIGKILL after 5 s. */
async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const kill = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      child.kill(sig);
    }
  };
  kill('SIGTERM');
  await new Promise((r) => {
    const timer = setTimeout(() => {
      kill('SIGKILL');
      r();
    }, 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      r();
    });
  });
}

/**
 * The baseline in its own `wrangler dev`, for when ROS's server could not load it as a second config
 * (bin/lib/local-server.mjs without the `configs` option): the same workerd binary, in another process.
 */
async function startSeparateBaseline(stateDir, config = BASELINE_CONFIG, probe = isBaseline) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      WRANGLER,
      'dev',
      '-c',
      config,
      '--env',
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      String(await freePort()),
      '--persist-to',
      stateDir,
      '--show-interactive-dev-session=false',
      '--log-level',
      'error',
    ],
    {
      cwd: ROOT,
      stdio: 'ignore',
      detached: true,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
    },
  );
  try {
    return { child, pid: child.pid, located: await locateWorkerd(child.pid, probe, 60_000) };
  } catch (err) {
    await stopChild(child);
    throw err;
  }
}

/**
 * ROS (as `npm start` runs it, on a fresh state dir) with the baseline beside it; creates the bench's project,
 * key and bucket. Resolves `{ ros, baseline, relayed, proxied, mode, wranglerPid, stop }`. `verbose` shows wrangler's
 * output (the Workers' console and errors).
 */
export async function startWorkerd({ log = () => {}, verbose = false } = {}) {
  const state = tempDir('ros-bench-');
  const cleanups = [state.remove];
  const stop = async () => {
    for (const fn of cleanups.reverse()) await fn();
  };
  try {
    const port = await freePort();
    log(`starting ROS + baseline (wrangler dev on :${port}, state ${state.dir})`);
    const ros = await startRos({
      port,
      stateDir: state.dir,
      quiet: !verbose,
      configs: ['wrangler.toml', BASELINE_CONFIG],
    });
    cleanups.push(() => ros.stop());

    const site = ros.sites.find((s) => s.id === 'thailand-1');
    const hostHeader = new URL(site.endpoint).host; // 127.0.0.2:<port>: ROS routes on the hostname
    const admin = await ConsoleClient.login(ros.consoleUrl, ros.admin.email, ros.admin.password);
    const project = await admin.createProject('bench');
    const key = await admin.createKey(project.id, site.id, 'bench');
    await admin.createBucket(project.id, site.id, BUCKET);
    const credentials = { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };

    const rosProbe = isRos(hostHeader);
    const rosLocated = await locateWorkerd(ros.pid, rosProbe);
    const rosTarget = workerdTarget({
      name: 'ROS',
      id: 'ros',
      wranglerPid: ros.pid,
      located: rosLocated,
      probe: rosProbe,
      hostHeader,
      credentials,
    });

    // Same workerd if wrangler loaded the second config; otherwise a separate wrangler dev (see startSeparateBaseline).
    let mode = 'same-workerd';
    let baselineWrangler = ros.pid;
    let baselineLocated = (await isBaseline(rosLocated.port).catch(() => false)) ? rosLocated : null;
    if (!baselineLocated) {
      mode = 'separate-process';
      log('the baseline is not in ROS’s workerd (startRos without `configs`): starting it in its own wrangler dev');
      const own = tempDir('ros-bench-baseline-');
      cleanups.push(own.remove);
      const started = await startSeparateBaseline(own.dir);
      cleanups.push(() => stopChild(started.child));
      baselineWrangler = started.pid;
      baselineLocated = started.located;
    }
    const baselineAs = (name, id, extra = {}) =>
      workerdTarget({
        name,
        id,
        wranglerPid: baselineWrangler,
        located: baselineLocated,
        probe: isBaseline,
        hostHeader,
        extraHeaders: { 'MF-Route-Override': BASELINE_WORKER, ...extra },
        credentials,
      });
    const baselineTarget = baselineAs('baseline', 'baseline');

    // ROS the way `npm start` users reach it, for the info rows: through wrangler's dev proxy, with and without
    // the 127.0.0.2 relay in front.
    const fixed = (extra) => ({
      ...rosTarget,
      ...extra,
      agent: newAgent(),
      alive: () => true,
      refresh: async () => {},
    });
    const proxied = fixed({ name: 'ROS via wrangler proxy', id: 'ros-proxied', port: () => port });
    const relayed = fixed({ name: 'ROS via 127.0.0.2 relay', id: 'ros-relayed', host: '127.0.0.2', port: () => port });
    cleanups.push(async () => {
      for (const t of [rosTarget, baselineTarget, proxied, relayed]) t.agent.destroy();
    });

    return { ros: rosTarget, baseline: baselineTarget, proxied, relayed, mode, wranglerPid: ros.pid, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * The baseline shaped like ROS's deployment (bench/baseline/wrangler.assets.toml: the same `[assets]` and
 * `run_worker_first` as ROS), in its own wrangler dev on a fresh state dir, reached on its user workerd's socket
 * with no routing header, so that each request passes the assets router first, as ROS's do. Resolves
 * `{ target, stop }`; the target's id is `baseline-assets`.
 */
export async function startAssetsBaseline({ log = () => {} } = {}) {
  const state = tempDir('ros-bench-baseline-assets-');
  log('starting the baseline with [assets] + run_worker_first (its own wrangler dev)');
  let started;
  try {
    started = await startSeparateBaseline(state.dir, ASSETS_BASELINE_CONFIG, isEntryBaseline);
  } catch (err) {
    state.remove();
    throw err;
  }
  const target = workerdTarget({
    name: 'baseline + assets',
    id: 'baseline-assets',
    wranglerPid: started.pid,
    located: started.located,
    probe: isEntryBaseline,
    hostHeader: '127.0.0.1',
    credentials: { accessKeyId: 'AKIABENCHBASELINE00', secretAccessKey: 'bench-baseline-secret' },
  });
  return {
    target,
    stop: async () => {
      target.agent.destroy();
      await stopChild(started.child);
      state.remove();
    },
  };
}

/**
 * moto_server on a free port, its store holding the bench bucket and the listing fixture (bench/moto-server.py:
 * moto_server itself, with the fixture written in-process first).
 */
export async function startMoto({ log = () => {}, listing }) {
  const port = await freePort();
  log(`starting moto_server on :${port}`);
  const args = ['127.0.0.1', port, BUCKET, listing.prefix, listing.keys, listing.size].map(String);
  const child = spawn('python3', [path.join(ROOT, 'bench', 'moto-server.py'), ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const stop = () => stopChild(child);
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`moto_server exited: ${stderr}`);
      if (
        await fetch(`http://127.0.0.1:${port}/moto-api/`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (Date.now() > deadline) throw new Error(`moto_server did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const target = {
      name: 'moto',
      id: 'moto',
      // One round per case: its target (ROS ≥ 2× moto) is coarse next to the noise, and moto is the slowest
      // server here, so further rounds would cost the most time for the least information.
      rounds: 1,
      host: '127.0.0.1',
      hostHeader: `127.0.0.1:${port}`,
      extraHeaders: {},
      sign: createSigner({ accessKeyId: 'AKIABENCHMOTO000000', secretAccessKey: 'bench-moto-secret' }),
      agent: newAgent(),
      pid: child.pid,
      port: () => port,
      alive: () => child.exitCode === null,
      refresh: async () => {
        throw new Error(`moto_server exited: ${stderr}`);
      },
    };
    return {
      moto: target,
      stop: async () => {
        target.agent.destroy();
        await stop();
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
