// Sessions saved by `ros login`, one per console URL, in $XDG_CONFIG_HOME/ros/sessions.json (else
// ~/.config/ros/sessions.json). The file holds live session cookies, so it is private to the user (0600).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliError } from './errors.mjs';

/**
 * @typedef {{ cookie: string, csrfToken: string, email: string, savedAt: string }} StoredSession
 */

/** @param {NodeJS.ProcessEnv} env */
export function sessionsFile(env) {
  // The XDG spec says to ignore a relative XDG_CONFIG_HOME.
  const base =
    env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME)
      ? env.XDG_CONFIG_HOME
      : path.join(os.homedir(), '.config');
  return path.join(base, 'ros', 'sessions.json');
}

/** @param {NodeJS.ProcessEnv} env @returns {Record<string, StoredSession>} */
function readAll(env) {
  const file = sessionsFile(env);
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (err.code === 'ENOENT') return {};
    throw new CliError(`Cannot read ${file}: ${err.message}`, 'config');
  }
  try {
    const all = JSON.parse(text);
    if (all && typeof all === 'object' && !Array.isArray(all)) return all;
  } catch {
    // fall through
  }
  throw new CliError(`${file} is not a JSON object; delete it and run \`ros login\``, 'config');
}

/** Writes via a temporary file and a rename, so a crash never leaves half a file (and other URLs' sessions) behind. */
function writeAll(env, all) {
  const file = sessionsFile(env);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600); // the mode above is filtered by the umask
  fs.renameSync(tmp, file);
}

/** @param {NodeJS.ProcessEnv} env @param {string} url @returns {StoredSession | null} */
export function loadSession(env, url) {
  const s = readAll(env)[url];
  return s && typeof s.cookie === 'string' && typeof s.csrfToken === 'string' ? s : null;
}

/** @param {NodeJS.ProcessEnv} env @param {string} url @param {StoredSession} session */
export function saveSession(env, url, session) {
  writeAll(env, { ...readAll(env), [url]: session });
}

/** @param {NodeJS.ProcessEnv} env @param {string} url @returns {boolean} whether there was one */
export function removeSession(env, url) {
  const all = readAll(env);
  if (!(url in all)) return false;
  delete all[url];
  writeAll(env, all);
  return true;
}
