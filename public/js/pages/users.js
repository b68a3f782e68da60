import { api } from '../api.js';
import { app } from '../app-state.js';
import { navigate } from '../nav.js';
import { announce } from '../ui/announce.js';
import { notice } from '../ui/blocks.js';
import { h } from '../ui/dom.js';
import { when } from '../ui/format.js';
import { busy, field, formError } from '../ui/forms.js';
import { icon } from '../ui/icons.js';

/** Administration ⇢ Users (system administrators): the accounts, and creating one. */
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
  /** @type {{ users: (import('../app-state.js').User & { createdAt: string })[] }} */
  const { users } = await api('GET', '/users');
  const email = h('input', { type: 'email', autocomplete: 'off', required: true });
  const name = h('input', { type: 'text', autocomplete: 'off', maxlength: '128' });
  const password = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: '8' });
  const isAdmin = h('input', { type: 'checkbox', id: 'new-user-admin' });
  const emailField = field('Email', email);
  const passwordField = field(
    'Password',
    password,
    'At least 8 characters. Tell it to the person; they sign in with it.',
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
        if (password.value.length < 8) {
          passwordField.setError('The password must be at least 8 characters.');
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
        { class: 'table-wrap' },
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
              h('th', { scope: 'col' }, 'Created'),
            ),
          ),
          h(
            'tbody',
            null,
            users.map((u) =>
              h(
                'tr',
                null,
                h('th', { scope: 'row' }, u.email),
                h('td', null, u.name || h('span', { class: 'muted' }, '—')),
                h('td', null, u.isAdmin ? h('span', { class: 'badge ok' }, 'System admin') : 'User'),
                h('td', null, when(u.createdAt)),
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
