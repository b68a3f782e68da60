// Signing in and out: the session's user and CSRF token, and where the console goes then.
import { api, setCsrf } from './api.js';
import { app } from './app-state.js';
import { navigate } from './nav.js';
import { reportError } from './ui/announce.js';

/**
 * Called by the sign-in page once the session exists: goes to `next` (the page that asked for a sign-in), or the start.
 * @param {import('./app-state.js').User} user @param {string} csrf @param {string | null} next
 */
export async function signedIn(user, csrf, next) {
  app.user = user;
  setCsrf(csrf);
  await app.reloadProjects();
  navigate(next?.startsWith('/') && !next.startsWith('/signin') ? next : '/');
}

export async function signOut() {
  try {
    await api('POST', '/auth/logout');
  } catch (err) {
    if (err.code !== 'unauthenticated') return reportError('Could not sign out', err);
  }
  app.user = null;
  app.projects = [];
  setCsrf('');
  navigate('/signin', { out: '1' });
}

/** The server said the session is gone (it expired, or ended elsewhere): sign in again, then come back here. */
export function sessionEnded() {
  if (!app.user) return;
  app.user = null;
  navigate('/signin', { next: location.hash.slice(1), expired: '1' });
}
