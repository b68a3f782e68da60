import { insertAuditEvent, listAuditEvents, type AuditEventRow } from '../db/audit';
import type { Services } from './context';
import { invalidInput } from './errors';
import type { ProjectScope } from './policy';

/**
 * The audit log (docs/api.md, "Audit log"): who changed what, when and from where. The console API records one
 * event per change through its route wrapper (src/console/audit.ts); this is the one place events are written.
 */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login.failure',
  'auth.logout',
  'user.bootstrap',
  'user.create',
  'project.create',
  'project.public-access',
  'member.add',
  'member.role',
  'member.remove',
  'app.create',
  'app.delete',
  'key.create',
  'key.delete',
  'bucket.create',
  'bucket.delete',
  'bucket.empty-and-delete',
  'bucket.acl',
  'bucket.public-access-block',
  'bucket.cors',
  'bucket.tags',
  'object.upload',
  'object.upload-abort',
  'object.delete',
  'object.acl',
  'object.share',
  'object.tags',
  // A successful change through a route that declared no action: recorded anyway, so none goes unseen.
  'change.unlisted',
  // Named ahead for the routes of issue 13's other parts (user lifecycle, passwords, sessions, project rename and
  // delete, the self-service setting, key disable/enable): each such route wraps itself in audited('<name>', …).
  'user.disable',
  'user.enable',
  'user.delete',
  'user.password-reset',
  'auth.password-change',
  'session.revoke',
  'project.rename',
  'project.delete',
  'settings.update',
  'key.disable',
  'key.enable',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who acted: the signed-in user, or for a failed sign-in the email as typed (and no id). */
export interface Actor {
  id: string | null;
  email: string | null;
}

/** Where from: the client's address (CF-Connecting-IP) and user agent. */
export interface ClientInfo {
  address: string | null;
  userAgent: string | null;
}

export interface AuditEvent {
  action: AuditAction;
  projectId?: string | null;
  target?: string | null;
  /** A few facts about the change: names, sites, roles, flags. Never a secret (fields named like one are dropped). */
  detail?: Record<string, unknown> | null;
}

// Belt and braces: a detail field whose name says it holds a secret never reaches the table.
const SECRET_FIELD = /pass|secret|token|credential|authorization|cookie/i;
const MAX_DETAIL = 2048;
const MAX_HEADER = 512;

function safeDetail(detail: Record<string, unknown> | null | undefined): string | null {
  if (!detail) return null;
  const kept = Object.fromEntries(Object.entries(detail).filter(([k, v]) => v !== undefined && !SECRET_FIELD.test(k)));
  if (Object.keys(kept).length === 0) return null;
  const json = JSON.stringify(kept);
  return json.length <= MAX_DETAIL ? json : JSON.stringify({ truncated: true });
}

const clip = (v: string | null) => (v === null ? null : v.slice(0, MAX_HEADER));

/**
 * Records one event. A failure to record is logged, not thrown: the change it describes has happened already,
 * and the person who made it must still learn that it did.
 */
export async function recordEvent(s: Services, actor: Actor, from: ClientInfo, event: AuditEvent): Promise<void> {
  try {
    await insertAuditEvent(s.db, {
      at: s.now(),
      project_id: event.projectId ?? null,
      actor_id: actor.id,
      actor_email: clip(actor.email),
      action: event.action,
      target: clip(event.target ?? null),
      detail: safeDetail(event.detail),
      address: clip(from.address),
      user_agent: clip(from.userAgent),
    });
  } catch (err) {
    console.error('audit event not recorded', event.action, err);
  }
}

export const DEFAULT_PAGE = 50;
const MAX_PAGE = 200;

export interface EventPage {
  events: AuditEventRow[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** The filters of a listing, from the query string: actor (email), action (name or "prefix."), limit, before. */
export function eventQuery(params: URLSearchParams) {
  const limitText = params.get('limit');
  const limit = limitText === null ? DEFAULT_PAGE : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw invalidInput(`"limit" must be a whole number from 1 to ${MAX_PAGE}`);
  }
  const beforeText = params.get('before');
  const before = beforeText === null ? undefined : Number(beforeText);
  if (before !== undefined && (!Number.isSafeInteger(before) || before < 1)) {
    throw invalidInput('"before" must be the nextCursor of a previous page');
  }
  const action = params.get('action') || undefined;
  if (action !== undefined && !/^[a-z.-]{1,64}$/.test(action)) {
    throw invalidInput('"action" must be an action name such as key.create, or a prefix such as key.');
  }
  const actorEmail = params.get('actor')?.trim() || undefined;
  if (actorEmail !== undefined && actorEmail.length > 254) throw invalidInput('"actor" must be at most 254 characters');
  return { limit, before, action, actorEmail };
}

async function page(s: Services, projectId: string | undefined, params: URLSearchParams): Promise<EventPage> {
  const q = eventQuery(params);
  const rows = await listAuditEvents(s.db, { ...q, projectId });
  const more = rows.length > q.limit;
  const events = more ? rows.slice(0, q.limit) : rows;
  return { events, nextCursor: more ? String(events[events.length - 1].id) : null };
}

/** A project's events, for its admins (the route authorizes 'project:manage'). */
export const listProjectEvents = (s: Services, scope: ProjectScope, params: URLSearchParams) =>
  page(s, scope.project.id, params);

/** Every event, for system admins (the route authorizes it). */
export const listAllEvents = (s: Services, params: URLSearchParams) => page(s, undefined, params);
