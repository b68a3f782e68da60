import type { D1Migration } from '@cloudflare/vitest-pool-workers';
import type { Env as RosEnv } from '../../src/env';

declare global {
  namespace Cloudflare {
    interface Env extends RosEnv {
      TEST_MIGRATIONS: D1Migration[];
      R2_THAILAND_1: R2Bucket;
      R2_FINLAND_1: R2Bucket;
    }
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** FUZZ_RUNS / FUZZ_SEED from the shell (vitest.config.ts), for the generated-input test. */
    fuzzRuns: string;
    fuzzSeed: string;
  }
}
