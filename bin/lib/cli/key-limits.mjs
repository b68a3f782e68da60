// A key's limits (docs/api.md, "Access keys") for `ros key create` and `ros key list`: --expires read as a time
// or a duration, and the limits as one plain line, worded as the console words them.
import { usageError } from './errors.mjs';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400, w: 7 * 86400 };

/**
 * --expires WHEN: an ISO 8601 time (passed on; the API checks it) or a duration from now such as 90d, 12h, 30m,
 * 2w, 45s, as an ISO time.
 * @param {string} when @param {number} now epoch ms
 */
export function expiresAt(when, now = Date.now()) {
  const duration = /^(\d+)([smhdw])$/.exec(when.trim());
  if (duration) {
    const seconds = Number(duration[1]) * UNIT_SECONDS[/** @type {keyof UNIT_SECONDS} */ (duration[2])];
    if (seconds < 1) throw usageError('--expires must be in the future', 'e.g. --expires 90d');
    return new Date(now + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(when)) return when;
  throw usageError(
    `--expires ${when}: not a time or a duration`,
    'Give an ISO 8601 time (2030-01-31T12:00:00Z) or a duration such as 90d, 12h, 30m.',
  );
}

/**
 * "Read-only · bucket example-bucket · docs/ · expires in 29 days"; an unlimited key is "Read-write · all buckets".
 * @param {{ readOnly?: boolean, buckets?: string[] | null, prefix?: string | null, expiresAt?: string | null,
 *   expired?: boolean }} key @param {number} now epoch ms
 */
export function limitsText(key, now = Date.now()) {
  const parts = [key.readOnly ? 'Read-only' : 'Read-write'];
  const buckets = key.buckets ?? null;
  parts.push(buckets === null ? 'all buckets' : `${buckets.length === 1 ? 'bucket' : 'buckets'} ${buckets.join(', ')}`);
  if (key.prefix) parts.push(key.prefix);
  if (key.expiresAt) parts.push(expiryText(Date.parse(key.expiresAt), now));
  return parts.join(' · ');
}

/** @param {number} at @param {number} now */
export function expiryText(at, now) {
  const seconds = Math.round((at - now) / 1000);
  if (seconds <= 0) return `expired ${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const [n, unit] =
    seconds < 3600
      ? [Math.max(1, Math.round(seconds / 60)), 'minute']
      : seconds < 2 * 86400
        ? [Math.round(seconds / 3600), 'hour']
        : [Math.round(seconds / 86400), 'day'];
  return `expires in ${n} ${unit}${n === 1 ? '' : 's'}`;
}
