import type { IRequest } from 'itty-router';
import { recordEvent, type Actor, type AuditAction, type ClientInfo } from '../service/audit';
import type { Services } from '../service/context';
import type { Session } from './session';

/**
 * How console routes record the audit log (docs/api.md, "Audit log"): each change route is wrapped in
 * `audited('<action>', handler)`, which records one event when the handler answers with success. The handler may
 * add to `req.audit` what only it knows (the new key's id, a role); `inProject` adds the project. A change route
 * that declares nothing is still recorded, as `change.unlisted`, by the router's `finally` (`auditUnlisted`).
 */
export interface AuditNote {
  projectId?: string;
  target?: string | null;
  /** A few non-secret facts; fields named like a secret are dropped by recordEvent all the same. */
  detail?: Record<string, unknown>;
  /** Who acted, when nobody is signed in yet (sign-in). */
  actor?: Actor;
  /** Recorded already, or declared not worth an event (a staged part of an upload whose completion is recorded). */
  done?: boolean;
}

/** The API's request: `session` is set by the session guard, so it is missing only on the routes before it. */
export type AuditedRequest = IRequest & { session: Session; audit?: AuditNote };

/** The client's address as Cloudflare saw it (CF-Connecting-IP; never a header the client could forge past it). */
export const clientOf = (req: Request): ClientInfo => ({
  address: req.headers.get('CF-Connecting-IP'),
  userAgent: req.headers.get('User-Agent'),
});

/** The note of this request, created on first use. */
export const noteOf = (req: AuditedRequest): AuditNote => {
  req.audit ??= {};
  return req.audit;
};

/** What a route acted on, from its path, unless the handler said better. */
function defaultTarget(req: AuditedRequest): string | null {
  const p = req.params ?? {};
  const decode = (v: string) => {
    try {
      return decodeURIComponent(v);
    } catch {
      return v;
    }
  };
  if (p.site && p.name) {
    const key = new URL(req.url).searchParams.get('key');
    return `${decode(p.site)}/${decode(p.name)}${key ? `/${key}` : ''}`;
  }
  for (const name of ['key', 'app', 'user', 'project']) if (p[name]) return decode(p[name]);
  return null;
}

async function record(req: AuditedRequest, s: Services, action: AuditAction, extra?: Record<string, unknown>) {
  const note = noteOf(req);
  note.done = true;
  const user = (req.session as Session | undefined)?.user;
  const actor = note.actor ?? { id: user?.id ?? null, email: user?.email ?? null };
  const detail = extra || note.detail ? { ...note.detail, ...extra } : undefined;
  await recordEvent(s, actor, clientOf(req), {
    action,
    projectId: note.projectId,
    target: note.target === undefined ? defaultTarget(req) : note.target,
    detail,
  });
}

/** A change route: records `action` once its handler has answered with success (2xx/3xx). */
export function audited<R extends AuditedRequest, A extends unknown[]>(
  action: AuditAction,
  handler: (req: R, s: Services, ...rest: A) => Promise<Response>,
) {
  return async (req: R, s: Services, ...rest: A): Promise<Response> => {
    noteOf(req);
    const res = await handler(req, s, ...rest);
    if (res.status < 400) await record(req, s, action);
    return res;
  };
}

/** A change route that records no event of its own (say why where it is used). */
export function notAudited<R extends AuditedRequest, A extends unknown[]>(
  handler: (req: R, s: Services, ...rest: A) => Promise<Response>,
) {
  return (req: R, s: Services, ...rest: A): Promise<Response> => {
    noteOf(req).done = true;
    return handler(req, s, ...rest);
  };
}

/** Records an event the route's wrapper cannot (a failed sign-in ends in an error, not a success). */
export const recordNow = (req: AuditedRequest, s: Services, action: AuditAction) => record(req, s, action);

/**
 * The router's `finally`: a successful change by a signed-in user through a route that declared no action is
 * recorded as `change.unlisted` with its method and route, so a route added without `audited` is still seen.
 */
export async function auditUnlisted(res: Response | undefined, req: AuditedRequest, s: Services) {
  if (!res || res.status >= 400 || req.method === 'GET' || req.method === 'HEAD') return;
  if (!(req.session as Session | undefined) || req.audit?.done) return;
  await record(req, s, 'change.unlisted', { method: req.method, route: req.route });
}
