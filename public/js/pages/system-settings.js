import { api } from '../api.js';
import { app } from '../app-state.js';
import { announce } from '../ui/announce.js';
import { notice } from '../ui/blocks.js';
import { h } from '../ui/dom.js';
import { busy, formError } from '../ui/forms.js';

/** Administration ⇢ System Settings (system administrators): who may create projects. */
export async function systemSettingsPage() {
  /** @type {{ settings: { selfServiceProjects: boolean } }} */
  const { settings } = await api('GET', '/settings');
  const admin = Boolean(app.user?.isAdmin);
  const box = h('input', {
    type: 'checkbox',
    id: 'self-service-projects',
    checked: settings.selfServiceProjects,
    disabled: !admin,
  });
  const error = formError();
  const save = h('button', { type: 'button', class: 'button' }, 'Save');
  save.addEventListener('click', () =>
    busy(save, async () => {
      error.show(null);
      try {
        const res = await api('PUT', '/settings', { selfServiceProjects: box.checked });
        box.checked = res.settings.selfServiceProjects;
        announce(box.checked ? 'Every user may create projects' : 'Only system administrators create projects now');
      } catch (err) {
        error.show(err.message);
      }
    }),
  );
  return h(
    'div',
    { class: 'page' },
    h('h1', { tabindex: '-1' }, 'System Settings'),
    admin
      ? h('p', { class: 'lead' }, 'Settings for everyone who uses this ROS installation.')
      : notice('warning', h('p', null, h('strong', null, 'Only system administrators can change these settings.'))),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'projects-setting-title' },
      h('h2', { id: 'projects-setting-title' }, 'Projects'),
      h(
        'div',
        { class: 'check-field' },
        box,
        h(
          'label',
          { for: 'self-service-projects' },
          'Every user may create projects (self-service)',
          h(
            'p',
            { class: 'hint' },
            'When off, only system administrators create projects; they add people to them under Members & Apps.',
          ),
        ),
      ),
      error,
      admin ? h('div', null, save) : null,
    ),
  );
}
