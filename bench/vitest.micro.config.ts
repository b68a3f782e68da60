// Microbenchmarks of the hot functions, inside workerd (bench/micro/*.bench.ts). Run by bench/run.mjs, never by
// `npm test`: the root vitest.config.ts does not include bench/. Same Worker setup as the root config's
// "workers" project, so the code runs with ROS's own compatibility date and flags.
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';

export default defineConfig({
  plugins: [
    cloudflareTest({
      main: './src/index.ts',
      wrangler: { configPath: './wrangler.toml', environment: 'dev' },
      miniflare: {
        bindings: { ROS_MASTER_KEY: 'dGVzdC1tYXN0ZXIta2V5LW5vdC1mb3ItcHJvZHVjdGlvbiE=', ROS_BOOTSTRAP_TOKEN: 'bench' },
      },
    }),
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
