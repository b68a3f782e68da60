import { api, seg } from '../api.js';
import { app } from '../app-state.js';
import { navigate } from '../nav.js';
import { sessionEnded } from '../session.js';
import { announce, reportError } from '../ui/announce.js';
import { confirmDialog } from '../ui/dialogs.js';
import { h } from '../ui/dom.js';
import { when } from '../ui/format.js';
import { busy, field, formError } from '../ui/forms.js';
import { PASSWORD_RULE, passwordHint } from '../ui/password-rule.js';

/**
 * One of the user's sessions as GET /api/sessions lists it.
 * @typedef {{ id: string, current: boolean, createdAt: string, lastSeenAt: string, client: string, address: string }} SessionInfo
 */

/** Your Account: change your password, and see and end the sessions signed in as you. */
export async function accountPage() {
  const user = /** @type {import('../app-state.js').User} */ (app.user);
  /** @type {{ sessions: SessionInfo[] }} */
  const { sessions } = await api('GET', '/sessions');
  const reload = () => navigate('/account', undefined, { replace: true });
  return h(
    'div',
    { class: 'page' },
    h('h1', { tabindex: '-1' }, 'Your Account'),
    h('p', { class: 'lead' }, 'Signed in as ', h('strong', null, user.email), user.isAdmin ? ' (system admin).' : '.'),
    passwordCard(user, reload),
    sessionsCard(sessions, reload),
  );
}

/** @param {import('../app-state.js').User} user @param {() => void} reload */
function passwordCard(user, reload) {
  const current = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const next = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: '12' });
  const again = h('input', { type: 'password', autocomplete: 'new-password', required: true });
  const currentField = field('Current Password', current);
  const nextField = field('New Password', next, PASSWORD_RULE);
  const againField = field('Repeat New Password', again);
  const error = formError();
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Change Password');
  const form = h(
    'form',
    {
      class: 'stack account-form',
      novalidate: true,
      onsubmit: (/** @type {SubmitEvent} */ e) => {
        e.preventDefault();
        error.show(null);
        for (const f of [currentField, nextField, againField]) f.setError('');
        if (!current.value) {
          currentField.setError('Enter your current password.');
          return current.focus();
        }
        const hint = passwordHint(next.value, user.email);
        if (hint) {
          nextField.setError(hint);
          return next.focus();
        }
        if (again.value !== next.value) {
          againField.setError('The two new passwords differ.');
          return again.focus();
        }
        busy(submit, async () => {
          try {
            const { endedSessions } = await api('PUT', '/me/password', {
              currentPassword: current.value,
              newPassword: next.value,
            });
            announce(
              endedSessions
                ? `Password changed. ${endedSessions} other ${endedSessions === 1 ? 'session was' : 'sessions were'} signed out.`
                : 'Password changed.',
            );
            reload();
          } catch (err) {
            if (err.code === 'wrong_password') {
              currentField.setError('That is not your current password.');
              current.focus();
            } else if (err.code === 'invalid_input') {
              nextField.setError(err.message);
              next.focus();
            } else error.show(err.message);
          }
        });
      },
    },
    error,
    currentField,
    nextField,
    againField,
    h('p', { class: 'hint' }, 'Your other sessions are signed out; this one stays signed in.'),
    h('div', null, submit),
  );
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'password-title' },
    h('h2', { id: 'password-title' }, 'Change Password'),
    form,
  );
}

/** @param {SessionInfo[]} sessions @param {() => void} reload */
function sessionsCard(sessions, reload) {
  /** @param {SessionInfo} s */
  const revoke = async (s) => {
    const ok = await confirmDialog({
      title: 'Sign out this session?',
      message: h('p', null, `The session from ${describe(s)} is signed out at once.`),
      confirm: 'Sign Out Session',
    });
    if (!ok) return;
    try {
      await api('DELETE', `/sessions/${seg(s.id)}`);
      if (s.current) return sessionEnded();
      announce('Session signed out');
      reload();
    } catch (err) {
      reportError('Could not sign out the session', err);
    }
  };
  const others = sessions.filter((s) => !s.current).length;
  const revokeOthers = h(
    'button',
    { type: 'button', class: 'button danger', disabled: others === 0 },
    'Sign Out All Other Sessions',
  );
  revokeOthers.addEventListener('click', async () => {
    const ok = await confirmDialog({
      title: 'Sign out all other sessions?',
      message: h('p', null, `Every session but this one (${others}) is signed out at once.`),
      confirm: 'Sign Out Others',
    });
    if (!ok) return;
    busy(revokeOthers, async () => {
      try {
        const { endedSessions } = await api('DELETE', '/sessions/others');
        announce(`${endedSessions} ${endedSessions === 1 ? 'session' : 'sessions'} signed out`);
        reload();
      } catch (err) {
        reportError('Could not sign out the other sessions', err);
      }
    });
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'sessions-title' },
    h('h2', { id: 'sessions-title' }, 'Sessions'),
    h('p', { class: 'hint' }, 'Browsers and command-line tools signed in as you. Sign out any you do not recognise.'),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'table' },
        h('caption', { class: 'visually-hidden' }, 'Sessions'),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            h('th', { scope: 'col' }, 'Client'),
            h('th', { scope: 'col' }, 'Address'),
            h('th', { scope: 'col' }, 'Signed In'),
            h('th', { scope: 'col' }, 'Last Seen'),
            h('th', { scope: 'col', class: 'actions' }, h('span', { class: 'visually-hidden' }, 'Actions')),
          ),
        ),
        h(
          'tbody',
          null,
          sessions.map((s) =>
            h(
              'tr',
              null,
              h(
                'th',
                { scope: 'row', class: 'session-client' },
                h('span', { title: s.client }, clientName(s.client)),
                s.current ? h('span', { class: 'badge ok' }, 'This session') : null,
              ),
              h('td', null, s.address || h('span', { class: 'muted' }, 'Unknown')),
              h('td', null, when(s.createdAt)),
              h('td', null, when(s.lastSeenAt)),
              h(
                'td',
                { class: 'actions' },
                h(
                  'button',
                  { type: 'button', class: 'button subtle', onclick: () => revoke(s) },
                  s.current ? 'Sign Out' : 'Revoke',
                ),
              ),
            ),
          ),
        ),
      ),
    ),
    h('div', null, revokeOthers),
  );
}

/** @param {SessionInfo} s */
const describe = (s) => `${clientName(s.client)}${s.address ? ` at ${s.address}` : ''}`;

/**
 * A User-Agent in a few words: the browser and system people recognise, else the string itself.
 * @param {string} ua
 */
export function clientName(ua) {
  if (!ua) return 'Unknown client';
  if (ua.startsWith('ros CLI')) return 'ros CLI';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrome\/|Chromium\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : null;
  const system = /Windows/.test(ua)
    ? 'Windows'
    : /Android/.test(ua)
      ? 'Android'
      : /iPhone|iPad/.test(ua)
        ? 'iOS'
        : /Mac OS X/.test(ua)
          ? 'macOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : null;
  if (!browser) return ua.length > 60 ? `${ua.slice(0, 57)}…` : ua;
  return system ? `${browser} on ${system}` : browser;
}
