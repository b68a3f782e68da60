// Sizes and times as people read them.
import { h } from './dom.js';

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** @param {number} n */
export function bytes(n) {
  if (n < 1024) return `${n.toLocaleString()} ${n === 1 ? 'byte' : 'bytes'}`;
  let v = n;
  let u = -1;
  do {
    v /= 1024;
    u++;
  } while (v >= 1024 && u < UNITS.length - 1);
  return `${v.toLocaleString(undefined, { maximumFractionDigits: v < 10 ? 1 : 0 })} ${UNITS[u]}`;
}

/**
 * A moment in the reader's locale (the exact instant as its tooltip), or `never` when there is none.
 * @param {string | null} iso @param {string} [never]
 */
export function when(iso, never = 'Never') {
  if (!iso) return h('span', { class: 'muted' }, never);
  const d = new Date(iso);
  return h(
    'time',
    { datetime: iso, title: d.toISOString() },
    d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
  );
}
