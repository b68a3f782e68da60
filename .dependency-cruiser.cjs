/**
 * The layers of src/ (docs/architecture.md), each importing only below itself:
 *
 *   index.ts ─► s3/ · console/ · maintenance/   protocols and entry points
 *            ─► service/                        the rules both protocols share
 *            ─► storage/                        how objects, listings and checksums are kept in R2 (+ D1 records)
 *            ─► db/ · crypto/ · checksums/      SQL, cryptography, checksum algorithms
 *   sites.ts and env.ts (configuration) may be imported from anywhere and import nothing above them.
 *
 * `npm run lint` runs this; a file that imports from a higher layer, or from a protocol beside its own, fails it.
 */
const layer = (name, path, mayNotImport) => ({
  name,
  severity: 'error',
  comment: `${path} may not import ${mayNotImport.join(', ')} (see docs/architecture.md)`,
  from: { path: `^src/${path}` },
  to: { path: mayNotImport.map((p) => `^src/${p}`) },
});

module.exports = {
  forbidden: [
    layer('s3-not-console', 's3/', ['console/', 'maintenance/', 'index\\.ts$']),
    layer('console-not-s3', 'console/', ['s3/', 'maintenance/', 'index\\.ts$']),
    layer('maintenance-not-protocols', 'maintenance/', ['s3/', 'console/', 'index\\.ts$']),
    layer('service-below-protocols', 'service/', ['s3/', 'console/', 'maintenance/', 'index\\.ts$']),
    layer('storage-below-service', 'storage/', ['service/', 's3/', 'console/', 'maintenance/', 'index\\.ts$']),
    layer('db-at-the-bottom', 'db/', [
      'storage/',
      'service/',
      's3/',
      'console/',
      'maintenance/',
      'crypto/',
      'checksums/',
      'index\\.ts$',
      'sites\\.ts$',
    ]),
    layer('crypto-at-the-bottom', 'crypto/', [
      'db/',
      'storage/',
      'service/',
      's3/',
      'console/',
      'maintenance/',
      'checksums/',
      'index\\.ts$',
      'sites\\.ts$',
    ]),
    layer('checksums-at-the-bottom', 'checksums/', [
      'db/',
      'storage/',
      'service/',
      's3/',
      'console/',
      'maintenance/',
      'index\\.ts$',
      'sites\\.ts$',
    ]),
    layer('config-at-the-bottom', '(sites|env)\\.ts$', [
      'db/',
      'crypto/',
      'checksums/',
      'storage/',
      'service/',
      's3/',
      'console/',
      'maintenance/',
      'index\\.ts$',
    ]),
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules that import each other, however indirectly, are one idea in two files: merge or split them.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'src-not-tests',
      severity: 'error',
      comment: 'The Worker never imports tests, benchmarks, the console or the CLI.',
      from: { path: '^src/' },
      to: { path: '^(test|bench|public|bin)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
