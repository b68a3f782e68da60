// The workerd processes under a wrangler dev: for tests and the benchmark that watch their memory. Linux /proc.
import fs from 'node:fs';

/** Parent pid of every process, read once from /proc. */
function parentMap() {
  const parents = new Map();
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      parents.set(Number(pid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  return parents;
}

/**
 * The workerd processes descending from `root` (wrangler dev runs two: its dev proxy, and the user workerd that
 * miniflare starts with an ephemeral entry socket, `entry=127.0.0.1:0`), with their command lines.
 * @returns {{ pid: number, cmdline: string }[]}
 */
export function workerdDescendants(root) {
  const parents = parentMap();
  const descends = (pid) => {
    for (let p = pid, i = 0; p > 1 && i < 50; p = parents.get(p) ?? 0, i++) if (p === root) return true;
    return false;
  };
  const found = [];
  for (const pid of parents.keys()) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (descends(pid) && cmdline.includes('workerd')) found.push({ pid, cmdline });
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

/**
 * The user workerds under a wrangler dev: miniflare starts them with an ephemeral entry socket
 * (`entry=127.0.0.1:0`); wrangler's dev proxy is the one bound to the public port.
 * @returns {number[]}
 */
export function userWorkerdPids(root) {
  return workerdDescendants(root)
    .filter((w) => w.cmdline.includes('entry=127.0.0.1:0'))
    .map((w) => w.pid);
}

/**
 * TCP ports of `pid`'s sockets (its socket inodes matched against /proc/net/tcp): the local ports it listens on,
 * or, with `connected`, the remote ports of its established connections. `pid` may be 'self'.
 * @param {number | 'self'} pid @returns {number[]}
 */
export function socketPorts(pid, { connected = false } = {}) {
  const inodes = new Set();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (link.startsWith('socket:[')) inodes.add(link.slice(8, -1));
    } catch {
      // closed meanwhile
    }
  }
  // /proc/net/tcp: sl, local_address, rem_address, st (0A listening, 01 established), ..., inode (10th field)
  const [state, address] = connected ? ['01', 2] : ['0A', 1];
  return fs
    .readFileSync(`/proc/${pid}/net/tcp`, 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[3] === state && inodes.has(f[9]))
    .map((f) => parseInt(f[address].split(':')[1], 16));
}

/** TCP ports `pid` listens on. */
export const listeningPorts = (pid) => socketPorts(pid);

/**
 * Finds the user workerd of a wrangler dev and the entry socket on which it answers `probe` (port => Promise of
 * a boolean), waiting up to `timeoutMs` for it to appear. wrangler starts a new one, on a new port, whenever a
 * watched source file changes.
 * @returns {Promise<{ pid: number, port: number }>}
 */
export async function locateUserWorkerd(wranglerPid, probe, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const pid of userWorkerdPids(wranglerPid)) {
      let ports = [];
      try {
        ports = listeningPorts(pid);
      } catch {
        continue; // exited meanwhile
      }
      for (const port of ports) {
        if (await probe(port).catch(() => false)) return { pid, port };
      }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no user workerd under pid ${wranglerPid} answered the probe`);
}
