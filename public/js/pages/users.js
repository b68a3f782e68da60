import { api, seg } from '../api.js';
import { app } from '../app-state.js';
import { navigate } from '../nav.js';
import { announce, reportError } from '../ui/announce.js';
import { notice } from '../ui/blocks.js';
import { confirmDialog, openDialog } from '../ui/dialogs.js';
import { h } from '../ui/dom.js';
import { when } from '../ui/format.js';
import { busy, field, formError } from '../ui/forms.js';
import { icon } from '../ui/icons.js';
import { menuButton } from '../ui/menu.js';
import { PASSWORD_RULE, passwordHint } from '../ui/password-rule.js';

/** A user as GET /api/users lists them. @typedef {import('../app-state.js').User & { createdAt: string, disabled: boolean }} UserInfo */

/**
 * Administration ⇢ Users (system administrators): the accounts, creating one, and each account's three-dots menu:
 * disable or enable, reset the password, delete.
 */
export async function usersPage() {
  if (!app.user?.isAdmin) {
    return h(
      'div',
      { class: 'page' },
      h('h1', { tabindex: '-1' }, 'Users'),
      notice(
        'warning',
        h(
          'p',
          null,
          h('strong', null, 'Only system administrators can manage users.'),
          ' Ask one if you need an account for someone.',
        ),
      ),
      h('p', null, h('a', { href: '#/' }, 'Back to the console')),
    );
  }
  /** @type {{ users: UserInfo[] }} */
  const { users } = await api('GET', '/users');
  const reload = () => navigate('/users', undefined, { replace: true });
  const email = h('input', { type: 'email', autocomplete: 'off', required: true });
  const name = h('input', { type: 'text', autocomplete: 'off', maxlength: '128' });
  const password = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: '12' });
  const isAdmin = h('input', { type: 'checkbox', id: 'new-user-admin' });
  const emailField = field('Email', email);
  const passwordField = field(
    'Password',
    password,
    `${PASSWORD_RULE} Tell it to the person; they sign in with it and can change it under Your Account.`,
  );
  const error = formError();
  const submit = h('button', { type: 'submit', class: 'button primary' }, icon('plus'), 'Create user');
  const form = h(
    'form',
    {
      class: 'inline-form',
      novalidate: true,
      onsubmit: (/** @type {SubmitEvent} */ e) => {
        e.preventDefault();
        error.show(null);
        emailField.setError('');
        passwordField.setError('');
        if (!/^[^\s@]+@[^\s@]+$/.test(email.value.trim())) {
          emailField.setError('Enter an email address.');
          return email.focus();
        }
        const hint = passwordHint(password.value, email.value);
        if (hint) {
          passwordField.setError(hint);
          return password.focus();
        }
        busy(submit, async () => {
          try {
            await api('POST', '/users', {
              email: email.value.trim(),
              name: name.value.trim() || undefined,
              password: password.value,
              isAdmin: isAdmin.checked,
            });
            announce(`User ${email.value.trim()} created`);
            navigate('/users', undefined, { replace: true });
          } catch (err) {
            error.show(err.message);
          }
        });
      },
    },
    error,
    emailField,
    field('Name', name),
    passwordField,
    h(
      'div',
      { class: 'check-field' },
      isAdmin,
      h(
        'label',
        { for: 'new-user-admin' },
        'System administrator (may create users and act as admin in every project)',
      ),
    ),
    submit,
  );
  return h(
    'div',
    { class: 'page' },
    h('h1', { tabindex: '-1' }, 'Users'),
    h(
      'p',
      { class: 'lead' },
      'Everyone who can sign in to this ROS installation. Project admins add users to their projects by email.',
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'users-title' },
      h('h2', { id: 'users-title' }, 'Accounts'),
      h(
        'div',
        { class: 'table-wrap with-menus' },
        h(
          'table',
          { class: 'table' },
          h('caption', { class: 'visually-hidden' }, 'Users'),
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', { scope: 'col' }, 'Email'),
              h('th', { scope: 'col' }, 'Name'),
              h('th', { scope: 'col' }, 'Role'),
              h('th', { scope: 'col' }, 'Status'),
              h('th', { scope: 'col' }, 'Created'),
              h('th', { scope: 'col', class: 'actions' }, h('span', { class: 'visually-hidden' }, 'Actions')),
            ),
          ),
          h(
            'tbody',
            null,
            users.map((u) =>
              h(
                'tr',
                null,
                h('th', { scope: 'row' }, u.email, u.id === app.user?.id ? h('span', { class: 'badge' }, 'You') : null),
                h('td', null, u.name || h('span', { class: 'muted' }, '—')),
                h('td', null, u.isAdmin ? h('span', { class: 'badge ok' }, 'System admin') : 'User'),
                h('td', null, u.disabled ? h('span', { class: 'badge public' }, 'Disabled') : 'Active'),
                h('td', null, when(u.createdAt)),
                h('td', { class: 'actions' }, u.id === app.user?.id ? null : userMenu(u, reload)),
              ),
            ),
          ),
        ),
      ),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'new-user-title' },
      h('h2', { id: 'new-user-title' }, 'Create a user'),
      form,
    ),
  );
}

/**
 * The three-dots menu of another user's row. (One's own account is changed under Your Account, and cannot be
 * disabled or deleted from here.)
 * @param {UserInfo} u @param {() => void} reload
 */
function userMenu(u, reload) {
  const path = `/users/${seg(u.id)}`;
  const setDisabled = async (/** @type {boolean} */ disabled) => {
    const ok = await confirmDialog({
      title: disabled ? 'Disable user?' : 'Enable user?',
      message: disabled
        ? [
            h('p', null, 'Disable ', h('strong', null, u.email), '?'),
            h(
              'p',
              null,
              'They are signed out everywhere and cannot sign in. Their access keys, and the keys of apps they created, stop working within seconds. Nothing is deleted: enable them to undo it.',
            ),
          ]
        : [h('p', null, 'Enable ', h('strong', null, u.email), '? They can sign in again, and their keys work again.')],
      confirm: disabled ? 'Disable' : 'Enable',
      danger: disabled,
    });
    if (!ok) return;
    try {
      await api('PATCH', path, { disabled });
      announce(`${u.email} ${disabled ? 'disabled' : 'enabled'}`);
      reload();
    } catch (err) {
      reportError(`Could not ${disabled ? 'disable' : 'enable'} ${u.email}`, err);
    }
  };
  const remove = async () => {
    const ok = await confirmDialog({
      title: 'Delete user?',
      message: [
        h('p', null, 'Delete ', h('strong', null, u.email), '? This cannot be undone.'),
        h(
          'p',
          null,
          'Their sessions and access keys are deleted and they leave every project. Buckets stay with their projects.',
        ),
      ],
      confirm: 'Delete',
    });
    if (!ok) return;
    try {
      await api('DELETE', path);
      announce(`${u.email} deleted`);
      reload();
    } catch (err) {
      reportError(`Could not delete ${u.email}`, err);
    }
  };
  return menuButton(`Actions for ${u.email}`, [
    { label: 'Reset Password', onSelect: () => resetPasswordDialog(u) },
    u.disabled
      ? { label: 'Enable', onSelect: () => setDisabled(false) }
      : { label: 'Disable', onSelect: () => setDisabled(true), danger: true },
    { label: 'Delete', onSelect: remove, danger: true },
  ]);
}

/** @param {UserInfo} u */
function resetPasswordDialog(u) {
  openDialog({
    title: 'Reset Password',
    content: ({ close }) => {
      const password = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: '12' });
      const passwordField = field('New Password', password, PASSWORD_RULE);
      const error = formError();
      const submit = h('button', { type: 'submit', class: 'button primary' }, 'Set Password');
      return h(
        'form',
        {
          class: 'stack',
          novalidate: true,
          onsubmit: (/** @type {SubmitEvent} */ e) => {
            e.preventDefault();
            error.show(null);
            const hint = passwordHint(password.value, u.email);
            if (hint) {
              passwordField.setError(hint);
              return password.focus();
            }
            busy(submit, async () => {
              try {
                await api('PUT', `/users/${seg(u.id)}/password`, { password: password.value });
                close(); // first: while the dialog is open, announcements speak inside it
                announce(`New password set for ${u.email}; their sessions were signed out`);
              } catch (err) {
                if (err.code === 'invalid_input') passwordField.setError(err.message);
                else error.show(err.message);
                password.focus();
              }
            });
          },
        },
        h('p', null, 'Set a new password for ', h('strong', null, u.email), '. They are signed out everywhere.'),
        error,
        passwordField,
        h(
          'div',
          { class: 'dialog-actions' },
          h('button', { type: 'button', class: 'button', onclick: close }, 'Cancel'),
          submit,
        ),
      );
    },
  });
}
