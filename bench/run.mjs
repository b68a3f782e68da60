#!/usr/bin/env node
// `npm run bench [-- --quick]`: ROS against its runtime's upper bound (a bare R2 Worker in the same workerd) and
// against a peer S3 server (moto_server), on this machine, in one run. Writes bench/results/<timestamp>.{json,md}
// and bench/results/latest.md. See bench/README.md for what is measured and how to read it.
//
// Noise control, since the numbers are only worth their reproducibility: every window is preceded by a warm-up,
// the targets are interleaved (the order rotates each round, so a burst of background load hits all of them),
// and each result is the median of the rounds. A window during which wrangler restarted workerd (a watched
// source file changed) is thrown away and measured again.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASES, MiB, bigTransfer, completeTimes, listingFixture, prepareFixtures } from './cases.mjs';
import { runLoad } from './load.mjs';
import { machine, renderMarkdown, evaluate } from './report.mjs';
import { selfCheck } from './sigv4.mjs';
import { memoryOf, resetPeak, startAssetsBaseline, startMoto, startWorkerd } from './targets.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = path.join(ROOT, 'bench', 'results');
const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const ONLY = args
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(','); // e.g. --only=get-4k,list (development)
const SKIP_MICRO = args.includes('--no-micro');
const VERBOSE = args.includes('--verbose'); // wrangler's output: the Workers' console.log and errors

/** The run's shape. Full: about 11 minutes on 2 cores; quick: about one minute. */
const SETTINGS = QUICK
  ? {
      rounds: 1,
      concurrencies: { small: [32], large: [4], list: [4] },
      small: { durationMs: 800, warmupMs: 200 },
      large: { durationMs: 1200, warmupMs: 0 },
      info: { durationMs: 800, warmupMs: 200 },
      listKeys: 2000,
      memoryBytes: 128 * MiB,
      budgetMs: 150_000,
      reserveMs: 15_000,
    }
  : {
      rounds: 3,
      concurrencies: { small: [1, 32], large: [1, 32] },
      small: { durationMs: 1500, warmupMs: 300 },
      large: { durationMs: 2000, warmupMs: 0 },
      info: { durationMs: 1000, warmupMs: 200 },
      listKeys: 10_000,
      memoryBytes: 1024 * MiB,
      budgetMs: 630_000,
      reserveMs: 75_000,
    };
// Quick: every case once, on a smaller scale (large cases at c4: at c32 a window moves ≥ 512 MiB; the listing at
// c4: at c32 moto alone needs 15 s to answer each worker's first page).
// Large cases have no warm-up window (see measure()). `reserveMs` is kept for what follows the
// cases (the baseline's memory on a fresh server, the microbenchmarks): no case starts after budget − reserve.

const started = Date.now();
const log = (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${line}`);

// ---- cleanup: everything started is stopped, on success, failure and Ctrl-C ---------------------------------

const cleanups = [];
async function cleanup() {
  while (cleanups.length)
    await cleanups
      .pop()()
      .catch((err) => console.error('cleanup:', err.message));
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    log(`${signal}: stopping everything the bench started`);
    await cleanup();
    process.exit(130);
  });
}

// ---- measuring --------------------------------------------------------------------------------------------------

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Runs `fn` against `target` and answers its result, unless wrangler restarted the target's workerd meanwhile (a
 * watched source file changed: the numbers, or the error, are then the restart's): then it finds the new
 * workerd and runs `fn` again, up to three times.
 */
async function withRestarts(target, what, fn) {
  for (let attempt = 1; ; attempt++) {
    if (!target.alive()) await target.refresh();
    const pid = target.pid;
    let result;
    let error;
    try {
      result = await fn();
    } catch (err) {
      error = err;
    }
    // A restart is not visible at once (the old process lingers while it exits): give it a moment before
    // blaming a failure on ROS.
    if (error || result?.errors) await new Promise((r) => setTimeout(r, 2000));
    if (target.alive() && target.pid === pid) {
      if (error) throw error;
      return result;
    }
    if (attempt === 3)
      throw new Error(`${target.name}: workerd kept restarting during ${what} (source files changing?)`);
    log(`  ${target.name}: workerd restarted during ${what} (a watched file changed): again`);
  }
}

/** One measured window of `kase` at concurrency `c` against `target`. */
function window(target, kase, c, timing = kase.large ? SETTINGS.large : SETTINGS.small) {
  return withRestarts(target, `${kase.id} c${c}`, () =>
    runLoad({ concurrency: kase.workers?.(c) ?? c, ...timing, op: kase.op(target, c) }),
  );
}

/** A window's numbers, or why it failed ("failed: 501"). */
function summarize(kase, res) {
  if (res.ops === 0 || res.errors >= 10) {
    const e = res.firstError;
    return {
      failed: e?.status ? `failed: ${e.status}` : `failed: ${e?.message ?? 'no operation completed'}`,
      detail: e?.message?.slice(0, 300),
    };
  }
  const rate = kase.unit === 'MiB/s' ? res.bytes / MiB / res.seconds : res.ops / res.seconds;
  return {
    rate,
    p50: res.hist.quantile(0.5) / 1000,
    p99: res.hist.quantile(0.99) / 1000,
    ops: res.ops,
    errors: res.errors,
  };
}

/** Runs `kase` at concurrency `c` on every target, interleaved over the rounds; medians per target. */
async function measure(kase, c, targets, timing) {
  const rounds = Object.fromEntries(targets.map((t) => [t.id, []]));
  const count = Math.min(SETTINGS.rounds, kase.rounds?.(c) ?? Infinity);
  for (let r = 0; r < count; r++) {
    const order = targets.map((_, i) => targets[(i + r) % targets.length]);
    for (const target of order) {
      const previous = rounds[target.id];
      if (r >= (target.rounds ?? Infinity)) continue;
      // Large cases have no warm-up window (at c32 it would cost a whole extra window): one untimed operation
      // per target instead, so the first round does not pay for first use (JIT, connections, R2 paths).
      if (r === 0 && kase.large && kase.warmup !== false)
        await withRestarts(target, `${kase.id} warm-up`, () => kase.op(target, 1)(0, 0));
      if (previous.some((x) => x.failed)) continue; // it will fail again: spend the time elsewhere
      const s = summarize(kase, await window(target, kase, c, timing));
      previous.push(s);
      log(
        `  ${kase.id} c${c} ${target.name}: ${s.failed ?? `${s.rate.toFixed(0)} ${kase.unit}, p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms`}`,
      );
    }
  }
  return Object.fromEntries(
    Object.entries(rounds).map(([id, rs]) => {
      const failed = rs.find((x) => x.failed);
      if (failed) return [id, failed];
      return [
        id,
        {
          rate: median(rs.map((x) => x.rate)),
          p50: median(rs.map((x) => x.p50)),
          p99: median(rs.map((x) => x.p99)),
          rounds: rs,
        },
      ];
    }),
  );
}

/** Peak resident memory of the workerd serving `target` during a PUT and a GET of `size` bytes. */
function memoryCase(target, size) {
  return withRestarts(target, 'the memory measurement', async () => {
    const pid = target.pid;
    const idle = memoryOf(pid).rss;
    const exact = resetPeak(pid);
    const result = {};
    await bigTransfer(target, size, async (label, fn) => {
      resetPeak(pid);
      let sampled = memoryOf(pid).rss;
      // VmHWM (reset above) is the exact peak; sampling is the fallback where clear_refs is not writable.
      const timer = setInterval(() => (sampled = Math.max(sampled, memoryOf(pid).rss)), 50);
      const t0 = process.hrtime.bigint();
      try {
        const res = await fn();
        const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
        const peak = exact ? memoryOf(pid).peak : Math.max(sampled, memoryOf(pid).rss);
        result[label] = { peak, aboveIdle: peak - idle, mibPerSec: size / MiB / seconds };
        return { result: res };
      } finally {
        clearInterval(timer);
      }
    });
    log(
      `  memory ${target.name}: idle ${(idle / MiB).toFixed(0)} MiB, PUT +${(result.PUT.aboveIdle / MiB).toFixed(0)} MiB, GET +${(result.GET.aboveIdle / MiB).toFixed(0)} MiB`,
    );
    return { idle, sizeBytes: size, method: exact ? 'VmHWM' : 'VmRSS sampled every 50 ms', ...result };
  });
}

/** The microbenchmarks, in workerd through the vitest workers pool; resolves their JSON. */
async function micro() {
  const out = path.join(os.tmpdir(), `ros-bench-micro-${process.pid}.json`);
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', 'bench/vitest.micro.config.ts'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BENCH_QUICK: QUICK ? '1' : '0', BENCH_MICRO_OUT: out },
    },
  );
  cleanups.push(async () => child.exitCode === null && child.kill('SIGTERM'));
  let output = '';
  child.stdout.on('data', (d) => (output = (output + d).slice(-20_000)));
  child.stderr.on('data', (d) => (output = (output + d).slice(-20_000)));
  await new Promise((resolve) => child.once('exit', resolve));
  try {
    const data = JSON.parse(fs.readFileSync(out, 'utf8'));
    fs.rmSync(out, { force: true });
    return data;
  } catch {
    return {
      results: [],
      failures: [{ name: 'vitest', error: `no results (exit ${child.exitCode}): ${output.slice(-2000)}` }],
    };
  }
}

/**
 * Information, not targets: GET 4 KiB through wrangler's dev proxy and the 127.0.0.2 relay, what `npm start`
 * users go through; measured right after the GET 4 KiB case, so the server is in the same state.
 */
async function measurePaths(workerd, deadline, result) {
  const get4k = CASES.find((k) => k.id === 'get-4k');
  const paths = [workerd.ros, workerd.baseline, workerd.proxied, workerd.relayed];
  for (const c of SETTINGS.concurrencies.small) {
    if (Date.now() > deadline) {
      result.skipped.push(`get-4k paths c${c}`);
      continue;
    }
    log(`GET 4 KiB through the dev proxy and relay, concurrency ${c}`);
    result.info.push({
      id: 'get-4k-paths',
      title: 'GET 4 KiB',
      unit: 'ops/s',
      concurrency: c,
      targets: paths.map((t) => ({ id: t.id, name: t.name })),
      results: await measure(get4k, c, paths, SETTINGS.info),
    });
  }
}

// ---- the run ------------------------------------------------------------------------------------------------------

async function main() {
  await selfCheck();
  const info = machine(ROOT);
  info.loadAverageAtStart = os.loadavg();
  log(
    `${QUICK ? 'quick' : 'full'} run on ${info.cpu}, ${info.cores} cores; load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  const deadline = started + SETTINGS.budgetMs - SETTINGS.reserveMs;
  const result = {
    settings: { ...SETTINGS, quick: QUICK },
    machine: info,
    cases: [],
    info: [],
    memory: {},
    skipped: [],
  };

  const workerd = await startWorkerd({ log, verbose: VERBOSE });
  cleanups.push(workerd.stop);
  const moto = await startMoto({ log, listing: listingFixture(SETTINGS.listKeys) });
  cleanups.push(moto.stop);
  const assets = await startAssetsBaseline({ log });
  cleanups.push(assets.stop);
  result.baselineMode = workerd.mode;
  const targets = [workerd.ros, workerd.baseline, moto.moto];
  // The same-shape baseline runs the 4 KiB cases, where the per-request cost of the assets router shows; the large
  // cases are dominated by the bytes.
  const withAssets = (kase) =>
    kase.group === '4 KiB objects' ? [workerd.ros, workerd.baseline, assets.target, moto.moto] : targets;

  // ROS's memory first, on a workerd that has served no objects yet; the baseline's on a fresh server at the end
  // (not in quick runs).
  log(`memory: ${SETTINGS.memoryBytes / MiB} MiB PUT + GET through ROS`);
  result.memory.ros = await memoryCase(workerd.ros, SETTINGS.memoryBytes);

  // Set-up, not measurement: all targets at once.
  log(`fixtures: small and large objects, ${SETTINGS.listKeys} keys to list`);
  await Promise.all(
    [...targets, assets.target].map(async (target) => {
      const cloner =
        target === assets.target ? assets.target : workerd.mode === 'same-workerd' ? workerd.baseline : null;
      await withRestarts(target, 'the fixtures', () =>
        prepareFixtures(target, { listKeys: SETTINGS.listKeys, cloner }),
      );
      log(`  fixtures on ${target.name} written`);
    }),
  );

  for (const kase of CASES.filter((k) => !ONLY || ONLY.includes(k.id))) {
    for (const c of SETTINGS.concurrencies[kase.id] ?? SETTINGS.concurrencies[kase.large ? 'large' : 'small']) {
      if (Date.now() > deadline) {
        result.skipped.push(`${kase.id} c${c}`);
        continue;
      }
      log(`${kase.title}, concurrency ${c}`);
      result.cases.push({
        id: kase.id,
        group: kase.group,
        title: kase.title,
        unit: kase.unit,
        concurrency: c,
        note: kase.concurrencyNote,
        results: await measure(kase, c, withAssets(kase)),
      });
    }
    if (kase.id === 'get-4k') await measurePaths(workerd, deadline, result);
  }

  // CompleteMultipartUpload's own time by object size (issue 14: it must not grow with the object).
  if ((!ONLY || ONLY.includes('mpu-256m') || ONLY.includes('complete')) && Date.now() <= deadline) {
    const rounds = QUICK ? 1 : 2;
    log(`CompleteMultipartUpload time: 16 MiB and 256 MiB uploads, ${rounds} of each`);
    result.complete = {};
    for (const target of [workerd.ros, workerd.baseline]) {
      result.complete[target.id] = await withRestarts(target, 'the Complete timing', () =>
        completeTimes(target, rounds),
      );
      log(
        `  complete ${target.name}: ${JSON.stringify(result.complete[target.id], (_, v) => (typeof v === 'number' ? Math.round(v) : v))}`,
      );
    }
  } else if (!ONLY) result.skipped.push('complete timing');

  await cleanup();

  if (!QUICK) {
    log(`memory: ${SETTINGS.memoryBytes / MiB} MiB PUT + GET through the baseline, on a fresh server`);
    const fresh = await startWorkerd({ log, verbose: VERBOSE });
    cleanups.push(fresh.stop);
    result.memory.baseline = await memoryCase(fresh.baseline, SETTINGS.memoryBytes);
    await cleanup();
  }

  if (!SKIP_MICRO) {
    log('microbenchmarks (vitest, workers pool)');
    result.micro = await micro();
  }

  result.machine.loadAverageAtEnd = os.loadavg();
  result.wallSeconds = (Date.now() - started) / 1000;
  result.evaluation = evaluate(result);
  const md = renderMarkdown(result);
  fs.mkdirSync(RESULTS, { recursive: true });
  const stamp = new Date(started).toISOString().replace(/[:.]/g, '-');
  fs.writeFileSync(path.join(RESULTS, `${stamp}.json`), JSON.stringify(result, null, 2));
  fs.writeFileSync(path.join(RESULTS, `${stamp}.md`), md);
  fs.writeFileSync(path.join(RESULTS, 'latest.md'), md);
  console.log(`\n${md}`);
  log(`wrote bench/results/${stamp}.{json,md} and bench/results/latest.md (${result.wallSeconds.toFixed(0)} s)`);
}

try {
  await main();
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await cleanup();
}
