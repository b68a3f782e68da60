import type { Env, SiteConfig } from './env';

/** One storage location: its own hostnames and its own R2 bucket. */
export interface Site {
  id: string;
  name: string;
  hostnames: string[];
  bucket: R2Bucket;
}

/** Who answers a request, decided from the Host header alone. */
export type HostTarget =
  | { kind: 'console' }
  | { kind: 'site'; site: Site; bucket: string | null }
  | { kind: 'unknown'; host: string };

export class SiteRegistry {
  readonly sites: Site[];
  private readonly byHost = new Map<string, Site>();
  private readonly byId = new Map<string, Site>();
  private readonly consoleHosts: Set<string>;

  constructor(configs: SiteConfig[], consoleHosts: string[], env: Env) {
    this.consoleHosts = new Set(consoleHosts.map((h) => h.toLowerCase()));
    this.sites = configs.map((c) => {
      const bucket = env[c.r2] as R2Bucket | undefined;
      if (!bucket) throw new Error(`site ${c.id}: no R2 binding named ${c.r2}`);
      return { id: c.id, name: c.name, hostnames: c.hostnames.map((h) => h.toLowerCase()), bucket };
    });
    for (const site of this.sites) {
      this.byId.set(site.id, site);
      for (const host of site.hostnames) this.byHost.set(host, site);
    }
  }

  get(id: string): Site | undefined {
    return this.byId.get(id);
  }

  /**
   * Host → console, a site (path style), or `<bucket>.<site host>` (virtual-host style).
   * Bucket names may contain dots, so the site is the longest matching hostname suffix.
   */
  route(hostHeader: string | null): HostTarget {
    const host = hostWithoutPort(hostHeader ?? '').toLowerCase();
    if (this.consoleHosts.has(host)) return { kind: 'console' };
    const exact = this.byHost.get(host);
    if (exact) return { kind: 'site', site: exact, bucket: null };
    for (let dot = host.indexOf('.'); dot > 0; dot = host.indexOf('.', dot + 1)) {
      const parent = host.slice(dot + 1);
      const site = this.byHost.get(parent);
      // "<bucket>.127.0.0.2" is no name at all: virtual-host style needs a DNS name.
      if (site && !isIpLiteral(parent)) return { kind: 'site', site, bucket: host.slice(0, dot) };
    }
    return { kind: 'unknown', host };
  }

  /** The S3 endpoint URL of a site, with the scheme and port of the URL the caller reached us on. */
  endpoint(site: Site, via: URL): string {
    return `${via.protocol}//${site.hostnames[0]}${via.port ? `:${via.port}` : ''}`;
  }
}

export function hostWithoutPort(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon >= 0 ? host.slice(0, colon) : host;
}

function isIpLiteral(host: string): boolean {
  return host.startsWith('[') || /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}

// Parsed once per isolate: the env object is stable for an isolate's lifetime.
let cached: { env: Env; registry: SiteRegistry } | undefined;

export function siteRegistry(env: Env): SiteRegistry {
  if (cached?.env !== env) cached = { env, registry: new SiteRegistry(env.SITES, env.CONSOLE_HOSTS, env) };
  return cached.registry;
}
