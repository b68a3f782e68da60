// The command table. Command names and their --json shapes are a contract used by outside scripts:
// change them only together with those scripts. Each command is one API call or a short sequence of them.
import fs from 'node:fs';
import { corsRulesFromFile } from './cors-file.mjs';
import { CliError, usageError } from './errors.mjs';
import { apiPath, RosClient } from './http.mjs';
import { expiresAt, limitsText } from './key-limits.mjs';
import { json, table, when } from './output.mjs';
import { ask, askHidden } from './prompt.mjs';
import { loadSession, removeSession, saveSession, sessionsFile } from './session-store.mjs';

/** @typedef {import('./context.mjs').Context} Context */
/**
 * @typedef {{ type: 'string' | 'boolean', short?: string, value?: string, help: string, required?: boolean,
 *   multiple?: boolean }} OptionSpec
 * @typedef {{ name: string, help: string, optional?: boolean }} ArgSpec
 * @typedef {{
 *   summary: string,
 *   args?: ArgSpec[],
 *   options?: Record<string, OptionSpec>,
 *   run: (ctx: Context, opts: Record<string, any>, args: string[]) => Promise<void>,
 * }} Command
 */

/** @type {OptionSpec} */
const PROJECT = { type: 'string', value: 'PROJECT', help: 'project name or id', required: true };
/** @type {OptionSpec} */
const SITE = { type: 'string', value: 'SITE', help: 'site id or name (see `ros site list`)', required: true };
/** --tags, as `aws s3api put-object --tagging` takes them ("" removes every tag, hence not `required`). @type {OptionSpec} */
const TAGS = {
  type: 'string',
  value: 'TAGS',
  help: 'the tags, URL-query style: "team=ops&cost+center=42" (a key alone: an empty value; "": none)',
};
/** @type {OptionSpec} */
const BUCKET = { type: 'string', value: 'BUCKET', help: 'the bucket', required: true };
/** @type {OptionSpec} */
const KEY = { type: 'string', value: 'KEY', help: 'the object key', required: true };

/** @param {Context} ctx @param {unknown} data @param {string} human */
function done(ctx, data, human) {
  ctx.print(ctx.json ? json(data) : human);
}

/**
 * The API wants a site id; people may type the name they see in the console. Unknown values pass through
 * unchanged so the API reports them (unknown_site).
 * @param {Context} ctx @param {string} ref
 */
async function siteId(ctx, ref) {
  const { sites } = await ctx.anonymous().get('/sites');
  const lower = ref.toLowerCase();
  const site =
    sites.find((s) => s.id === ref) ??
    sites.find((s) => s.name.toLowerCase() === lower) ??
    sites.find((s) => s.hostnames?.includes(lower));
  return site ? site.id : ref;
}

/** The password policy in words (src/service/password-policy.ts says why). */
const PASSWORD_HELP = 'at least 12 characters; not a common password, not the email address';

/**
 * A user's id from their email: the API takes either, and people know emails.
 * @param {string} email
 */
const userPath = (email) => apiPath`/users/${email.trim()}`;

/** @param {any} u */
const userText = (u) => `${u.email}${u.disabled ? ' (disabled)' : ''}`;

/** @param {any} key */
const keyStatus = (key) => (key.status !== 'active' ? 'disabled' : key.expired ? 'expired' : 'active');

/** @param {Context} ctx @param {string} project @param {string} id @param {'active' | 'inactive'} status @param {string} human */
async function setKeyStatus(ctx, project, id, status, human) {
  const { key } = await (await ctx.client()).patch(apiPath`/projects/${project}/keys/${id}`, { status });
  done(ctx, key, `${human} ${limitsText(key)}`);
}

/** @param {any} key */
const ownerText = (key) => (key.owner?.type === 'app' ? `app ${key.owner.name}` : (key.owner?.name ?? 'you'));

/** @type {Record<string, Command>} */
export const commands = {
  login: {
    summary: 'sign in and save the session for this console URL',
    options: {
      email: { type: 'string', value: 'EMAIL', help: 'default: ROS_EMAIL, else asked on a terminal' },
      password: {
        type: 'string',
        value: 'PASSWORD',
        help: 'default: ROS_PASSWORD, else asked (not echoed) on a terminal',
      },
    },
    async run(ctx, opts) {
      const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY);
      let email = opts.email ?? ctx.env.ROS_EMAIL;
      let password = opts.password ?? ctx.env.ROS_PASSWORD;
      if ((!email || !password) && !interactive) {
        throw usageError('give --email and --password (or ROS_EMAIL and ROS_PASSWORD): there is no terminal to ask on');
      }
      if (!email) email = (await ask(`Email for ${ctx.url}: `)).trim();
      if (!password) password = await askHidden('Password: ');

      const previous = loadSession(ctx.env, ctx.url);
      const client = ctx.anonymous();
      const { user, session } = await client.login(email, password);
      saveSession(ctx.env, ctx.url, { ...session, email: user.email, savedAt: new Date().toISOString() });
      // The replaced session would otherwise live on, unused, until it expires.
      if (previous) await new RosClient(ctx.url, { session: previous }).logout().catch(() => {});

      done(
        ctx,
        { url: ctx.url, user },
        `Signed in to ${ctx.url} as ${user.email}${user.isAdmin ? ' (system admin)' : ''}.\nSession saved in ${sessionsFile(ctx.env)}.`,
      );
    },
  },

  logout: {
    summary: 'end the saved session for this console URL',
    async run(ctx) {
      const stored = loadSession(ctx.env, ctx.url);
      if (!stored) {
        done(ctx, { url: ctx.url, signedOut: false }, `Not signed in to ${ctx.url}.`);
        return;
      }
      let warning = null;
      try {
        await new RosClient(ctx.url, { session: stored }).logout();
      } catch (err) {
        // Expired already (401) is fine; anything else means the server may still hold the session.
        if (err.status !== 401)
          warning = `the server could not be told (${err.message}); the session was forgotten here anyway`;
      }
      removeSession(ctx.env, ctx.url);
      if (warning) ctx.note(`ros: warning: ${warning}`);
      done(ctx, { url: ctx.url, signedOut: true }, `Signed out of ${ctx.url}.`);
    },
  },

  whoami: {
    summary: 'show who the current credentials sign in as',
    async run(ctx) {
      const { user } = await (await ctx.client()).get('/me');
      done(
        ctx,
        user,
        `${user.email}${user.name ? ` (${user.name})` : ''}${user.isAdmin ? ', system admin' : ''} at ${ctx.url}`,
      );
    },
  },

  'site list': {
    summary: 'list the sites (storage locations) and their S3 endpoints',
    async run(ctx) {
      const { sites } = await ctx.anonymous().get('/sites');
      done(
        ctx,
        sites,
        table(sites, [
          { header: 'id', value: (s) => s.id },
          { header: 'name', value: (s) => s.name },
          { header: 'endpoint', value: (s) => s.endpoint },
        ]),
      );
    },
  },

  'user list': {
    summary: 'list all users (system admins)',
    async run(ctx) {
      const { users } = await (await ctx.client()).get('/users');
      done(
        ctx,
        users,
        table(users, [
          { header: 'email', value: (u) => u.email },
          { header: 'name', value: (u) => u.name },
          { header: 'admin', value: (u) => (u.isAdmin ? 'yes' : 'no') },
          { header: 'status', value: (u) => (u.disabled ? 'disabled' : 'active') },
          { header: 'created', value: (u) => when(u.createdAt) },
          { header: 'id', value: (u) => u.id },
        ]),
      );
    },
  },

  'user create': {
    summary: 'create a user (system admins)',
    options: {
      email: { type: 'string', value: 'EMAIL', help: 'their sign-in email', required: true },
      password: { type: 'string', value: 'PASSWORD', help: PASSWORD_HELP, required: true },
      name: { type: 'string', value: 'NAME', help: 'display name' },
      admin: { type: 'boolean', help: 'make them a system admin' },
    },
    async run(ctx, opts) {
      const body = { email: opts.email, password: opts.password, isAdmin: Boolean(opts.admin) };
      if (opts.name !== undefined) body.name = opts.name;
      const { user } = await (await ctx.client()).post('/users', body);
      done(ctx, user, `Created ${user.isAdmin ? 'system admin' : 'user'} ${user.email} (${user.id}).`);
    },
  },

  'user disable': {
    summary: "disable a user: their sessions end, their keys and their apps' keys stop working (system admins)",
    options: { email: { type: 'string', value: 'EMAIL', help: "the user's email", required: true } },
    async run(ctx, opts) {
      const { user } = await (await ctx.client()).patch(userPath(opts.email), { disabled: true });
      done(
        ctx,
        user,
        `Disabled ${user.email}: their sessions ended; their keys and their apps' keys stop within seconds.`,
      );
    },
  },

  'user enable': {
    summary: 'enable a disabled user again (system admins)',
    options: { email: { type: 'string', value: 'EMAIL', help: "the user's email", required: true } },
    async run(ctx, opts) {
      const { user } = await (await ctx.client()).patch(userPath(opts.email), { disabled: false });
      done(ctx, user, `Enabled ${user.email}: they can sign in, and their keys work again.`);
    },
  },

  'user delete': {
    summary: 'delete a user with their sessions, own keys and memberships; buckets stay (system admins)',
    options: { email: { type: 'string', value: 'EMAIL', help: "the user's email", required: true } },
    async run(ctx, opts) {
      await (await ctx.client()).delete(userPath(opts.email));
      done(
        ctx,
        { email: opts.email.trim(), deleted: true },
        `Deleted ${opts.email.trim()}, their sessions, keys and memberships. Their projects' buckets stay.`,
      );
    },
  },

  'user set-password': {
    summary: "set a user's password; their sessions end (system admins)",
    options: {
      email: { type: 'string', value: 'EMAIL', help: "the user's email", required: true },
      password: { type: 'string', value: 'PASSWORD', help: PASSWORD_HELP, required: true },
    },
    async run(ctx, opts) {
      const { user } = await (await ctx.client()).put(`${userPath(opts.email)}/password`, { password: opts.password });
      done(ctx, user, `Set a new password for ${userText(user)}; their sessions ended.`);
    },
  },

  password: {
    summary: 'change your own password; your other sessions end',
    options: {
      current: { type: 'string', value: 'OLD', help: 'your current password (else asked on a terminal)' },
      new: { type: 'string', value: 'NEW', help: `the new one: ${PASSWORD_HELP} (else asked on a terminal)` },
    },
    async run(ctx, opts) {
      const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY);
      let current = opts.current;
      let next = opts.new;
      if ((!current || !next) && !interactive) {
        throw usageError('give --current and --new: there is no terminal to ask on');
      }
      if (!current) current = await askHidden('Current password: ');
      if (!next) {
        next = await askHidden('New password: ');
        if ((await askHidden('New password again: ')) !== next) throw usageError('the two new passwords differ');
      }
      const { endedSessions } = await (await ctx.client()).put('/me/password', {
        currentPassword: current,
        newPassword: next,
      });
      done(
        ctx,
        { changed: true, endedSessions },
        `Password changed. ${endedSessions} other session(s) ended; this one stays signed in.`,
      );
    },
  },

  'session list': {
    summary: 'list your sessions (browsers and CLIs signed in as you)',
    async run(ctx) {
      const { sessions } = await (await ctx.client()).get('/sessions');
      done(
        ctx,
        sessions,
        table(sessions, [
          { header: 'id', value: (x) => `${x.id}${x.current ? ' *' : ''}` },
          { header: 'signed in', value: (x) => when(x.createdAt) },
          { header: 'last seen', value: (x) => when(x.lastSeenAt) },
          { header: 'address', value: (x) => x.address || '-' },
          { header: 'client', value: (x) => x.client || '-' },
        ]) + '\n* this session',
      );
    },
  },

  'session revoke': {
    summary: 'end one of your sessions by id, or with --others all but this one',
    args: [{ name: 'ID', help: 'the session (see `ros session list`)', optional: true }],
    options: { others: { type: 'boolean', help: 'end every session but this one' } },
    async run(ctx, opts, [id]) {
      if (Boolean(id) === Boolean(opts.others)) throw usageError('give a session ID or --others (not both)');
      const client = await ctx.client();
      if (opts.others) {
        const { endedSessions } = await client.delete('/sessions/others');
        done(ctx, { endedSessions }, `Ended ${endedSessions} other session(s); this one stays signed in.`);
        return;
      }
      const { sessions } = await client.get('/sessions');
      const current = sessions.find((/** @type {any} */ x) => x.current)?.id === id;
      await client.delete(apiPath`/sessions/${id}`);
      // Ending this very session is signing out: forget it here too.
      if (current) removeSession(ctx.env, ctx.url);
      done(
        ctx,
        { id, revoked: true, current },
        current ? `Ended session ${id}, this one: you are signed out.` : `Ended session ${id}.`,
      );
    },
  },

  'settings get': {
    summary: 'show the system settings (who may create projects)',
    async run(ctx) {
      const { settings } = await (await ctx.client()).get('/settings');
      done(ctx, settings, settingsText(settings));
    },
  },

  'settings set': {
    summary: 'change a system setting (system admins): `ros settings set self-service on|off`',
    args: [
      { name: 'SETTING', help: 'self-service: whether every user may create projects (off: only system admins)' },
      { name: 'VALUE', help: 'on or off' },
    ],
    async run(ctx, _opts, [setting, value]) {
      if (setting !== 'self-service') throw usageError(`unknown setting "${setting}"; settings are: self-service`);
      if (value !== 'on' && value !== 'off') throw usageError(`VALUE must be on or off, not "${value}"`);
      const { settings } = await (await ctx.client()).put('/settings', { selfServiceProjects: value === 'on' });
      done(ctx, settings, settingsText(settings));
    },
  },

  'project list': {
    summary: 'list your projects (system admins: all)',
    async run(ctx) {
      const { projects } = await (await ctx.client()).get('/projects');
      done(
        ctx,
        projects,
        table(projects, [
          { header: 'name', value: (p) => p.name },
          { header: 'id', value: (p) => p.id },
          { header: 'role', value: (p) => p.role },
          { header: 'created', value: (p) => when(p.createdAt) },
        ]),
      );
    },
  },

  'project create': {
    summary: 'create a project; you become its admin',
    args: [{ name: 'NAME', help: 'letters, digits, space, "-", "_", "." (quote it if it has spaces)' }],
    async run(ctx, _opts, [name]) {
      const { project } = await (await ctx.client()).post('/projects', { name });
      done(ctx, project, `Created project ${project.name} (${project.id}); you are its admin.`);
    },
  },

  'project rename': {
    summary: 'rename a project (project admins)',
    options: {
      project: PROJECT,
      to: { type: 'string', value: 'NEW', help: 'the new name', required: true },
    },
    async run(ctx, opts) {
      const { project } = await (await ctx.client()).patch(apiPath`/projects/${opts.project}`, { name: opts.to });
      done(ctx, project, `Renamed project ${opts.project} to ${project.name} (${project.id}).`);
    },
  },

  'project delete': {
    summary: 'delete a project with its keys, apps and memberships; it must hold no buckets (project admins)',
    args: [{ name: 'NAME', help: 'project name or id' }],
    async run(ctx, _opts, [name]) {
      await (await ctx.client()).delete(apiPath`/projects/${name}`);
      done(ctx, { project: name, deleted: true }, `Deleted project ${name} with its keys, apps and memberships.`);
    },
  },

  'member list': {
    summary: "list a project's members",
    options: { project: PROJECT },
    async run(ctx, opts) {
      const { members } = await (await ctx.client()).get(apiPath`/projects/${opts.project}/members`);
      done(
        ctx,
        members,
        table(members, [
          { header: 'email', value: (m) => m.email },
          { header: 'name', value: (m) => m.name },
          { header: 'role', value: (m) => m.role },
          { header: 'added', value: (m) => when(m.createdAt) },
          { header: 'user id', value: (m) => m.userId },
        ]),
      );
    },
  },

  'member add': {
    summary: 'add an existing user to a project (project admins)',
    options: {
      project: PROJECT,
      email: { type: 'string', value: 'EMAIL', help: "the user's email", required: true },
      role: { type: 'string', value: 'ROLE', help: 'admin or member (default: member)' },
    },
    async run(ctx, opts) {
      const role = opts.role ?? 'member';
      if (role !== 'admin' && role !== 'member') throw usageError(`--role must be admin or member, not "${role}"`);
      const { member } = await (await ctx.client()).post(apiPath`/projects/${opts.project}/members`, {
        email: opts.email,
        role,
      });
      done(ctx, member, `Added ${member.email} to ${opts.project} as ${member.role}.`);
    },
  },

  'member remove': {
    summary: 'remove a member from a project; their keys in it are deleted (project admins)',
    options: {
      project: PROJECT,
      email: { type: 'string', value: 'EMAIL', help: "the member's email", required: true },
    },
    async run(ctx, opts) {
      const client = await ctx.client();
      // The API addresses members by user id; people know them by email.
      const { members } = await client.get(apiPath`/projects/${opts.project}/members`);
      const member = members.find((m) => m.email.toLowerCase() === opts.email.trim().toLowerCase());
      if (!member) throw new CliError(`${opts.email} is not a member of ${opts.project}`, 'not_found');
      await client.delete(apiPath`/projects/${opts.project}/members/${member.userId}`);
      done(
        ctx,
        { userId: member.userId, email: member.email, removed: true },
        `Removed ${member.email} from ${opts.project}; their keys in it are deleted.`,
      );
    },
  },

  'audit list': {
    summary:
      "list a project's audit events, newest first (project admins; without --project, every event: system admins)",
    options: {
      project: { type: 'string', value: 'PROJECT', help: 'project name or id (omit for every project: system admins)' },
      actor: { type: 'string', value: 'EMAIL', help: 'only events by this person' },
      action: { type: 'string', value: 'ACTION', help: 'only this action (key.create), or a prefix (key.)' },
      limit: { type: 'string', value: 'N', help: 'at most N events (1-200, default 50)' },
      before: { type: 'string', value: 'CURSOR', help: 'the page after the one that printed this cursor' },
    },
    async run(ctx, opts) {
      const q = new URLSearchParams();
      for (const name of ['actor', 'action', 'limit', 'before']) if (opts[name] !== undefined) q.set(name, opts[name]);
      const path = opts.project === undefined ? '/audit' : apiPath`/projects/${opts.project}/audit`;
      const page = await (await ctx.client()).get(`${path}${q.size ? `?${q}` : ''}`);
      const more = page.nextCursor ? `\nMore events: add --before ${page.nextCursor}` : '';
      done(
        ctx,
        page,
        page.events.length
          ? table(page.events, [
              { header: 'when', value: (e) => when(e.at) },
              { header: 'actor', value: (e) => e.actor.email ?? '' },
              { header: 'action', value: (e) => e.action },
              { header: 'target', value: (e) => e.target ?? '' },
              { header: 'address', value: (e) => e.address ?? '' },
              { header: 'detail', value: (e) => (e.detail ? JSON.stringify(e.detail) : '') },
            ]) + more
          : 'No events.',
      );
    },
  },

  'app list': {
    summary: "list a project's apps (non-human members that hold keys)",
    options: { project: PROJECT },
    async run(ctx, opts) {
      const { apps } = await (await ctx.client()).get(apiPath`/projects/${opts.project}/apps`);
      done(
        ctx,
        apps,
        table(apps, [
          { header: 'name', value: (a) => a.name },
          { header: 'id', value: (a) => a.id },
          { header: 'created', value: (a) => when(a.createdAt) },
        ]),
      );
    },
  },

  'app create': {
    summary: 'create an app (project admins)',
    args: [{ name: 'NAME', help: 'lower-case letters, digits and "-"' }],
    options: { project: PROJECT },
    async run(ctx, opts, [name]) {
      const { app } = await (await ctx.client()).post(apiPath`/projects/${opts.project}/apps`, { name });
      done(ctx, app, `Created app ${app.name} (${app.id}) in ${opts.project}.`);
    },
  },

  'app delete': {
    summary: 'delete an app and all its keys (project admins)',
    args: [{ name: 'APP', help: 'app name or id' }],
    options: { project: PROJECT },
    async run(ctx, opts, [app]) {
      await (await ctx.client()).delete(apiPath`/projects/${opts.project}/apps/${app}`);
      done(ctx, { app, deleted: true }, `Deleted app ${app} and its keys from ${opts.project}.`);
    },
  },

  'key list': {
    summary: 'list your keys and the app keys in a project (never the secrets)',
    options: { project: PROJECT },
    async run(ctx, opts) {
      const { myKeys, appKeys } = await (await ctx.client()).get(apiPath`/projects/${opts.project}/keys`);
      // One array for --json: owner.type ("user" = yours, "app") tells the two groups apart.
      const keys = [...myKeys, ...appKeys];
      done(
        ctx,
        keys,
        table(keys, [
          { header: 'kind', value: (k) => (k.owner?.type === 'app' ? 'app key' : 'my key') },
          { header: 'access key id', value: (k) => k.accessKeyId },
          { header: 'name', value: (k) => k.name },
          { header: 'owner', value: ownerText },
          { header: 'site', value: (k) => k.site },
          { header: 'status', value: keyStatus },
          { header: 'limits', value: (k) => limitsText(k) },
          { header: 'created', value: (k) => when(k.createdAt) },
          { header: 'last used', value: (k) => when(k.lastUsedAt) ?? 'never' },
        ]),
      );
    },
  },

  'key create': {
    summary: 'create an access key for one site; the secret is shown only once',
    options: {
      project: PROJECT,
      site: SITE,
      name: { type: 'string', value: 'NAME', help: 'what the key is for', required: true },
      app: { type: 'string', value: 'APP', help: "make it this app's key instead of yours (project admins)" },
      'read-only': { type: 'boolean', help: 'only reads: GET, HEAD and listings (default: read-write)' },
      bucket: {
        type: 'string',
        value: 'NAME',
        multiple: true,
        help: "only this bucket of the project at the site (repeat for more; default: all the project's buckets)",
      },
      prefix: { type: 'string', value: 'P', help: 'only object keys starting with P, and listings inside it' },
      expires: { type: 'string', value: 'WHEN', help: 'stops working then: an ISO 8601 time or a duration (90d, 12h)' },
    },
    async run(ctx, opts) {
      /** @type {Record<string, unknown>} */
      const body = { site: await siteId(ctx, opts.site), name: opts.name };
      if (opts.app !== undefined) body.app = opts.app;
      // The limits are fixed now: no later command widens them (create another key instead).
      if (opts['read-only']) body.readOnly = true;
      if (opts.bucket?.length) body.buckets = opts.bucket;
      if (opts.prefix !== undefined) body.prefix = opts.prefix;
      if (opts.expires !== undefined) body.expiresAt = expiresAt(opts.expires);
      const { key, secretAccessKey } = await (await ctx.client()).post(apiPath`/projects/${opts.project}/keys`, body);
      done(
        ctx,
        { ...key, secretAccessKey },
        [
          `Created access key "${key.name}" (${ownerText(key)}) for ${key.siteName} (${key.site}).`,
          '',
          `  Access key ID:      ${key.accessKeyId}`,
          `  Secret access key:  ${secretAccessKey}`,
          `  Endpoint:           ${key.endpoint}`,
          `  Limits:             ${limitsText(key)}`,
          '',
          'The secret access key is shown only this once: store it now.',
        ].join('\n'),
      );
    },
  },

  'key disable': {
    summary: 'disable an access key without deleting it: S3 requests with it are refused within seconds',
    args: [{ name: 'ACCESS_KEY_ID', help: 'the key to disable' }],
    options: { project: PROJECT },
    async run(ctx, opts, [id]) {
      await setKeyStatus(ctx, opts.project, id, 'inactive', `Disabled access key ${id}.`);
    },
  },

  'key enable': {
    summary: 'enable a disabled access key again (its limits are unchanged)',
    args: [{ name: 'ACCESS_KEY_ID', help: 'the key to enable' }],
    options: { project: PROJECT },
    async run(ctx, opts, [id]) {
      await setKeyStatus(ctx, opts.project, id, 'active', `Enabled access key ${id}.`);
    },
  },

  'key delete': {
    summary: 'delete an access key (yours; project admins: any)',
    args: [{ name: 'ACCESS_KEY_ID', help: 'the key to delete' }],
    options: { project: PROJECT },
    async run(ctx, opts, [id]) {
      await (await ctx.client()).delete(apiPath`/projects/${opts.project}/keys/${id}`);
      done(ctx, { accessKeyId: id, deleted: true }, `Deleted access key ${id}.`);
    },
  },

  'bucket list': {
    summary: 'list buckets at the sites where you hold an active key of your own',
    options: { project: PROJECT },
    async run(ctx, opts) {
      const { buckets, hiddenSites } = await (await ctx.client()).get(apiPath`/projects/${opts.project}/buckets`);
      const hidden = hiddenSites.length
        ? [
            `Hidden: buckets at ${hiddenSites.map((s) => `${s.name} (${s.id})`).join(', ')}: you hold no active key of your own there.`,
            `To see them: ros key create --project ${shellWord(opts.project)} --site ${hiddenSites.length === 1 ? hiddenSites[0].id : 'SITE'} --name NAME`,
          ].join('\n')
        : '';
      if (ctx.json) {
        // --json stays a plain array of buckets; the hidden sites are a note for the person reading stderr.
        ctx.print(json(buckets));
        if (hidden) ctx.note(hidden);
        return;
      }
      const list = buckets.length
        ? table(buckets, [
            { header: 'name', value: (b) => b.name },
            { header: 'site', value: (b) => b.site },
            { header: 'endpoint', value: (b) => b.endpoint },
            { header: 'created', value: (b) => when(b.createdAt) },
          ])
        : 'No buckets.\n';
      ctx.print(hidden ? `${list}\n${hidden}` : list);
    },
  },

  'bucket create': {
    summary: 'create a bucket at a site (needs an active key of your own there)',
    args: [{ name: 'NAME', help: 'S3 bucket name, unique at the site' }],
    options: { project: PROJECT, site: SITE },
    async run(ctx, opts, [name]) {
      const site = await siteId(ctx, opts.site);
      const { bucket } = await (await ctx.client()).post(apiPath`/projects/${opts.project}/buckets`, { site, name });
      done(
        ctx,
        bucket,
        [
          `Created bucket ${bucket.name} at ${bucket.siteName} (${bucket.site}).`,
          `  Endpoint:  ${bucket.endpoint}`,
          `  URL:       ${bucket.urls?.pathStyle ?? '-'}`,
        ].join('\n'),
      );
    },
  },

  'bucket delete': {
    summary: 'delete an empty bucket',
    args: [{ name: 'NAME', help: 'the bucket' }],
    options: { project: PROJECT, site: SITE },
    async run(ctx, opts, [name]) {
      const site = await siteId(ctx, opts.site);
      await (await ctx.client()).delete(apiPath`/projects/${opts.project}/buckets/${site}/${name}`);
      done(ctx, { site, name, deleted: true }, `Deleted bucket ${name} at ${site}.`);
    },
  },

  'bucket cors get': {
    summary: "show a bucket's CORS rules: which web pages may use it from a browser",
    args: [{ name: 'NAME', help: 'the bucket' }],
    options: { project: PROJECT, site: SITE },
    async run(ctx, opts, [name]) {
      const site = await siteId(ctx, opts.site);
      const { rules } = await (await ctx.client()).get(apiPath`/projects/${opts.project}/buckets/${site}/${name}/cors`);
      done(ctx, rules, rules.length ? corsTable(rules) : `Bucket ${name} has no CORS rules.`);
    },
  },

  'bucket cors set': {
    summary: "replace a bucket's CORS rules with those in a file",
    args: [{ name: 'NAME', help: 'the bucket' }],
    options: {
      project: PROJECT,
      site: SITE,
      file: {
        type: 'string',
        value: 'FILE',
        help: 'the rules ("-": standard input) as the API\'s {"rules": [...]}, AWS\'s JSON ({"CORSRules": [...]}, as `aws s3api put-bucket-cors` takes it) or S3\'s CORSConfiguration XML',
        required: true,
      },
    },
    async run(ctx, opts, [name]) {
      let text;
      try {
        text = fs.readFileSync(opts.file === '-' ? 0 : opts.file, 'utf8');
      } catch (err) {
        throw usageError(`cannot read ${opts.file}: ${err.message}`);
      }
      const site = await siteId(ctx, opts.site);
      const { rules } = await (await ctx.client()).put(
        apiPath`/projects/${opts.project}/buckets/${site}/${name}/cors`,
        { rules: corsRulesFromFile(text, opts.file) },
      );
      done(ctx, rules, `Bucket ${name} at ${site} has ${rules.length} CORS rule(s) now:\n${corsTable(rules)}`);
    },
  },

  'bucket cors delete': {
    summary: "remove all of a bucket's CORS rules (browsers may then not use it from other pages)",
    args: [{ name: 'NAME', help: 'the bucket' }],
    options: { project: PROJECT, site: SITE },
    async run(ctx, opts, [name]) {
      const site = await siteId(ctx, opts.site);
      await (await ctx.client()).delete(apiPath`/projects/${opts.project}/buckets/${site}/${name}/cors`);
      done(ctx, { site, name, rules: [] }, `Removed the CORS rules of bucket ${name} at ${site}.`);
    },
  },

  'bucket tags get': {
    summary: "show a bucket's tags",
    args: [{ name: 'NAME', help: 'the bucket' }],
    options: { project: PROJECT, site: SITE },
    async run(ctx, opts, [name]) {
      const site = await siteId(ctx, opts.site);
      const { tags } = await (await ctx.client()).get(apiPath`/projects/${opts.project}/buckets/${site}/${name}/tags`);
      done(ctx, tags, tags.length ? tagTable(tags) : `Bucket ${name} has no tags.`);
    },
  },

  'bucket tags set': {
    summary: "replace a bucket's tags (at most 50)",
    args: [{ name: 'NAME', help: 'the bucket' }],
    options: { project: PROJECT, site: SITE, tags: TAGS },
    async run(ctx, opts, [name]) {
      const site = await siteId(ctx, opts.site);
      const { tags } = await (await ctx.client()).put(apiPath`/projects/${opts.project}/buckets/${site}/${name}/tags`, {
        tags: parseTags(opts.tags),
      });
      done(
        ctx,
        tags,
        `Bucket ${name} at ${site} has ${tags.length} tag(s) now${tags.length ? `:\n${tagTable(tags)}` : '.'}`,
      );
    },
  },

  'bucket tags delete': {
    summary: "remove all of a bucket's tags",
    args: [{ name: 'NAME', help: 'the bucket' }],
    options: { project: PROJECT, site: SITE },
    async run(ctx, opts, [name]) {
      const site = await siteId(ctx, opts.site);
      await (await ctx.client()).delete(apiPath`/projects/${opts.project}/buckets/${site}/${name}/tags`);
      done(ctx, [], `Removed the tags of bucket ${name} at ${site}.`);
    },
  },

  'bucket access': {
    summary: 'show who may reach a bucket; with --acl, set its canned ACL',
    args: [{ name: 'NAME', help: 'the bucket' }],
    options: {
      project: PROJECT,
      site: SITE,
      acl: {
        type: 'string',
        value: 'ACL',
        help: 'private, public-read, public-read-write or authenticated-read (any ROS key of any project)',
      },
    },
    async run(ctx, opts, [name]) {
      const site = await siteId(ctx, opts.site);
      const client = await ctx.client();
      const path = apiPath`/projects/${opts.project}/buckets/${site}/${name}`;
      const { bucket } = opts.acl ? await client.put(`${path}/acl`, { acl: opts.acl }) : await client.get(path);
      done(ctx, bucket.access, accessText(bucket));
    },
  },

  'bucket public-access-block': {
    summary: "set a bucket's Block Public Access switches (those not given are off); --remove clears them",
    args: [{ name: 'NAME', help: 'the bucket' }],
    options: {
      project: PROJECT,
      site: SITE,
      'block-public-acls': { type: 'boolean', help: 'refuse requests that would set a public ACL' },
      'ignore-public-acls': { type: 'boolean', help: 'public ACLs grant nothing' },
      'block-public-policy': { type: 'boolean', help: 'kept for S3 tools (ROS has no bucket policies)' },
      'restrict-public-buckets': { type: 'boolean', help: 'kept for S3 tools (ROS has no bucket policies)' },
      remove: { type: 'boolean', help: 'remove the switches' },
    },
    async run(ctx, opts, [name]) {
      const site = await siteId(ctx, opts.site);
      const path = apiPath`/projects/${opts.project}/buckets/${site}/${name}/public-access-block`;
      const client = await ctx.client();
      const { bucket } = opts.remove
        ? await client.delete(path)
        : await client.put(path, {
            blockPublicAcls: Boolean(opts['block-public-acls']),
            ignorePublicAcls: Boolean(opts['ignore-public-acls']),
            blockPublicPolicy: Boolean(opts['block-public-policy']),
            restrictPublicBuckets: Boolean(opts['restrict-public-buckets']),
          });
      done(ctx, bucket.access, accessText(bucket));
    },
  },

  'object acl': {
    summary: "set one object's canned ACL (its current version)",
    options: {
      project: PROJECT,
      site: SITE,
      bucket: { type: 'string', value: 'BUCKET', help: 'the bucket', required: true },
      key: { type: 'string', value: 'KEY', help: 'the object key', required: true },
      acl: {
        type: 'string',
        value: 'ACL',
        help: 'private, public-read, public-read-write or authenticated-read',
        required: true,
      },
    },
    async run(ctx, opts) {
      const site = await siteId(ctx, opts.site);
      const path = apiPath`/projects/${opts.project}/buckets/${site}/${opts.bucket}/object/acl`;
      const { object } = await (await ctx.client()).put(`${path}?key=${encodeURIComponent(opts.key)}`, {
        acl: opts.acl,
      });
      done(ctx, object, `${object.key}: ${object.acl}`);
    },
  },

  'object tags get': {
    summary: "show one object's tags",
    options: { project: PROJECT, site: SITE, bucket: BUCKET, key: KEY },
    async run(ctx, opts) {
      const { tags } = await (await ctx.client()).get(await objectTagsPath(ctx, opts));
      done(ctx, tags, tags.length ? tagTable(tags) : `${opts.key} has no tags.`);
    },
  },

  'object tags set': {
    summary: "replace one object's tags (at most 10; its current version)",
    options: { project: PROJECT, site: SITE, bucket: BUCKET, key: KEY, tags: TAGS },
    async run(ctx, opts) {
      const path = await objectTagsPath(ctx, opts);
      const { tags } = await (await ctx.client()).put(path, { tags: parseTags(opts.tags) });
      done(ctx, tags, `${opts.key} has ${tags.length} tag(s) now${tags.length ? `:\n${tagTable(tags)}` : '.'}`);
    },
  },

  'object tags delete': {
    summary: "remove all of one object's tags",
    options: { project: PROJECT, site: SITE, bucket: BUCKET, key: KEY },
    async run(ctx, opts) {
      await (await ctx.client()).delete(await objectTagsPath(ctx, opts));
      done(ctx, [], `Removed the tags of ${opts.key}.`);
    },
  },

  'object share': {
    summary: 'a share link for one object: a presigned GET URL signed with your own key (at most 7 days)',
    options: {
      project: PROJECT,
      site: SITE,
      bucket: { type: 'string', value: 'BUCKET', help: 'the bucket', required: true },
      key: { type: 'string', value: 'KEY', help: 'the object key', required: true },
      expires: { type: 'string', value: 'WHEN', help: 'how long it works: 90m, 12h, 7d or seconds (default 1h)' },
    },
    async run(ctx, opts) {
      const site = await siteId(ctx, opts.site);
      const path = apiPath`/projects/${opts.project}/buckets/${site}/${opts.bucket}/object/share`;
      const { share } = await (await ctx.client()).post(`${path}?key=${encodeURIComponent(opts.key)}`, {
        expiresIn: seconds(opts.expires ?? '1h'),
      });
      done(ctx, share, `${share.url}\n  Works until ${share.expiresAt} (signed with ${share.accessKeyId}).`);
    },
  },

  'project public-access': {
    summary: 'forbid (--block) or allow (--allow) public access to every bucket of a project (project admins)',
    options: {
      project: PROJECT,
      block: { type: 'boolean', help: 'no bucket of the project can be public' },
      allow: { type: 'boolean', help: 'buckets may be made public again' },
    },
    async run(ctx, opts) {
      if (Boolean(opts.block) === Boolean(opts.allow)) throw usageError('say --block or --allow');
      const { project } = await (await ctx.client()).put(apiPath`/projects/${opts.project}/public-access`, {
        blockPublicAccess: Boolean(opts.block),
      });
      done(
        ctx,
        project,
        project.blockPublicAccess
          ? `Public access is forbidden in ${project.name}.`
          : `Buckets of ${project.name} may be made public.`,
      );
    },
  },
};

/** A bucket's access in words, as the console's badge says it. @param {any} bucket */
function accessText({ name, access }) {
  const e = access.effective;
  const state = e.anyoneCanWrite
    ? 'public: anyone can read and write'
    : e.anyoneCanRead
      ? 'public: anyone can read'
      : e.anyKeyCanRead
        ? 'any ROS access key can read'
        : 'private';
  const flags = access.publicAccessBlock
    ? Object.entries(access.publicAccessBlock)
        .filter(([, on]) => on)
        .map(([flag]) => flag)
        .join(', ') || 'none'
    : 'not set';
  return [
    `${name}: ${state}`,
    `  ACL:                  ${access.acl}`,
    `  Block Public Access:  ${flags}`,
    access.projectBlocksPublicAccess ? "  The project's admins forbid public access." : null,
  ]
    .filter(Boolean)
    .join('\n');
}

/** A lifetime as seconds: "90m", "12h", "7d", or a number of seconds. @param {string} text */
function seconds(text) {
  const m = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!m) throw usageError(`--expires: "${text}" is not a duration such as 90m, 12h or 7d`);
  return Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2]];
}

/** @param {{ selfServiceProjects: boolean }} settings */
function settingsText(settings) {
  return `self-service  ${settings.selfServiceProjects ? 'on: every user may create projects' : 'off: only system admins create projects'}`;
}

/** Quotes a value for a copy-pasteable hint if the shell would split it. @param {string} s */
function shellWord(s) {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** "k1=v1&k2=v2" as the API's [{key, value}]; the server checks the tags themselves. @param {string | undefined} text */
function parseTags(text) {
  if (text === undefined) throw usageError('--tags is needed: "k1=v1&k2=v2", or "" to remove every tag');
  return [...new URLSearchParams(text)].map(([key, value]) => ({ key, value }));
}

/** @param {Context} ctx @param {Record<string, any>} opts */
async function objectTagsPath(ctx, opts) {
  const site = await siteId(ctx, opts.site);
  const path = apiPath`/projects/${opts.project}/buckets/${site}/${opts.bucket}/object/tags`;
  return `${path}?key=${encodeURIComponent(opts.key)}`;
}

/** Tags as a two-column table. @param {{ key: string, value: string }[]} tags */
function tagTable(tags) {
  return table(tags, [
    { header: 'key', value: (t) => t.key },
    { header: 'value', value: (t) => t.value },
  ]);
}

/** CORS rules as a table, one rule a row, lists joined by commas. @param {any[]} rules */
function corsTable(rules) {
  /** @param {string[]} list */
  const list = (list) => list.join(', ');
  return table(rules, [
    { header: 'id', value: (r) => r.id },
    { header: 'origins', value: (r) => list(r.allowedOrigins) },
    { header: 'methods', value: (r) => list(r.allowedMethods) },
    { header: 'headers', value: (r) => list(r.allowedHeaders) },
    { header: 'exposed', value: (r) => list(r.exposeHeaders) },
    { header: 'max age', value: (r) => r.maxAgeSeconds },
  ]);
}
