// The frame around every signed-in page (top bar with the project selector, left navigation, main), and the pages
// shown when there is no page to show.
import { app } from './app-state.js';
import { navigate } from './nav.js';
import { signOut } from './session.js';
import { h, replace } from './ui/dom.js';
import { icon } from './ui/icons.js';

/**
 * Puts the frame into `root` around `content` and returns its main element. `section` marks the current navigation
 * link, and the project selector keeps it when the project changes.
 * @param {HTMLElement} root @param {import('./app-state.js').Project | null} project @param {string | null} section
 * @param {any} content
 */
export function showShell(root, project, section, content) {
  const user = /** @type {import('./app-state.js').User} */ (app.user);
  /** @param {string} path @param {string} label @param {import('./ui/icons.js').IconName} iconName @param {boolean} current */
  const navLink = (path, label, iconName, current) =>
    h(
      'li',
      null,
      h(
        'a',
        { href: `#${path}`, class: 'nav-link', 'aria-current': current ? 'page' : null },
        icon(iconName),
        h('span', null, label),
      ),
    );

  const select = h(
    'select',
    {
      id: 'project-select',
      class: 'project-select',
      onchange: () => {
        const id = select.value;
        if (id === '') navigate('/projects');
        else navigate(`/p/${id}/${section === 'keys' || section === 'settings' ? section : 'buckets'}`);
      },
    },
    !project ? h('option', { value: '', selected: true }, 'Select a project…') : null,
    app.projects.map((p) => h('option', { value: p.id, selected: project?.id === p.id }, p.name)),
    project && !app.projects.some((p) => p.id === project.id)
      ? h('option', { value: project.id, selected: true }, project.name)
      : null,
    project ? h('option', { value: '' }, 'All projects / create a project…') : null,
  );

  const main = h('main', { id: 'main', class: 'main', tabindex: '-1' }, content);
  const p = project ? `/p/${project.id}` : null;
  replace(
    root,
    h(
      'a',
      {
        href: '#main',
        class: 'skip-link',
        onclick: (/** @type {MouseEvent} */ e) => {
          e.preventDefault();
          main.focus();
        },
      },
      'Skip to content',
    ),
    h(
      'header',
      { class: 'topbar' },
      h('a', { href: '#/', class: 'brand' }, icon('logo', 'icon logo'), h('span', null, 'Ridge Object Storage')),
      h('div', { class: 'project-picker' }, h('label', { for: 'project-select' }, 'Project'), select),
      h(
        'div',
        { class: 'topbar-user' },
        h(
          'a',
          {
            href: '#/account',
            class: 'user-name',
            title: `${user.email}: Your Account (password, sessions)`,
            'aria-current': section === 'account' ? 'page' : null,
          },
          user.name || user.email,
        ),
        h('button', { type: 'button', class: 'button subtle', onclick: signOut }, icon('logout'), 'Sign out'),
      ),
    ),
    h(
      'div',
      { class: 'layout' },
      h(
        'nav',
        { class: 'sidenav', 'aria-label': 'Main' },
        p
          ? [
              h('p', { class: 'nav-group', id: 'nav-os' }, 'Object Storage'),
              h(
                'ul',
                { 'aria-labelledby': 'nav-os' },
                navLink(`${p}/keys`, 'Access Keys', 'key', section === 'keys'),
                navLink(`${p}/buckets`, 'Buckets', 'bucket', section === 'buckets'),
              ),
              h('p', { class: 'nav-group', id: 'nav-project' }, 'Project'),
              h(
                'ul',
                { 'aria-labelledby': 'nav-project' },
                project?.role === 'admin'
                  ? navLink(`${p}/settings`, 'Members & Apps', 'users', section === 'settings')
                  : null,
                project?.role === 'admin'
                  ? navLink(`${p}/activity`, 'Activity', 'activity', section === 'activity')
                  : null,
                navLink('/projects', 'All projects', 'project', section === 'projects'),
              ),
            ]
          : [h('ul', null, navLink('/projects', 'Projects', 'project', section === 'projects'))],
        user.isAdmin
          ? [
              h('p', { class: 'nav-group', id: 'nav-admin' }, 'Administration'),
              h(
                'ul',
                { 'aria-labelledby': 'nav-admin' },
                navLink('/users', 'Users', 'users', section === 'users'),
                navLink('/system', 'System Settings', 'lock', section === 'system'),
                navLink('/activity', 'All activity', 'activity', section === 'activity' && !project),
              ),
            ]
          : null,
      ),
      main,
    ),
  );
  return main;
}

export function notFoundPage(message = 'There is no page at this address.') {
  return h(
    'div',
    { class: 'page' },
    h('h1', { tabindex: '-1' }, 'Not found'),
    h('p', null, message),
    h('p', null, h('a', { href: '#/' }, 'Go to the start page')),
  );
}

/**
 * A page that failed to load: the reason, and a way to try again.
 * @param {any} err @param {() => void} retry
 */
export function failurePage(err, retry) {
  return h(
    'div',
    { class: 'page' },
    h('h1', { tabindex: '-1' }, 'This page could not be shown'),
    h('div', { class: 'form-error', role: 'alert' }, icon('alert'), h('span', null, err?.message ?? String(err))),
    h('p', null, h('button', { type: 'button', class: 'button', onclick: retry }, 'Try again')),
  );
}
