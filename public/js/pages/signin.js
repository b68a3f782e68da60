import { api } from '../api.js';
import { signedIn } from '../session.js';
import { notice } from '../ui/blocks.js';
import { h } from '../ui/dom.js';
import { busy, field, formError } from '../ui/forms.js';
import { icon } from '../ui/icons.js';

/**
 * Sign in: email and password. A session that ended, or a sign-out, is said so.
 * @param {import('../app-state.js').Ctx} ctx
 */
export function signinPage(ctx) {
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true, autofocus: true });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const error = formError();
  const submit = h('button', { type: 'submit', class: 'button primary wide' }, 'Sign in');
  const form = h(
    'form',
    {
      class: 'stack',
      novalidate: true,
      onsubmit: async (/** @type {SubmitEvent} */ e) => {
        e.preventDefault();
        error.show(null);
        if (!email.value.trim() || !password.value) {
          error.show('Enter your email address and your password.');
          (email.value.trim() ? password : email).focus();
          return;
        }
        await busy(submit, async () => {
          try {
            const { user, csrfToken } = await api('POST', '/auth/login', {
              email: email.value.trim(),
              password: password.value,
            });
            await signedIn(user, csrfToken, ctx.query.get('next'));
          } catch (err) {
            error.show(err.message);
            password.select();
            password.focus();
          }
        });
      },
    },
    error,
    field('Email', email),
    field('Password', password),
    submit,
  );
  return h(
    'div',
    { class: 'signin' },
    h(
      'main',
      { class: 'signin-card', id: 'main' },
      h('div', { class: 'brand big' }, icon('logo', 'icon logo'), h('span', null, 'Ridge Object Storage')),
      h('h1', { tabindex: '-1' }, 'Sign in to the console'),
      ctx.query.get('expired') ? notice('info', 'Your session has ended. Please sign in again.') : null,
      ctx.query.get('out') ? notice('info', 'You are signed out.') : null,
      form,
      h('p', { class: 'muted small' }, 'Accounts are created by a system administrator of this ROS installation.'),
    ),
  );
}
