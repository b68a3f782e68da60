// For the TypeScript that imports the browser's copy of the rules: the test that keeps it equal to the server's
// (test/unit/console/bucket-names.test.ts), whose compiler does not read JavaScript.
/** What is wrong with `name` as a bucket name, in words, or null for a valid name. */
export function bucketNameProblem(name: string): string | null;
