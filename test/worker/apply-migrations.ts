import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';

// Each test file starts from the schema in migrations/, exactly as production applies it.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
