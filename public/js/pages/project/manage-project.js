// The project admins' card to rename the project or delete it (docs/api.md, "Projects"). A project that still
// holds buckets cannot be deleted: the server says so, and the dialog shows its words.
import { api, seg } from '../../api.js';
import { app } from '../../app-state.js';
import { navigate } from '../../nav.js';
import { announce } from '../../ui/announce.js';
import { openDialog } from '../../ui/dialogs.js';
import { h } from '../../ui/dom.js';
import { busy, field, formError } from '../../ui/forms.js';

/** @param {import('../../app-state.js').Project} project */
export function manageProjectCard(project) {
  const name = h('input', { type: 'text', required: true, maxlength: '64', autocomplete: 'off', value: project.name });
  const nameField = field(
    'Project Name',
    name,
    '1–64 characters: letters, digits, spaces, hyphens, underscores and dots.',
  );
  const error = formError();
  const rename = h('button', { type: 'submit', class: 'button' }, 'Rename');
  const form = h(
    'form',
    {
      class: 'inline-form',
      novalidate: true,
      onsubmit: (/** @type {SubmitEvent} */ e) => {
        e.preventDefault();
        error.show(null);
        nameField.setError('');
        const value = name.value.trim();
        if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/.test(value)) {
          nameField.setError(
            'Use 1–64 letters, digits, spaces, hyphens, underscores and dots, starting with a letter or digit.',
          );
          return name.focus();
        }
        busy(rename, async () => {
          try {
            const res = await api('PATCH', `/projects/${seg(project.id)}`, { name: value });
            project.name = res.project.name;
            await app.reloadProjects();
            announce(`Project renamed to ${res.project.name}`);
            navigate(`/p/${project.id}/settings`, undefined, { replace: true });
          } catch (err) {
            error.show(err.message);
            name.focus();
          }
        });
      },
    },
    error,
    nameField,
    rename,
  );
  const remove = h(
    'button',
    { type: 'button', class: 'button danger', onclick: () => deleteDialog(project) },
    'Delete Project',
  );
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'manage-project-title' },
    h('h2', { id: 'manage-project-title' }, 'Project'),
    form,
    h('h3', null, 'Delete this project'),
    h(
      'p',
      { class: 'hint' },
      'Its members, apps and access keys are removed with it. A project that still holds buckets cannot be deleted: delete its buckets first, at every site.',
    ),
    h('div', null, remove),
  );
}

/** Asks for the project's name before deleting it, as for deleting a bucket. @param {import('../../app-state.js').Project} project */
function deleteDialog(project) {
  openDialog({
    title: 'Delete project?',
    content: ({ close }) => {
      const typed = h('input', { type: 'text', autocomplete: 'off', required: true });
      const typedField = field(`Type the project's name, ${project.name}, to confirm`, typed);
      const error = formError();
      const submit = h('button', { type: 'submit', class: 'button danger' }, 'Delete Project');
      return h(
        'form',
        {
          class: 'stack',
          novalidate: true,
          onsubmit: (/** @type {SubmitEvent} */ e) => {
            e.preventDefault();
            error.show(null);
            if (typed.value.trim() !== project.name) {
              typedField.setError('The name does not match.');
              return typed.focus();
            }
            busy(submit, async () => {
              try {
                await api('DELETE', `/projects/${seg(project.id)}`);
                close();
                if (localStorage.getItem('ros.project') === project.id) localStorage.removeItem('ros.project');
                await app.reloadProjects();
                announce(`Project ${project.name} deleted`);
                navigate('/projects');
              } catch (err) {
                error.show(err.message);
              }
            });
          },
        },
        h(
          'p',
          null,
          'Delete ',
          h('strong', null, project.name),
          '? Its members, apps and access keys are removed. This cannot be undone.',
        ),
        error,
        typedField,
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
