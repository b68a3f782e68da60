import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Tests that need no Cloudflare metadata from the network (there is none here).
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';

const root = path.dirname(new URL(import.meta.url).pathname);

export default defineConfig({
  test: {
    projects: [
      {
        // Unit and Worker tests run inside workerd with real (local) D1 and R2 bindings from wrangler.toml [env.dev].
        plugins: [
          cloudflareTest(async () => ({
            main: './src/index.ts',
            wrangler: { configPath: './wrangler.toml', environment: 'dev' },
            miniflare: {
              bindings: {
                ROS_MASTER_KEY: 'dGVzdC1tYXN0ZXIta2V5LW5vdC1mb3ItcHJvZHVjdGlvbiE=',
                ROS_BOOTSTRAP_TOKEN: 'test-bootstrap-token',
                TEST_MIGRATIONS: await readD1Migrations(path.join(root, 'migrations')),
              },
            },
          })),
        ],
        test: {
          name: 'workers',
          testTimeout: 20_000,
          include: ['test/unit/**/*.test.ts', 'test/worker/**/*.test.ts'],
          setupFiles: ['./test/worker/apply-migrations.ts'],
          // The generated-input test's size and seed (test/worker/s3/generated-input.test.ts); read there with inject().
          provide: { fuzzRuns: process.env.FUZZ_RUNS ?? '', fuzzSeed: process.env.FUZZ_SEED ?? '' },
        },
      },
      {
        // End-to-end: a real server started as `npm start` does, driven by real clients from Node.
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.{ts,mjs}'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
