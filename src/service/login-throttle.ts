import {
  clearThrottle,
  countFailure,
  findThrottleRows,
  markTrusted,
  setBlockedUntil,
  type ThrottleKey,
  type ThrottleScope,
} from '../db/login-throttle';
import type { Services } from './context';

/**
 * Sign-in throttling (docs/api.md, "Sign-in throttling"). Failures are counted in D1 per (account, address), per
 * address and per account; past a handful of free failures each counter blocks further attempts for a delay that
 * doubles with every failure, up to a cap. A stranger guessing from their own addresses fills their own 'pair' and
 * 'address' counters; the only counter they share with the real user is the account's, which is loose (many
 * failures before it blocks), short (a few minutes at most) and never applies to an address the account signed in
 * from before ('trusted'). A success resets the (account, address) and account counters, never the address's own
 * (an attacker who owns one account must not clear their address by signing in to it between guesses).
 */
export const WINDOW_MS = 15 * 60 * 1000;
const TRUSTED_FOR_MS = 90 * 24 * 3600 * 1000;

interface Rule {
  /** Failures allowed before the first delay. */
  free: number;
  /** The longest single delay. */
  maxBlockMs: number;
}

export const RULES: Record<Exclude<ThrottleScope, 'trusted'>, Rule> = {
  pair: { free: 5, maxBlockMs: 15 * 60 * 1000 },
  address: { free: 20, maxBlockMs: 15 * 60 * 1000 },
  account: { free: 50, maxBlockMs: 5 * 60 * 1000 },
};

/** The delay after the n-th failure within the window: none for the free ones, then 1 s, 2 s, 4 s, … */
export const blockMs = (rule: Rule, failures: number) =>
  failures < rule.free ? 0 : Math.min(rule.maxBlockMs, 1000 * 2 ** (failures - rule.free));

/** Who is trying: the lowercased email as typed and the client's address (CF-Connecting-IP, else 'unknown'). */
export interface LoginAttempt {
  email: string;
  address: string;
}

/**
 * The unit an address is counted in: an IPv4 address as it is, an IPv6 address as its /64 (one subscriber usually
 * holds a whole /64, and could otherwise try from 2^64 "addresses").
 */
export function addressUnit(address: string): string {
  if (!address.includes(':')) return address;
  const [head, tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

const keysOf = (attempt: LoginAttempt) => {
  const a = { ...attempt, address: addressUnit(attempt.address) };
  return {
    pair: { scope: 'pair', subject: `${a.email} ${a.address}` } as ThrottleKey,
    address: { scope: 'address', subject: a.address } as ThrottleKey,
    account: { scope: 'account', subject: a.email } as ThrottleKey,
    trusted: { scope: 'trusted', subject: `${a.email} ${a.address}` } as ThrottleKey,
  };
};

/**
 * How long this attempt must wait, in milliseconds (0: go ahead). A blocked attempt is not counted, so waiting it
 * out is all that is needed; the Workers rate limiter, where bound, first caps every address's attempts per minute
 * before any D1 read or password hash is spent on them.
 */
export async function loginWait(s: Services, a: LoginAttempt): Promise<number> {
  if (s.loginLimiter && a.address !== 'unknown') {
    const { success } = await s.loginLimiter.limit({ key: addressUnit(a.address) });
    if (!success) return 60_000; // the binding's period; it does not say when its window ends
  }
  const k = keysOf(a);
  const rows = await findThrottleRows(s.db, [k.pair, k.address, k.account, k.trusted]);
  const now = s.now();
  const trusted = rows.some((r) => r.scope === 'trusted' && r.last_at > now - TRUSTED_FOR_MS);
  let until = 0;
  for (const r of rows) {
    if (r.scope === 'trusted' || (r.scope === 'account' && trusted)) continue;
    until = Math.max(until, r.blocked_until);
  }
  return Math.max(0, until - now);
}

/** Counts a failed attempt on its three counters and sets each one's delay. */
export async function loginFailed(s: Services, a: LoginAttempt): Promise<void> {
  const k = keysOf(a);
  const now = s.now();
  const scopes = ['pair', 'address', 'account'] as const;
  const counted = await s.db.batch<{ failures: number }>(
    scopes.map((scope) => countFailure(s.db, k[scope], now, now - WINDOW_MS)),
  );
  const blocks = scopes.flatMap((scope, i) => {
    const ms = blockMs(RULES[scope], counted[i].results[0]?.failures ?? 0);
    return ms > 0 ? [setBlockedUntil(s.db, k[scope], now + ms)] : [];
  });
  if (blocks.length) await s.db.batch(blocks);
}

/** A success clears the (account, address) and account counters and trusts the address for this account. */
export async function loginSucceeded(s: Services, a: LoginAttempt): Promise<void> {
  const k = keysOf(a);
  await s.db.batch([
    clearThrottle(s.db, k.pair),
    clearThrottle(s.db, k.account),
    markTrusted(s.db, k.trusted.subject, s.now()),
  ]);
}
