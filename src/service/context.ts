import type { Env } from '../env';
import { siteRegistry, type Site, type SiteRegistry } from '../sites';
import { ServiceError } from './errors';

/** What the service layer needs from the Worker, shared by the console API and the S3 handlers. */
export interface Services {
  db: D1Database;
  sites: SiteRegistry;
  masterKey: string;
  now: () => number;
  /** The Workers rate-limiting binding for sign-in attempts, where bound (wrangler.toml [[ratelimits]]). */
  loginLimiter?: RateLimit;
}

export function services(env: Env): Services {
  return {
    db: env.DB,
    sites: siteRegistry(env),
    masterKey: env.ROS_MASTER_KEY,
    now: Date.now,
    loginLimiter: env.LOGIN_LIMITER,
  };
}

export function requireSite(s: Services, id: string): Site {
  const site = s.sites.get(id);
  if (!site) throw new ServiceError('unknown_site', `No site has the id "${id}"`);
  return site;
}
