/** The Worker's bindings, as declared in wrangler.toml (see README for production). */
export interface Env {
  DB: D1Database;
  ASSETS: Fetcher;
  /** Console hostnames (no port). */
  CONSOLE_HOSTS: string[];
  /** Site registry: see src/sites.ts. */
  SITES: SiteConfig[];
  /** Worker secret: base64 of 32 random bytes. Encrypts access-key secrets, keys session CSRF tokens. */
  ROS_MASTER_KEY: string;
  /** Worker secret, optional: enables POST /api/bootstrap while no user exists. */
  ROS_BOOTSTRAP_TOKEN?: string;
  /** Days after which an unfinished multipart upload is aborted by the cron trigger (default 7). */
  UPLOAD_MAX_AGE_DAYS?: string;
  /** Days an audit event is kept before the cron deletes it (default 90). */
  AUDIT_RETENTION_DAYS?: string;
  /** Rate limiter for sign-in attempts per client address (wrangler.toml [[ratelimits]]); optional. */
  LOGIN_LIMITER?: RateLimit;
  /** R2 buckets, one per site, named by SiteConfig.r2. */
  [binding: string]: unknown;
}

export interface SiteConfig {
  id: string;
  name: string;
  /** The first is the primary hostname (shown as the endpoint); the rest are aliases. No port. */
  hostnames: string[];
  /** Name of the R2 binding holding this site's objects. */
  r2: string;
}
