// A vitest reporter for the microbenchmarks: gathers what each test put in `task.meta.bench` and writes it as
// JSON to $BENCH_MICRO_OUT, so bench/run.mjs reads numbers, not console output.
import fs from 'node:fs';

export default class MicroReporter {
  results = [];
  failures = [];

  onTestCaseResult(testCase) {
    const { bench } = testCase.meta();
    if (bench) this.results.push(...bench);
    const result = testCase.result();
    if (result.state === 'failed') {
      this.failures.push({ name: testCase.name, error: result.errors?.map((e) => e.message).join('; ') });
    }
  }

  onTestRunEnd() {
    const out = process.env.BENCH_MICRO_OUT;
    if (out) fs.writeFileSync(out, JSON.stringify({ results: this.results, failures: this.failures }, null, 2));
  }
}
