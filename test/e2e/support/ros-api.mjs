// Helpers for end-to-end tests: start a fresh ROS server (as `npm start` does), drive its console JSON API
// (docs/api.md) to create users, projects, keys and buckets, and give stock S3 clients what they need.
import { execFile, execFileSync } from 'node:child_process';
import dns from 'node:dns';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiPath, RosClient } from '../../../bin/lib/cli/http.mjs';
import { freePort, startRos } from '../../../bin/lib/local-server.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The `ros` CLI's API client (session cookie, CSRF token, errors) with the calls the tests set the scene with.
 * A refusal rejects with the CLI's ApiError: the API's error `code` and the HTTP `status`.
 */
export class ConsoleClient extends RosClient {
  /**
   * A client signed in as `email`, the way `ros login` signs in.
   * @param {string} consoleUrl @param {string} email @param {string} password
   */
  static async login(consoleUrl, email, password) {
    const client = new ConsoleClient(consoleUrl);
    await client.login(email, password);
    return client;
  }

  /**
   * Any API call, for what the helpers below do not cover; answers the JSON (null for 204).
   * @param {string} method @param {string} path under /api, e.g. "/users" @param {unknown} [body]
   */
  async api(method, path, body) {
    return (await this.request(method, path, body)).data;
  }

  /** @param {{ email: string, password: string, name?: string, isAdmin?: boolean }} user */
  createUser(user) {
    return this.post('/users', user);
  }

  /** @param {string} name */
  async createProject(name) {
    return (await this.post('/projects', { name })).project;
  }

  /** @param {string} project @param {string} email @param {'admin' | 'member'} [role] */
  addMember(project, email, role = 'member') {
    return this.post(apiPath`/projects/${project}/members`, { email, role });
  }

  /**
   * An own access key at `site`.
   * @param {string} project @param {string} site @param {string} [name]
   * @returns {Promise<{ accessKeyId: string, secretAccessKey: string, site: string, endpoint: string }>}
   */
  async createKey(project, site, name = `key-${site}`) {
    const { key, secretAccessKey } = await this.post(apiPath`/projects/${project}/keys`, { site, name });
    return { accessKeyId: key.accessKeyId, secretAccessKey, site: key.site, endpoint: key.endpoint };
  }

  /** @param {string} project @param {string} site @param {string} name */
  async createBucket(project, site, name) {
    return (await this.post(apiPath`/projects/${project}/buckets`, { site, name })).bucket;
  }
}

/**
 * The world every S3 end-to-end test file starts from, built through the console API:
 * - project `main` (owned by the first admin) with a key at thailand-1 (`keys.main`) and one at finland-1
 *   (`keys.mainFinland`);
 * - project `other`, owned by a second user, with its own key at thailand-1 (`keys.other`).
 * @param {Awaited<ReturnType<typeof startRos>>} ros
 */
export async function setupTenants(ros, { mainProject = 'e2e-main', otherProject = 'e2e-other' } = {}) {
  const admin = await ConsoleClient.login(ros.consoleUrl, ros.admin.email, ros.admin.password);
  const main = await admin.createProject(mainProject);
  const site = (id) => {
    const found = ros.sites.find((s) => s.id === id);
    if (!found) throw new Error(`no site ${id} in ${JSON.stringify(ros.sites)}`);
    return found;
  };
  const thailand = site('thailand-1');
  const finland = site('finland-1');

  const otherUser = { email: 'other@example.com', password: 'other-password-123', name: 'Other Owner' };
  await admin.createUser(otherUser);
  const other = await ConsoleClient.login(ros.consoleUrl, otherUser.email, otherUser.password);
  const otherProj = await other.createProject(otherProject);

  const keys = {
    main: await admin.createKey(main.id, thailand.id, 'main-thailand'),
    mainFinland: await admin.createKey(main.id, finland.id, 'main-finland'),
    other: await other.createKey(otherProj.id, thailand.id, 'other-thailand'),
  };
  return { admin, other, projects: { main, other: otherProj }, keys, thailand, finland };
}

/**
 * Starts a server on a fresh state dir and port, for one test file. `stop()` also removes the state dir.
 * @returns {Promise<Awaited<ReturnType<typeof startRos>> & { stateDir: string, port: number, stopAll: () => Promise<void> }>}
 */
export async function startFreshRos() {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ros-e2e-s3-'));
  const port = await freePort();
  let ros;
  try {
    ros = await startRos({ port, stateDir, quiet: true });
  } catch (err) {
    fs.rmSync(stateDir, { recursive: true, force: true });
    throw err;
  }
  return {
    ...ros,
    stateDir,
    port,
    async stopAll() {
      await ros.stop();
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/**
 * A `dns.lookup` replacement that answers 127.0.0.1 for `localhost` and every `*.localhost` name (RFC 6761; this
 * machine's resolver does not) and defers to the system for the rest. The server routes on the Host header, so
 * `bucket.thailand-1.localhost:<port>` reaches wrangler dev's 127.0.0.1 listener and still names the bucket.
 */
export function localhostLookup(hostname, options, callback) {
  if (typeof options === 'function') {
    callback = options;
    options = {};
  }
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) {
    if (options?.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
    return;
  }
  dns.lookup(hostname, options, callback);
}

/** A temp dir for one CLI process's HOME and AWS config files, so nothing of the developer's leaks in. */
export function cleanAwsHome() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ros-e2e-aws-home-'));
  const config = path.join(home, '.aws', 'config');
  const credentials = path.join(home, '.aws', 'credentials');
  fs.mkdirSync(path.dirname(config));
  fs.writeFileSync(config, '');
  fs.writeFileSync(credentials, '');
  return { home, config, credentials, remove: () => fs.rmSync(home, { recursive: true, force: true }) };
}

/**
 * The environment for an AWS client process: the inherited one minus every AWS_* variable, plus a clean home
 * and config files, the given credentials (none when `key` is null) and (unless `region: null`) a region.
 */
export function awsEnv(home, key, { region = 'us-east-1', extra = {} } = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('AWS_') && !k.startsWith('BOTO_')) env[k] = v;
  }
  // CA bundles are harmless for http endpoints; keep them so nothing differs from a normal shell.
  if (process.env.AWS_CA_BUNDLE) env.AWS_CA_BUNDLE = process.env.AWS_CA_BUNDLE;
  Object.assign(env, {
    HOME: home.home,
    AWS_CONFIG_FILE: home.config,
    AWS_SHARED_CREDENTIALS_FILE: home.credentials,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    PYTHONIOENCODING: 'utf-8',
    ...extra,
  });
  if (key) {
    env.AWS_ACCESS_KEY_ID = key.accessKeyId;
    env.AWS_SECRET_ACCESS_KEY = key.secretAccessKey;
  }
  if (region) env.AWS_DEFAULT_REGION = region;
  return env;
}

/**
 * Runs a program; never rejects, so failures can be asserted on with their output.
 * @param {string} file @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, cwd?: string, timeout?: number, input?: string | Buffer }} [options]
 * @returns {Promise<{ code: number, stdout: string, stderr: string, cmd: string }>}
 */
export function run(file, args, { env, cwd = ROOT, timeout = 60_000, input } = {}) {
  return new Promise((resolve) => {
    const child = execFile(file, args, { env, cwd, timeout, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      resolve({
        code: err ? (typeof err.code === 'number' ? err.code : -1) : 0,
        stdout,
        stderr,
        cmd: [file, ...args].map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(' '),
      }),
    );
    if (input !== undefined) child.stdin.end(input);
  });
}

/** A message for a failed run: the command, exit code and both outputs. */
export const describeRun = (r) => `${r.cmd}\nexit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

/**
 * A minimal fetch for URLs whose host is `*.localhost` (which Node's fetch cannot resolve here): node:http with
 * `localhostLookup`, the Host header left as the URL names it.
 * @param {string | URL} url
 * @param {{ method?: string, headers?: http.OutgoingHttpHeaders, body?: string | Uint8Array }} [init]
 * @returns {Promise<{ status: number, headers: http.IncomingHttpHeaders, body: Buffer }>}
 */
export function localFetch(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, lookup: localhostLookup }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * The real path of a program on PATH. Under pyenv, `aws` and `python3` are shell shims that add ~0.2 s to every
 * run (pyenv re-resolves the version each time); the tests run dozens of them, so they call the target directly.
 */
export function resolveProgram(name) {
  try {
    return (
      execFileSync('pyenv', ['which', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || name
    );
  } catch {
    return name;
  }
}
