import { Router, type IRequest } from 'itty-router';
import { timingSafeEqualStrings } from '../crypto/compare';
import type { KeyListRow } from '../db/keys';
import type { Services } from '../service/context';
import { ServiceError } from '../service/errors';
import { authorizeProject, authorizeSystem, type ProjectAction, type ProjectScope } from '../service/policy';
import * as apps from '../service/apps';
import * as audit from '../service/audit';
import * as buckets from '../service/buckets';
import * as cors from '../service/cors';
import * as objectTags from '../service/object-tags';
import * as tagging from '../service/tagging';
import * as keys from '../service/keys';
import * as members from '../service/members';
import * as objects from '../service/objects';
import * as projects from '../service/projects';
import * as sessions from '../service/sessions';
import * as settings from '../service/settings';
import { shareLink } from '../service/share-links';
import { signIn } from '../service/sign-in';
import * as users from '../service/users';
import { corsRules } from '../storage/cors';
import { quotedEtag } from '../storage/metadata';
import { audited, auditUnlisted, clientOf, noteOf, notAudited, recordNow, type AuditedRequest } from './audit';
import { bodyTooLarge, MAX_JSON_BODY, readBody } from './body';
import { ApiError, apiErrorOf } from './errors';
import { withSecurityHeaders } from './headers';
import * as present from './present';
import {
  checkCsrf,
  checkLoginRequest,
  clearedSessionCookie,
  csrfToken,
  endSession,
  readSession,
  sessionCookie,
  startSession,
} from './session';

/** The console's JSON API (docs/api.md). Handlers are thin: rules live in src/service. */
type ApiRequest = AuditedRequest;
type Args = [Services, URL, string | undefined];

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers },
  });
const noContent = (headers: Record<string, string> = {}) => new Response(null, { status: 204, headers });

function errorResponse(err: unknown): Response {
  const refusal = err instanceof ServiceError ? apiErrorOf(err) : err;
  if (refusal instanceof ApiError) {
    return json({ error: { code: refusal.code, message: refusal.message } }, refusal.status);
  }
  console.error('console API failure', err);
  return json({ error: { code: 'internal', message: 'Something went wrong on our side; please try again' } }, 500);
}

/** A path parameter, percent-decoded; a malformed escape (`%E0%A4%A`) is the caller's mistake, a 400. */
function param(req: IRequest, name: string): string {
  try {
    return decodeURIComponent(req.params[name]);
  } catch {
    throw new ApiError(400, 'invalid_input', `The path's ${name} is not well-formed (a bad percent-escape)`);
  }
}

/** A project route: authorizes the declared action once, then hands the handler the scope. */
function inProject(
  action: ProjectAction,
  handler: (req: ApiRequest, s: Services, scope: ProjectScope, via: URL) => Promise<Response>,
) {
  return async (req: ApiRequest, s: Services, via: URL) => {
    const scope = await authorizeProject(s.db, req.session.user, param(req, 'project'), action);
    noteOf(req).projectId = scope.project.id;
    return handler(req, s, scope, via);
  };
}

type Later = (p: Promise<unknown>) => void;

/**
 * A route on one bucket's objects: the project action, then the bucket opened under the own-key-at-site rule.
 * Clean-up the shared multipart service defers (staged parts) is awaited before the answer: the console has no
 * ExecutionContext here, and a browser can wait the few milliseconds.
 */
function inBucket(
  handler: (
    req: ApiRequest,
    s: Services,
    scope: ProjectScope,
    ob: objects.OpenBucket,
    via: URL,
    later: Later,
  ) => Promise<Response>,
) {
  return inProject('bucket:use', async (req, s, scope, via) => {
    const pending: Promise<unknown>[] = [];
    const ob = await objects.openBucket(s, scope, param(req, 'site'), param(req, 'name'));
    try {
      return await handler(req, s, scope, ob, via, (p) => pending.push(p));
    } finally {
      for (const result of await Promise.allSettled(pending)) {
        if (result.status === 'rejected') console.error('console clean-up failed', result.reason);
      }
    }
  });
}

const bodyLength = (req: IRequest) => {
  const header = req.headers.get('Content-Length');
  return header === null || !/^\d+$/.test(header) ? null : Number(header);
};

/** An object's bytes for download: always as an attachment, never rendered on the console's origin. */
function objectResponse(object: R2Object | R2ObjectBody, key: string): Response {
  const name = key.slice(key.lastIndexOf('/') + 1) || 'download';
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return new Response('body' in object ? object.body : null, {
    headers: {
      'Content-Type': object.httpMetadata?.contentType ?? 'application/octet-stream',
      'Content-Length': String(object.size),
      'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      ETag: quotedEtag(object),
      'Last-Modified': object.uploaded.toUTCString(),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
    },
    encodeBody: 'manual',
  });
}

/** A key as the audit log shows it: never its secret. */
const keyDetail = (k: KeyListRow) => ({
  site: k.site_id,
  name: k.name,
  owner: k.owner_app_id ? { app: k.owner_app_id } : { user: k.owner_user_id },
});

/** What a handler tells the audit log about its change (src/console/audit.ts). */
const note = (req: ApiRequest, target: string | null | undefined, detail?: Record<string, unknown>) => {
  const n = noteOf(req);
  if (target !== undefined) n.target = target;
  if (detail) n.detail = detail;
};

const router = Router<ApiRequest, Args>({ base: '/api', catch: errorResponse, finally: [auditUnlisted] });

router
  .get('/health', () => json({ ok: true }))
  .get('/sites', (_req, s, via) =>
    json({
      sites: s.sites.sites.map((site) => ({
        id: site.id,
        name: site.name,
        endpoint: s.sites.endpoint(site, via),
        hostnames: site.hostnames,
      })),
    }),
  )
  .post(
    '/bootstrap',
    audited('user.bootstrap', async (req, s, _via: URL, bootstrapToken: string | undefined) => {
      if (!bootstrapToken) throw new ApiError(404, 'not_found', 'Bootstrap is not enabled on this server');
      const sent = (req.headers.get('Authorization') ?? '').replace(/^Bearer\s+/i, '');
      if (!timingSafeEqualStrings(sent, bootstrapToken))
        throw new ApiError(401, 'unauthenticated', 'Wrong bootstrap token');
      const user = await users.bootstrapAdmin(s, await readBody(req));
      noteOf(req).actor = { id: user.id, email: user.email };
      note(req, user.email, { isAdmin: true });
      return json({ user: present.user(user) }, 201);
    }),
  )
  .post(
    '/auth/login',
    audited('auth.login', async (req, s, via: URL) => {
      checkLoginRequest(req as unknown as Request, via);
      const body = await readBody(req);
      const typed = typeof body.email === 'string' ? body.email.trim().toLowerCase() : null;
      noteOf(req).actor = { id: null, email: typed };
      note(req, typed);
      let outcome: Awaited<ReturnType<typeof signIn>>;
      try {
        outcome = await signIn(s, body, clientOf(req as unknown as Request).address);
      } catch (err) {
        if (err instanceof ServiceError && err.problem === 'invalid_credentials') {
          await recordNow(req, s, 'auth.login.failure');
        }
        throw err;
      }
      if ('retryAfterMs' in outcome) {
        const seconds = Math.ceil(outcome.retryAfterMs / 1000);
        const message = `Too many failed sign-ins; try again in ${seconds} second${seconds === 1 ? '' : 's'}`;
        return json({ error: { code: 'too_many_attempts', message, retryAfter: seconds } }, 429, {
          'Retry-After': String(seconds),
        });
      }
      const { user } = outcome;
      noteOf(req).actor = { id: user.id, email: user.email };
      const token = await startSession(s, user, req as unknown as Request);
      const csrf = await csrfToken(s, { token });
      return json({ user: present.user(user), csrfToken: csrf }, 200, { 'Set-Cookie': sessionCookie(token, via) });
    }),
  )
  // Everything below needs a session, and a CSRF token for changes.
  .all('*', async (req, s, via) => {
    const session = await readSession(s, req as unknown as Request, via);
    if (!session) throw new ApiError(401, 'unauthenticated', 'Please sign in');
    await checkCsrf(s, session, req as unknown as Request, via);
    req.session = session;
  })
  .post(
    '/auth/logout',
    audited('auth.logout', async (req, s, via: URL) => {
      await endSession(s, req.session);
      note(req, null);
      return noContent({ 'Set-Cookie': clearedSessionCookie(via) });
    }),
  )
  .get('/me', async (req, s) =>
    json({ user: present.user(req.session.user), csrfToken: await csrfToken(s, req.session) }),
  )

  // Accounts (docs/api.md, "Your account"): one's own password and sessions.
  .put(
    '/me/password',
    audited('auth.password-change', async (req, s) => {
      const ended = await users.changeOwnPassword(s, req.session.user, req.session.id, await readBody(req));
      note(req, req.session.user.email, { endedSessions: ended });
      return json({ endedSessions: ended });
    }),
  )
  .get('/sessions', async (req, s) =>
    json({
      sessions: (await sessions.listSessions(s, req.session.user)).map((r) => present.session(r, req.session.id)),
    }),
  )
  .delete(
    '/sessions/others',
    audited('session.revoke', async (req, s) => {
      const ended = await sessions.revokeOtherSessions(s, req.session.user, req.session.id);
      note(req, 'others', { endedSessions: ended });
      return json({ endedSessions: ended });
    }),
  )
  .delete(
    '/sessions/:session',
    audited('session.revoke', async (req, s, via: URL) => {
      const id = param(req, 'session');
      await sessions.revokeSession(s, req.session.user, id);
      note(req, id, { current: id === req.session.id });
      // Ending the session one is using is signing out.
      return noContent(id === req.session.id ? { 'Set-Cookie': clearedSessionCookie(via) } : {});
    }),
  )

  .get('/settings', async (_req, s) => json({ settings: await settings.getSettings(s) }))
  .put(
    '/settings',
    audited('settings.update', async (req, s) => {
      authorizeSystem(req.session.user, 'settings:manage');
      const changed = await settings.changeSettings(s, await readBody(req));
      note(req, null, { ...changed });
      return json({ settings: changed });
    }),
  )

  .get('/users', async (req, s) => {
    authorizeSystem(req.session.user, 'user:manage');
    return json({ users: (await users.listUsers(s)).map(present.user) });
  })
  .post(
    '/users',
    audited('user.create', async (req, s) => {
      authorizeSystem(req.session.user, 'user:manage');
      const user = await users.createUser(s, await readBody(req));
      note(req, user.email, { userId: user.id, isAdmin: user.is_admin === 1 });
      return json({ user: present.user(user) }, 201);
    }),
  )
  // The audit log of every project and of sign-ins, for system admins (docs/api.md, "Audit log").
  .get('/audit', async (req, s, via) => {
    authorizeSystem(req.session.user, 'user:manage');
    return json(present.auditPage(await audit.listAllEvents(s, via.searchParams)));
  })
  // :user is the user's id or email.
  .patch(
    '/users/:user',
    // Recorded as what it did: user.disable or user.enable.
    notAudited(async (req, s) => {
      authorizeSystem(req.session.user, 'user:manage');
      const body = await readBody(req);
      const user = await users.setUserDisabled(s, req.session.user, param(req, 'user'), body);
      note(req, user.email, { userId: user.id });
      await recordNow(req, s, user.disabled_at === null ? 'user.enable' : 'user.disable');
      return json({ user: present.user(user) });
    }),
  )
  .put(
    '/users/:user/password',
    audited('user.password-reset', async (req, s) => {
      authorizeSystem(req.session.user, 'user:manage');
      const user = await users.resetPassword(s, param(req, 'user'), await readBody(req));
      note(req, user.email, { userId: user.id });
      return json({ user: present.user(user) });
    }),
  )
  .delete(
    '/users/:user',
    audited('user.delete', async (req, s) => {
      authorizeSystem(req.session.user, 'user:manage');
      await users.deleteUser(s, req.session.user, param(req, 'user'));
      return noContent();
    }),
  )

  .get('/projects', async (req, s) =>
    json({ projects: (await projects.listProjects(s, req.session.user)).map(present.project) }),
  )
  .post(
    '/projects',
    audited('project.create', async (req, s) => {
      const project = await projects.createProject(s, req.session.user, await readBody(req));
      noteOf(req).projectId = project.id;
      note(req, project.name);
      return json({ project: present.project({ ...project, role: 'admin' }) }, 201);
    }),
  )
  .get(
    '/projects/:project',
    inProject('project:read', async (_req, _s, scope) =>
      json({ project: present.project({ ...scope.project, role: scope.role }) }),
    ),
  )
  .patch(
    '/projects/:project',
    audited(
      'project.rename',
      inProject('project:manage', async (req, s, scope) => {
        const project = await projects.renameProject(s, scope, await readBody(req));
        note(req, project.name, { from: scope.project.name });
        return json({ project: present.project({ ...project, role: scope.role }) });
      }),
    ),
  )
  .delete(
    '/projects/:project',
    audited(
      'project.delete',
      inProject('project:manage', async (req, s, scope) => {
        await projects.deleteProject(s, scope);
        note(req, scope.project.name);
        return noContent();
      }),
    ),
  )

  .put(
    '/projects/:project/public-access',
    audited(
      'project.public-access',
      inProject('project:manage', async (req, s, scope) => {
        const project = await projects.setPublicAccess(s, scope, await readBody(req));
        note(req, project.name, { blockPublicAccess: project.block_public_access === 1 });
        return json({ project: present.project({ ...project, role: scope.role }) });
      }),
    ),
  )
  .get(
    '/projects/:project/audit',
    inProject('project:manage', async (_req, s, scope, via) =>
      json(present.auditPage(await audit.listProjectEvents(s, scope, via.searchParams))),
    ),
  )
  .get(
    '/projects/:project/members',
    inProject('project:read', async (_req, s, scope) =>
      json({ members: (await members.listMembers(s, scope)).map(present.member) }),
    ),
  )
  .post(
    '/projects/:project/members',
    audited(
      'member.add',
      inProject('member:manage', async (req, s, scope) => {
        const member = await members.addMember(s, scope, await readBody(req));
        note(req, member.email, { userId: member.user_id, role: member.role });
        return json({ member: present.member(member) }, 201);
      }),
    ),
  )
  .patch(
    '/projects/:project/members/:user',
    audited(
      'member.role',
      inProject('member:manage', async (req, s, scope) => {
        const member = await members.changeRole(s, scope, param(req, 'user'), await readBody(req));
        note(req, member.email, { userId: member.user_id, role: member.role });
        return json({ member: present.member(member) });
      }),
    ),
  )
  .delete(
    '/projects/:project/members/:user',
    audited(
      'member.remove',
      inProject('member:manage', async (req, s, scope) => {
        await members.removeMember(s, scope, param(req, 'user'));
        return noContent();
      }),
    ),
  )

  .get(
    '/projects/:project/apps',
    inProject('project:read', async (_req, s, scope) =>
      json({ apps: (await apps.listApps(s, scope)).map(present.app) }),
    ),
  )
  .post(
    '/projects/:project/apps',
    audited(
      'app.create',
      inProject('app:manage', async (req, s, scope) => {
        const app = await apps.createApp(s, scope, await readBody(req));
        note(req, app.id, { name: app.name });
        return json({ app: present.app(app) }, 201);
      }),
    ),
  )
  .delete(
    '/projects/:project/apps/:app',
    audited(
      'app.delete',
      inProject('app:manage', async (req, s, scope) => {
        await apps.deleteApp(s, scope, param(req, 'app'));
        return noContent();
      }),
    ),
  )

  .get(
    '/projects/:project/keys',
    inProject('project:read', async (_req, s, scope, via) => {
      const { myKeys, appKeys, memberKeys } = await keys.listKeys(s, scope);
      const shown = (rows: KeyListRow[]) => rows.map((k) => present.key(k, s.sites, via, s.now()));
      return json({
        myKeys: shown(myKeys),
        appKeys: shown(appKeys),
        ...(memberKeys && { memberKeys: shown(memberKeys) }),
      });
    }),
  )
  .post(
    '/projects/:project/keys',
    audited(
      'key.create',
      inProject('key:own', async (req, s, scope, via) => {
        const { key, secretAccessKey } = await keys.createKey(s, scope, await readBody(req));
        note(req, key.id, keyDetail(key));
        return json({ key: present.key(key, s.sites, via, s.now()), secretAccessKey }, 201);
      }),
    ),
  )
  .patch(
    '/projects/:project/keys/:key',
    // Disabling and enabling are the changes a key allows (its limits are fixed): recorded as which it was.
    notAudited(
      inProject('key:own', async (req, s, scope, via) => {
        const key = await keys.setKeyStatus(s, scope, param(req, 'key'), await readBody(req));
        note(req, key.id, { ...keyDetail(key), status: key.status });
        await recordNow(req, s, key.status === 'active' ? 'key.enable' : 'key.disable');
        return json({ key: present.key(key, s.sites, via, s.now()) });
      }),
    ),
  )
  .delete(
    '/projects/:project/keys/:key',
    audited(
      'key.delete',
      inProject('key:own', async (req, s, scope) => {
        await keys.deleteKey(s, scope, param(req, 'key'));
        return noContent();
      }),
    ),
  )

  .get(
    '/projects/:project/buckets',
    inProject('bucket:use', async (_req, s, scope, via) => {
      const { buckets: rows, hiddenSites } = await buckets.listBuckets(s, scope);
      return json({
        buckets: rows.map((b) => present.bucket(b, s.sites, via)),
        hiddenSites: hiddenSites.map((site) => ({ id: site.id, name: site.name })),
      });
    }),
  )
  .post(
    '/projects/:project/buckets',
    audited(
      'bucket.create',
      inProject('bucket:use', async (req, s, scope, via) => {
        const bucket = await buckets.createBucket(s, scope, await readBody(req));
        note(req, `${bucket.site_id}/${bucket.name}`, { acl: bucket.acl });
        return json({ bucket: present.bucket(bucket, s.sites, via) }, 201);
      }),
    ),
  )
  .get(
    '/projects/:project/buckets/:site/:name',
    inProject('bucket:use', async (req, s, scope, via) =>
      json({
        bucket: present.bucket(await buckets.getBucket(s, scope, param(req, 'site'), param(req, 'name')), s.sites, via),
      }),
    ),
  )
  .put(
    '/projects/:project/buckets/:site/:name/acl',
    audited(
      'bucket.acl',
      inProject('bucket:use', async (req, s, scope, via) => {
        const b = await buckets.setBucketAcl(s, scope, param(req, 'site'), param(req, 'name'), await readBody(req));
        note(req, undefined, { acl: b.acl });
        return json({ bucket: present.bucket(b, s.sites, via) });
      }),
    ),
  )
  .put(
    '/projects/:project/buckets/:site/:name/public-access-block',
    audited(
      'bucket.public-access-block',
      inProject('bucket:use', async (req, s, scope, via) => {
        const body = await readBody(req);
        const b = await buckets.setPublicAccessBlock(s, scope, param(req, 'site'), param(req, 'name'), body);
        note(req, undefined, { publicAccessBlock: b.public_access_block ? JSON.parse(b.public_access_block) : null });
        return json({ bucket: present.bucket(b, s.sites, via) });
      }),
    ),
  )
  .delete(
    '/projects/:project/buckets/:site/:name/public-access-block',
    audited(
      'bucket.public-access-block',
      inProject('bucket:use', async (req, s, scope, via) => {
        const b = await buckets.setPublicAccessBlock(s, scope, param(req, 'site'), param(req, 'name'), null);
        note(req, undefined, { publicAccessBlock: null });
        return json({ bucket: present.bucket(b, s.sites, via) });
      }),
    ),
  )
  .delete(
    '/projects/:project/buckets/:site/:name',
    audited(
      'bucket.delete',
      inProject('bucket:use', async (req, s, scope) => {
        await buckets.deleteBucket(s, scope, param(req, 'site'), param(req, 'name'));
        return noContent();
      }),
    ),
  )

  // CORS rules (docs/api.md, "Bucket CORS"): the same rules and checks as S3's PutBucketCors.
  .get(
    '/projects/:project/buckets/:site/:name/cors',
    inBucket(async (_req, _s, _scope, ob) => json({ rules: corsRules(ob.bucket.cors) ?? [] })),
  )
  .put(
    '/projects/:project/buckets/:site/:name/cors',
    audited(
      'bucket.cors',
      inBucket(async (req, s, _scope, ob) => {
        const rules = cors.corsRulesFromBody(await readBody(req));
        await cors.setBucketCors(s, ob.bucket, rules);
        note(req, undefined, { rules: rules.length });
        return json({ rules });
      }),
    ),
  )
  .delete(
    '/projects/:project/buckets/:site/:name/cors',
    audited(
      'bucket.cors',
      inBucket(async (req, s, _scope, ob) => {
        await cors.setBucketCors(s, ob.bucket, null);
        note(req, undefined, { rules: 0 });
        return noContent();
      }),
    ),
  )

  // Bucket tags (docs/api.md, "Tags"): the same rules and checks as S3's PutBucketTagging.
  .get(
    '/projects/:project/buckets/:site/:name/tags',
    inBucket(async (_req, _s, _scope, ob) => json({ tags: tagging.bucketTags(ob.bucket) ?? [] })),
  )
  .put(
    '/projects/:project/buckets/:site/:name/tags',
    audited(
      'bucket.tags',
      inBucket(async (req, s, _scope, ob) => {
        const tags = tagging.tagsFromBody(await readBody(req), 'bucket');
        await tagging.setBucketTags(s, ob.bucket, tags);
        note(req, undefined, { tags: tags.length });
        return json({ tags });
      }),
    ),
  )
  .delete(
    '/projects/:project/buckets/:site/:name/tags',
    audited(
      'bucket.tags',
      inBucket(async (req, s, _scope, ob) => {
        await tagging.setBucketTags(s, ob.bucket, null);
        note(req, undefined, { tags: 0 });
        return noContent();
      }),
    ),
  )

  // Objects (docs/api.md, "Objects"): the console's view of a bucket; keys are passed as ?key=.
  .get(
    '/projects/:project/buckets/:site/:name/stats',
    inBucket(async (_req, s, _scope, ob) => json({ stats: await objects.bucketStats(s, ob) })),
  )
  .get(
    '/projects/:project/buckets/:site/:name/objects',
    inBucket(async (_req, s, _scope, ob, via) =>
      json(await objects.listObjects(s, ob, objects.listQuery(via.searchParams))),
    ),
  )
  .get(
    '/projects/:project/buckets/:site/:name/object',
    inBucket(async (_req, _s, _scope, ob, via) => {
      const key = via.searchParams.get('key') ?? '';
      return objectResponse(await objects.getObject(ob, key, true), key);
    }),
  )
  .head(
    '/projects/:project/buckets/:site/:name/object',
    inBucket(async (_req, _s, _scope, ob, via) => {
      const key = via.searchParams.get('key') ?? '';
      return objectResponse(await objects.getObject(ob, key, false), key);
    }),
  )
  .put(
    '/projects/:project/buckets/:site/:name/object',
    audited(
      'object.upload',
      inBucket(async (req, _s, _scope, ob, via) => {
        const q = via.searchParams;
        const object = await objects.putObject(
          ob,
          q.get('key') ?? '',
          req.body,
          bodyLength(req),
          req.headers.get('Content-Type'),
          q.get('overwrite') === 'true',
        );
        note(req, undefined, { size: object.size });
        return json({ object }, 201);
      }),
    ),
  )
  .put(
    '/projects/:project/buckets/:site/:name/object/acl',
    audited(
      'object.acl',
      inBucket(async (req, s, _scope, ob, via) => {
        const object = await objects.setObjectAcl(s, ob, via.searchParams.get('key') ?? '', await readBody(req));
        note(req, undefined, { acl: object.acl });
        return json({ object });
      }),
    ),
  )
  .get(
    '/projects/:project/buckets/:site/:name/object/tags',
    inBucket(async (_req, s, _scope, ob, via) =>
      json({ tags: await objectTags.getObjectTagsOf(s, ob, via.searchParams.get('key') ?? '') }),
    ),
  )
  .put(
    '/projects/:project/buckets/:site/:name/object/tags',
    audited(
      'object.tags',
      inBucket(async (req, s, _scope, ob, via) => {
        const tags = await objectTags.setObjectTagsOf(s, ob, via.searchParams.get('key') ?? '', await readBody(req));
        note(req, undefined, { tags: tags.length });
        return json({ tags });
      }),
    ),
  )
  .delete(
    '/projects/:project/buckets/:site/:name/object/tags',
    audited(
      'object.tags',
      inBucket(async (req, s, _scope, ob, via) => {
        await objectTags.setObjectTagsOf(s, ob, via.searchParams.get('key') ?? '', { tags: [] });
        note(req, undefined, { tags: 0 });
        return noContent();
      }),
    ),
  )
  .post(
    '/projects/:project/buckets/:site/:name/object/share',
    audited(
      'object.share',
      inBucket(async (req, s, scope, ob, via) => {
        const key = via.searchParams.get('key') ?? '';
        await objects.getObject(ob, key, false);
        const { expiresIn } = await readBody(req);
        const share = await shareLink(s, scope, ob, key, expiresIn, s.sites.endpoint(ob.site, via));
        // The link itself is a bearer credential: only when it expires goes in the log.
        note(req, undefined, { expiresAt: share.expiresAt });
        return json({ share }, 201);
      }),
    ),
  )
  .delete(
    '/projects/:project/buckets/:site/:name/object',
    audited(
      'object.delete',
      inBucket(async (_req, _s, _scope, ob, via) => {
        await objects.deleteObject(ob, via.searchParams.get('key') ?? '');
        return noContent();
      }),
    ),
  )
  // Starting an upload and sending its parts change nothing anyone sees: the completion is the recorded change.
  .post(
    '/projects/:project/buckets/:site/:name/uploads',
    notAudited(
      inBucket(async (req, s, _scope, ob) =>
        json({ upload: await objects.startMultipart(s, ob, await readBody(req)) }, 201),
      ),
    ),
  )
  .put(
    '/projects/:project/buckets/:site/:name/uploads/:upload/parts/:part',
    notAudited(
      inBucket(async (req, s, _scope, ob, via, later) =>
        json({
          part: await objects.uploadPart(
            s,
            ob,
            via.searchParams.get('key') ?? '',
            param(req, 'upload'),
            param(req, 'part'),
            req.body,
            bodyLength(req),
            later,
          ),
        }),
      ),
    ),
  )
  .post(
    '/projects/:project/buckets/:site/:name/uploads/:upload/complete',
    audited(
      'object.upload',
      inBucket(async (req, s, _scope, ob, via, later) => {
        const key = via.searchParams.get('key') ?? '';
        const object = await objects.completeMultipart(s, ob, key, param(req, 'upload'), await readBody(req), later);
        note(req, undefined, { size: object.size, multipart: true });
        return json({ object });
      }),
    ),
  )
  .delete(
    '/projects/:project/buckets/:site/:name/uploads/:upload',
    audited(
      'object.upload-abort',
      inBucket(async (req, s, _scope, ob, via) => {
        await objects.abortMultipart(s, ob, via.searchParams.get('key') ?? '', param(req, 'upload'));
        return noContent();
      }),
    ),
  )
  .post(
    '/projects/:project/buckets/:site/:name/empty-and-delete',
    audited(
      'bucket.empty-and-delete',
      inBucket(async (req, s, _scope, ob) => {
        const result = await objects.emptyAndDelete(s, ob, await readBody(req));
        note(req, undefined, { deleted: result.deleted });
        return json(result, result.deleted ? 200 : 202);
      }),
    ),
  )

  .all('*', () => {
    throw new ApiError(404, 'not_found', 'No such API endpoint');
  });

/** Routes whose body is an object's bytes, streamed to R2 under the object size rules instead of the JSON limit. */
const UPLOAD_ROUTE = /\/buckets\/[^/]+\/[^/]+\/(object|uploads\/[^/]+\/parts\/[^/]+)$/;

export async function handleApi(
  request: Request,
  s: Services,
  url: URL,
  bootstrapToken: string | undefined,
): Promise<Response> {
  // A body announced past the limit is refused before anything else runs (readBody also stops one sent chunked).
  const declared = Number(request.headers.get('Content-Length') ?? 0);
  if (declared > MAX_JSON_BODY && !(request.method === 'PUT' && UPLOAD_ROUTE.test(url.pathname))) {
    return withSecurityHeaders(errorResponse(bodyTooLarge()));
  }
  return withSecurityHeaders(await router.fetch(request as unknown as ApiRequest, s, url, bootstrapToken));
}
