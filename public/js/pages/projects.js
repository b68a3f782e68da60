import { api } from '../api.js';
import { app } from '../app-state.js';
import { navigate } from '../nav.js';
import { announce } from '../ui/announce.js';
import { emptyState } from '../ui/blocks.js';
import { h } from '../ui/dom.js';
import { when } from '../ui/format.js';
import { busy, field, formError } from '../ui/forms.js';
import { icon } from '../ui/icons.js';

/** The project selector: keys and buckets live in a project. Also where a project is created. */
export async function projectsPage() {
  const [, { settings }] = await Promise.all([app.reloadProjects(), api('GET', '/settings')]);
  // The system setting (Administration ⇢ System Settings): when self-service is off, only system admins create.
  const mayCreate = Boolean(app.user?.isAdmin || settings.selfServiceProjects);
  const name = h('input', {
    type: 'text',
    name: 'name',
    required: true,
    maxlength: '64',
    autocomplete: 'off',
    placeholder: 'e.g. research-data',
  });
  const nameField = field(
    'Project name',
    name,
    '1–64 characters: letters, digits, spaces, hyphens, underscores and dots.',
  );
  const error = formError();
  const submit = h('button', { type: 'submit', class: 'button primary' }, icon('plus'), 'Create project');
  const form = h(
    'form',
    {
      class: 'inline-form',
      novalidate: true,
      onsubmit: async (/** @type {SubmitEvent} */ e) => {
        e.preventDefault();
        error.show(null);
        nameField.setError('');
        const value = name.value.trim();
        if (!/^[A-Za-z0-9 ._-]{1,64}$/.test(value)) {
          nameField.setError(
            value
              ? 'Use only letters, digits, spaces, hyphens, underscores and dots (at most 64).'
              : 'Enter a name for the project.',
          );
          name.focus();
          return;
        }
        await busy(submit, async () => {
          try {
            const { project } = await api('POST', '/projects', { name: value });
            await app.reloadProjects();
            announce(`Project ${project.name} created`);
            navigate(`/p/${project.id}/keys`);
          } catch (err) {
            error.show(err.message);
            name.focus();
          }
        });
      },
    },
    error,
    nameField,
    submit,
  );

  const list = app.projects.length
    ? h(
        'ul',
        { class: 'card-list' },
        app.projects.map((p) =>
          h(
            'li',
            null,
            h(
              'a',
              { href: `#/p/${p.id}/buckets`, class: 'card-link' },
              icon('project'),
              h('span', { class: 'card-link-title' }, p.name),
              h(
                'span',
                { class: 'badge' },
                p.role === 'admin' ? 'Admin' : p.role === 'member' ? 'Member' : 'System admin',
              ),
              h('span', { class: 'muted small' }, 'Created ', when(p.createdAt)),
            ),
          ),
        ),
      )
    : emptyState(
        'project',
        'You are not in any project yet',
        'Create a project below, or ask a project admin to add you to theirs.',
      );

  return h(
    'div',
    { class: 'page' },
    h('h1', { tabindex: '-1' }, 'Projects'),
    h(
      'p',
      { class: 'lead' },
      'Keys and buckets are managed in the context of a project. Select the project in which you wish to use ROS.',
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'your-projects' },
      h('h2', { id: 'your-projects' }, app.user?.isAdmin ? 'All projects' : 'Your projects'),
      list,
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'new-project' },
      h('h2', { id: 'new-project' }, 'Create a project'),
      mayCreate
        ? [h('p', { class: 'muted' }, 'You become its admin.'), form]
        : h(
            'p',
            { class: 'muted' },
            'On this installation only system administrators create projects. Ask one to create a project for you, or a project admin to add you to theirs.',
          ),
    ),
  );
}
