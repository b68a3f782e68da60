// Microbenchmarks of the hot functions, inside workerd (bench/micro/*.bench.ts). Run by bench/run.mjs, never by
// `npm test`: the root vitest.config.ts does not include bench/. Same Worker setup as the root config's
// "workers" project, so the code runs with ROS's own compatibility date and flags.
import path from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';

export default defineConfig({
  plugins: [
    cloudflareTest(async () => ({
      main: './src/index.ts',
      wrangler: { configPath: './wrangler.toml', environment: 'dev' },
      miniflare: {
        bindings: {
          ROS_MASTER_KEY: 'dGVzdC1tYXN0ZXIta2V5LW5vdC1mb3ItcHJvZHVjdGlvbiE=',
          ROS_BOOTSTRAP_TOKEN: 'bench',
          // The pipeline benchmark (micro/pipeline.bench.ts) sets up a project, a key and a bucket in D1.
          TEST_MIGRATIONS: await readD1Migrations(
            path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'migrations'),
          ),
        },
      },
    })),
  ],
  test: {
    include: ['bench/micro/**/*.bench.ts'],
    testTimeout: 180_000,
    // One file at a time: the machine's cores belong to the code being measured.
    fileParallelism: false,
    provide: { quick: process.env.BENCH_QUICK === '1' },
    reporters: ['default', './bench/micro/reporter.mjs'],
  },
});
