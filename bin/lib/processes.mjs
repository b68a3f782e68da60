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
