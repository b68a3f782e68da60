// What a command runs with: the console URL, the output mode, and a lazily signed-in API client.
// Credentials come from ROS_EMAIL + ROS_PASSWORD (a session for this one command, never stored), else from
// the session `ros login` saved for this URL.
import { CliError } from './errors.mjs';
import { RosClient } from './http.mjs';
import { loadSession } from './session-store.mjs';

export class Context {
  /**
   * @param {{ url: string, json: boolean, env: NodeJS.ProcessEnv, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream }} o
   */
  constructor({ url, json, env, stdout, stderr }) {
    this.url = url;
    this.json = json;
    this.env = env;
    this.stdout = stdout;
    this.stderr = stderr;
    /** @type {Promise<RosClient> | null} */
    this.signedIn = null;
    /** A session this process opened from env credentials, to be closed when the command ends. */
    this.ephemeral = /** @type {RosClient | null} */ (null);
  }

  /** For endpoints that need no session (sites, login). */
  anonymous() {
    return new RosClient(this.url);
  }

  /** @returns {Promise<RosClient>} a client with a session; signs in on first use */
  client() {
    this.signedIn ??= this.#signIn();
    return this.signedIn;
  }

  async #signIn() {
    const { ROS_EMAIL: email, ROS_PASSWORD: password } = this.env;
    if (email && password) {
      const client = new RosClient(this.url);
      await client.login(email, password);
      this.ephemeral = client;
      return client;
    }
    const stored = loadSession(this.env, this.url);
    if (!stored) {
      throw new CliError(
        `Not signed in to ${this.url}: run \`ros login\` (or set ROS_EMAIL and ROS_PASSWORD)`,
        'unauthenticated',
      );
    }
    return new RosClient(this.url, {
      session: { cookie: stored.cookie, csrfToken: stored.csrfToken },
      // The only way a stored session stops working is expiry or a sign-out elsewhere: say what to do.
      onUnauthenticated: () => new CliError('Session expired: run `ros login`', 'unauthenticated'),
    });
  }

  /** Ends the one-command session opened from env credentials, so they do not pile up on the server. */
  async close() {
    if (this.ephemeral) await this.ephemeral.logout().catch(() => {});
  }

  /** @param {string} text */
  print(text) {
    this.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Notes that are not the command's data (so they stay out of --json stdout). @param {string} text */
  note(text) {
    this.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }
}
