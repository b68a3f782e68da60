import { timingSafeEqualStrings } from '../crypto/compare';
import { sha256Hex } from '../crypto/encoding';
import { csrfTokenFor } from '../crypto/master-key';
import { newId, newToken } from '../crypto/random';
import { deleteSession, findSessionUser, insertSession, touchSession } from '../db/sessions';
import type { UserRow } from '../db/users';
import type { Services } from '../service/context';
import { ApiError } from './errors';

/**
 * Over https the cookie is `__Host-`-prefixed: browsers accept it only with Secure, Path=/ and no Domain, so a page
 * on a site hostname (which may share a parent domain with the console) can neither plant nor override it. Plain
 * http (local development) cannot use the prefix; there the cookie is `ros_session`. Each scheme reads only its own.
 */
const cookieName = (url: URL) => (url.protocol === 'https:' ? '__Host-ros_session' : 'ros_session');
const TTL_MS = 14 * 24 * 3600 * 1000;

const TOUCH_EVERY_MS = 60_000;

export interface Session {
  user: UserRow;
  token: string;
  /** The session's public id (GET /api/sessions): never the token or its hash. */
  id: string;
}

/** What a person needs to recognise the session later: the browser and the address it signed in from. */
const clientOf = (request: Request) => ({
  user_agent: (request.headers.get('User-Agent') ?? '').slice(0, 512),
  address: (request.headers.get('CF-Connecting-IP') ?? '').slice(0, 64),
});

export async function startSession(s: Services, user: UserRow, request: Request): Promise<string> {
  const token = newToken();
  const now = s.now();
  await insertSession(s.db, await sha256Hex(token), {
    id: newId('s'),
    user_id: user.id,
    created_at: now,
    expires_at: now + TTL_MS,
    ...clientOf(request),
  });
  return token;
}

/** The session a request's cookie proves; its "last seen" is written at most once a minute, not per request. */
export async function readSession(s: Services, request: Request, url: URL): Promise<Session | null> {
  const token = cookieValue(request.headers.get('Cookie'), cookieName(url));
  if (!token) return null;
  const now = s.now();
  const row = await findSessionUser(s.db, await sha256Hex(token), now);
  if (!row) return null;
  const { session_id, session_last_seen_at, ...user } = row;
  if (now - session_last_seen_at >= TOUCH_EVERY_MS) await touchSession(s.db, session_id, now);
  return { user, token, id: session_id };
}

export async function endSession(s: Services, session: Session): Promise<void> {
  await deleteSession(s.db, await sha256Hex(session.token));
}

export const csrfToken = (s: Services, session: Pick<Session, 'token'>) => csrfTokenFor(s.masterKey, session.token);

/**
 * State-changing requests must prove they come from our own pages (or the CLI): the X-CSRF-Token header, which
 * another site's page cannot read or set, and no foreign Origin.
 */
export async function checkCsrf(s: Services, session: Session, request: Request, url: URL): Promise<void> {
  if (request.method === 'GET' || request.method === 'HEAD') return;
  const origin = request.headers.get('Origin');
  if (origin && origin !== url.origin) throw new ApiError(403, 'csrf', 'Cross-site request refused');
  const sent = request.headers.get('X-CSRF-Token') ?? '';
  if (!timingSafeEqualStrings(sent, await csrfToken(s, session))) {
    throw new ApiError(403, 'csrf', 'Missing or wrong X-CSRF-Token header');
  }
}

/**
 * Host-only (no Domain attribute), Secure everywhere but plain-HTTP loopback development, where browsers would
 * drop a Secure cookie.
 */
export function sessionCookie(token: string, url: URL, maxAgeSeconds = TTL_MS / 1000): string {
  const secure = url.protocol === 'https:' ? '; Secure' : '';
  return `${cookieName(url)}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`;
}

/**
 * Sign-in is a write like any other, though it has no session and so no CSRF token yet: it takes only a JSON body
 * (a cross-site form can send only form encodings or text/plain, and JSON from another origin needs a CORS
 * preflight this API never grants), and nothing from another origin. A browser always sends Origin with a POST;
 * clients that send none (the CLI, curl) are not browsers and carry no victim's cookies.
 */
export function checkLoginRequest(request: Request, url: URL): void {
  const origin = request.headers.get('Origin');
  if (origin !== null && origin !== url.origin) throw new ApiError(403, 'csrf', 'Cross-site sign-in refused');
  const site = request.headers.get('Sec-Fetch-Site');
  if (site !== null && site !== 'same-origin' && site !== 'none') {
    throw new ApiError(403, 'csrf', 'Cross-site sign-in refused');
  }
  const type = (request.headers.get('Content-Type') ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') {
    throw new ApiError(415, 'json_required', 'Sign in with a JSON body (Content-Type: application/json)');
  }
}

export const clearedSessionCookie = (url: URL) => sessionCookie('', url, 0);

function cookieValue(header: string | null, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}
