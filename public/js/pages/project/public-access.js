// The project admins' switch against public access: while on, no bucket of the project can be public, whatever
// its ACL or its own Block Public Access switches say (docs/s3.md, "ACLs and public access").
import { api, seg } from '../../api.js';
import { app } from '../../app-state.js';
import { announce } from '../../ui/announce.js';
import { h } from '../../ui/dom.js';
import { busy, formError } from '../../ui/forms.js';

/** @param {import('../../app-state.js').Project} project */
export function publicAccessCard(project) {
  const box = h('input', { type: 'checkbox', id: 'project-block-public', checked: Boolean(project.blockPublicAccess) });
  const error = formError();
  const save = h('button', { type: 'button', class: 'button' }, 'Save');
  save.addEventListener('click', () =>
    busy(save, async () => {
      error.show(null);
      try {
        const res = await api('PUT', `/projects/${seg(project.id)}/public-access`, { blockPublicAccess: box.checked });
        project.blockPublicAccess = res.project.blockPublicAccess;
        await app.reloadProjects();
        announce(box.checked ? 'Public access is forbidden in this project' : 'Buckets may be made public again');
      } catch (err) {
        error.show(err.message);
      }
    }),
  );
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'public-access-title' },
    h('h2', { id: 'public-access-title' }, 'Public access'),
    h(
      'div',
      { class: 'check-field' },
      box,
      h(
        'label',
        { for: 'project-block-public' },
        'Forbid public access to every bucket of this project',
        h(
          'p',
          { class: 'hint' },
          'Public ACLs are refused and those already set grant nothing: unsigned requests, and keys of other projects, reach nothing here.',
        ),
      ),
    ),
    error,
    h('div', null, save),
  );
}
