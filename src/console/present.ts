import type { AppRow } from '../db/apps';
import type { AuditEventRow } from '../db/audit';
import type { BucketRow } from '../db/buckets';
import type { KeyListRow } from '../db/keys';
import type { MemberRow, ProjectRow, Role } from '../db/projects';
import type { SessionRow } from '../db/sessions';
import type { UserRow } from '../db/users';
import { aclAllows, asStoredAcl, bucketPublicAccessBlock } from '../service/acl';
import { isExpired, limitsOf } from '../service/key-limits';
import type { EventPage } from '../service/audit';
import type { SiteRegistry } from '../sites';

/** Rows → the JSON shapes of docs/api.md. Never includes password hashes or key ciphertexts. */
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const user = (u: UserRow) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  isAdmin: u.is_admin === 1,
  disabled: u.disabled_at !== null,
  disabledAt: iso(u.disabled_at ?? null),
  createdAt: iso(u.created_at),
});

/** One of the caller's sessions: `current` marks the one making the request. Never the token. */
export const session = (row: SessionRow, currentId: string) => ({
  id: row.id,
  current: row.id === currentId,
  createdAt: iso(row.created_at),
  lastSeenAt: iso(row.last_seen_at),
  expiresAt: iso(row.expires_at),
  client: row.user_agent,
  address: row.address,
});

export const project = (p: ProjectRow & { role?: Role | null }) => ({
  id: p.id,
  name: p.name,
  role: p.role ?? null,
  blockPublicAccess: p.block_public_access === 1,
  createdAt: iso(p.created_at),
});

export const member = (m: MemberRow) => ({
  userId: m.user_id,
  email: m.email,
  name: m.name,
  role: m.role,
  createdAt: iso(m.created_at),
});

export const app = (a: AppRow) => ({ id: a.id, name: a.name, createdBy: a.created_by, createdAt: iso(a.created_at) });

export function key(k: KeyListRow, sites: SiteRegistry, via: URL, now: number) {
  const site = sites.get(k.site_id);
  return {
    accessKeyId: k.id,
    name: k.name,
    site: k.site_id,
    siteName: site?.name ?? k.site_id,
    endpoint: site ? sites.endpoint(site, via) : null,
    status: k.status,
    owner: k.owner_app_id
      ? { type: 'app', id: k.owner_app_id, name: k.owner_name }
      : { type: 'user', id: k.owner_user_id, name: k.owner_name },
    createdAt: iso(k.created_at),
    lastUsedAt: iso(k.last_used_at),
    ...keyLimits(k, now),
  };
}

/** A key's limits (src/service/key-limits.ts) as docs/api.md shows them; `expired` once expiresAt has passed. */
function keyLimits(k: KeyListRow, now: number) {
  const l = limitsOf(k);
  return {
    readOnly: l.readOnly,
    buckets: l.buckets,
    prefix: l.prefix,
    expiresAt: iso(l.expiresAt),
    expired: isExpired(l, now),
  };
}

export function bucket(b: BucketRow, sites: SiteRegistry, via: URL) {
  const site = sites.get(b.site_id);
  const endpoint = site ? sites.endpoint(site, via) : null;
  const host = site?.hostnames.find((h) => !/^[\d.]+$/.test(h)) ?? null;
  return {
    name: b.name,
    site: b.site_id,
    siteName: site?.name ?? b.site_id,
    createdAt: iso(b.created_at),
    endpoint,
    urls: {
      pathStyle: endpoint ? `${endpoint}/${b.name}` : null,
      // Virtual-host addressing needs a DNS name; a site reached only by IP address has none.
      virtualHost: host ? `${via.protocol}//${b.name}.${host}${via.port ? `:${via.port}` : ''}` : null,
    },
    access: access(b),
  };
}

/** Who may reach the bucket besides its project: its ACL, its Block Public Access flags, and what holds. */
export function access(b: BucketRow) {
  const acl = asStoredAcl(b.acl);
  return {
    acl,
    publicAccessBlock: bucketPublicAccessBlock(b),
    projectBlocksPublicAccess: b.project_block_public_access === 1,
    /** What the ACL grants once the flags are applied: what the console's badge says. */
    effective: {
      anyoneCanRead: aclAllows(acl, b, 'anonymous', 'READ'),
      anyoneCanWrite: aclAllows(acl, b, 'anonymous', 'WRITE'),
      anyKeyCanRead: aclAllows(acl, b, 'authenticated', 'READ'),
    },
  };
}

/** One audit event (docs/api.md, "Audit log"). */
export const auditEvent = (e: AuditEventRow) => ({
  id: String(e.id),
  at: iso(e.at),
  projectId: e.project_id,
  actor: { id: e.actor_id, email: e.actor_email },
  action: e.action,
  target: e.target,
  detail: e.detail ? (JSON.parse(e.detail) as Record<string, unknown>) : null,
  address: e.address,
  userAgent: e.user_agent,
});

export const auditPage = (p: EventPage) => ({ events: p.events.map(auditEvent), nextCursor: p.nextCursor });
