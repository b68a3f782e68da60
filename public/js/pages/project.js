import { api, seg } from '../api.js';
import { app } from '../app-state.js';
import { navigate } from '../nav.js';
import { announce, reportError } from '../ui/announce.js';
import { emptyState, notice } from '../ui/blocks.js';
import { confirmDialog } from '../ui/dialogs.js';
import { h } from '../ui/dom.js';
import { when } from '../ui/format.js';
import { busy, field, formError } from '../ui/forms.js';
import { icon, iconButton } from '../ui/icons.js';
import { manageProjectCard } from './project/manage-project.js';
import { publicAccessCard } from './project/public-access.js';

/**
 * A project's member as the API lists it, and an app (a member that only holds keys).
 * @typedef {{ userId: string, email: string, name: string, role: 'admin' | 'member', createdAt: string }} Member
 * @typedef {{ id: string, name: string, createdAt: string }} App
 */

/**
 * The project page for admins: members (add by email, change role, remove), apps (create, delete), the switch
 * that forbids public access, and renaming or deleting the project.
 * Members are told it is for admins and shown nothing to change.
 * @param {import('../app-state.js').Ctx} ctx
 */
export async function projectPage(ctx) {
  const project = /** @type {import('../app-state.js').Project} */ (ctx.project);
  if (project.role !== 'admin') {
    return h(
      'div',
      { class: 'page' },
      h('h1', { tabindex: '-1' }, 'Members & Apps'),
      notice(
        'warning',
        h(
          'p',
          null,
          h('strong', null, 'Only project admins can manage members and apps.'),
          ` You are a member of ${project.name}; ask one of its admins if you need a change.`,
        ),
      ),
      h('p', null, h('a', { href: `#/p/${project.id}/buckets` }, 'Back to Buckets')),
    );
  }
  const base = `/projects/${seg(project.id)}`;
  /** @type {[{ members: Member[] }, { apps: App[] }]} */
  const [{ members }, { apps }] = await Promise.all([api('GET', `${base}/members`), api('GET', `${base}/apps`)]);
  const reload = () => navigate(`/p/${project.id}/settings`, undefined, { replace: true });
  /** @param {Member} m */
  const isMe = (m) => m.userId === app.user?.id;

  /** @param {Member} member @param {HTMLSelectElement} select */
  const changeRole = async (member, select) => {
    const role = /** @type {Member['role']} */ (select.value);
    try {
      await api('PATCH', `${base}/members/${seg(member.userId)}`, { role });
      announce(`${member.email} is now ${role === 'admin' ? 'an admin' : 'a member'}`);
      member.role = role;
    } catch (err) {
      select.value = member.role;
      reportError(`Could not change the role of ${member.email}`, err);
    }
  };
  /** @param {Member} member */
  const removeMember = async (member) => {
    const ok = await confirmDialog({
      title: 'Remove member?',
      message: [
        h('p', null, 'Remove ', h('strong', null, member.email), ` from ${project.name}?`),
        h(
          'p',
          null,
          'Their access keys in this project are deleted with them: S3 clients using those keys stop working at once.',
        ),
      ],
      confirm: 'Remove member',
    });
    if (!ok) return;
    try {
      await api('DELETE', `${base}/members/${seg(member.userId)}`);
      announce(`${member.email} removed`);
      if (isMe(member)) {
        await app.reloadProjects();
        return navigate('/projects');
      }
      reload();
    } catch (err) {
      reportError(`Could not remove ${member.email}`, err);
    }
  };
  /** @param {App} a */
  const deleteApp = async (a) => {
    const ok = await confirmDialog({
      title: 'Delete app?',
      message: [
        h('p', null, 'Delete the app ', h('strong', null, a.name), '?'),
        h('p', null, 'Its access keys are deleted with it: software using them stops working at once.'),
      ],
      confirm: 'Delete app',
    });
    if (!ok) return;
    try {
      await api('DELETE', `${base}/apps/${seg(a.id)}`);
      announce(`App ${a.name} deleted`);
      reload();
    } catch (err) {
      reportError(`Could not delete the app ${a.name}`, err);
    }
  };

  // Add member
  const email = h('input', { type: 'email', autocomplete: 'off', required: true, placeholder: 'name@example.com' });
  const role = h('select', null, h('option', { value: 'member' }, 'Member'), h('option', { value: 'admin' }, 'Admin'));
  const emailField = field('Email', email);
  const memberError = formError();
  const addMemberButton = h('button', { type: 'submit', class: 'button primary' }, icon('plus'), 'Add member');
  const memberForm = h(
    'form',
    {
      class: 'inline-form',
      novalidate: true,
      onsubmit: (/** @type {SubmitEvent} */ e) => {
        e.preventDefault();
        memberError.show(null);
        emailField.setError('');
        if (!/^[^\s@]+@[^\s@]+$/.test(email.value.trim())) {
          emailField.setError('Enter the email address the person signs in with.');
          return email.focus();
        }
        busy(addMemberButton, async () => {
          try {
            await api('POST', `${base}/members`, { email: email.value.trim(), role: role.value });
            announce(`${email.value.trim()} added`);
            reload();
          } catch (err) {
            memberError.show(
              err.code === 'not_found'
                ? 'No account has that email. A system administrator creates accounts (Administration ⇢ Users).'
                : err.message,
            );
            email.focus();
          }
        });
      },
    },
    memberError,
    emailField,
    Object.assign(field('Role', role), { className: 'field narrow' }),
    addMemberButton,
  );

  // Add app
  const appName = h('input', {
    type: 'text',
    autocomplete: 'off',
    required: true,
    maxlength: '64',
    placeholder: 'backup-job',
  });
  const appField = field('App name', appName, 'Lower-case letters, digits and hyphens.');
  const appError = formError();
  const addAppButton = h('button', { type: 'submit', class: 'button primary' }, icon('plus'), 'Add app');
  const appForm = h(
    'form',
    {
      class: 'inline-form',
      novalidate: true,
      onsubmit: (/** @type {SubmitEvent} */ e) => {
        e.preventDefault();
        appError.show(null);
        appField.setError('');
        if (!/^[a-z0-9-]{1,64}$/.test(appName.value)) {
          appField.setError(
            appName.value
              ? 'Use only lower-case letters, digits and hyphens (at most 64).'
              : 'Enter a name for the app.',
          );
          return appName.focus();
        }
        busy(addAppButton, async () => {
          try {
            await api('POST', `${base}/apps`, { name: appName.value });
            announce(`App ${appName.value} created`);
            reload();
          } catch (err) {
            appError.show(err.message);
            appName.focus();
          }
        });
      },
    },
    appError,
    appField,
    addAppButton,
  );

  return h(
    'div',
    { class: 'page' },
    h('h1', { tabindex: '-1' }, 'Members & Apps'),
    h('p', { class: 'lead' }, `Who can use ${project.name}: people, who sign in, and apps, which only hold keys.`),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'members-title' },
      h('h2', { id: 'members-title' }, 'Members'),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'table' },
          h('caption', { class: 'visually-hidden' }, 'Members'),
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', { scope: 'col' }, 'Email'),
              h('th', { scope: 'col' }, 'Name'),
              h('th', { scope: 'col' }, 'Role'),
              h('th', { scope: 'col' }, 'Added'),
              h('th', { scope: 'col', class: 'actions' }, h('span', { class: 'visually-hidden' }, 'Actions')),
            ),
          ),
          h(
            'tbody',
            null,
            members.map((m) => {
              const select = h(
                'select',
                { 'aria-label': `Role of ${m.email}`, class: 'compact', onchange: () => changeRole(m, select) },
                h('option', { value: 'member', selected: m.role === 'member' }, 'Member'),
                h('option', { value: 'admin', selected: m.role === 'admin' }, 'Admin'),
              );
              return h(
                'tr',
                null,
                h('th', { scope: 'row' }, m.email, isMe(m) ? h('span', { class: 'badge' }, 'You') : null),
                h('td', null, m.name || h('span', { class: 'muted' }, '—')),
                h('td', null, select),
                h('td', null, when(m.createdAt)),
                h(
                  'td',
                  { class: 'actions' },
                  iconButton('trash', `Remove ${m.email}`, () => removeMember(m), 'icon-button danger'),
                ),
              );
            }),
          ),
        ),
      ),
      h('h3', null, 'Add a member'),
      memberForm,
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'apps-title' },
      h('h2', { id: 'apps-title' }, 'Apps'),
      apps.length
        ? h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'table' },
              h('caption', { class: 'visually-hidden' }, 'Apps'),
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  h('th', { scope: 'col' }, 'Name'),
                  h('th', { scope: 'col' }, 'Created'),
                  h('th', { scope: 'col', class: 'actions' }, h('span', { class: 'visually-hidden' }, 'Actions')),
                ),
              ),
              h(
                'tbody',
                null,
                apps.map((a) =>
                  h(
                    'tr',
                    null,
                    h('th', { scope: 'row' }, a.name),
                    h('td', null, when(a.createdAt)),
                    h(
                      'td',
                      { class: 'actions' },
                      iconButton('trash', `Delete app ${a.name}`, () => deleteApp(a), 'icon-button danger'),
                    ),
                  ),
                ),
              ),
            ),
          )
        : emptyState(
            'users',
            'No apps yet',
            'An app is a non-human member: software that holds its own keys (App Keys). Add one below.',
          ),
      h('h3', null, 'Add an app'),
      appForm,
    ),
    publicAccessCard(project),
    manageProjectCard(project),
  );
}
