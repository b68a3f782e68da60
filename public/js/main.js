// The ROS console: a small single-page app on the JSON API, with hash routes (static files need no server routes).
import { api, setCsrf, whenSignedOut } from './api.js';
import { announce, reportError } from './ui/announce.js';
import { h, replace } from './ui/dom.js';
import { icon } from './ui/icons.js';
import { signinPage } from './pages/signin.js';
import { projectsPage } from './pages/projects.js';
import { keysPage } from './pages/keys.js';
import { bucketsPage } from './pages/buckets.js';
import { bucketPage } from './pages/bucket.js';
import { projectPage } from './pages/project.js';
import { usersPage } from './pages/users.js';

/**
 * What every page may use.
 * @typedef {{ id: string, name: string, endpoint: string }} Site
 * @typedef {{ id: string, name: string, role: 'admin' | 'member' | null, createdAt: string }} Project
 * @typedef {{ id: string, email: string, name: string, isAdmin: boolean }} User
 * @typedef {{ params: string[], query: URLSearchParams, project: Project | null, app: typeof app, path: string }} Ctx
 */
export const app = {
  /** @type {User | null} */ user: null,
  /** @type {Site[]} */ sites: [],
  /** @type {Project[]} */ projects: [],
  siteName: (id) => app.sites.find((s) => s.id === id)?.name ?? id,
  async reloadProjects() {
    app.projects = (await api('GET', '/projects')).projects;
  },
};

/** Hash routes: `#/p/<project id>/buckets/<site>/<name>?prefix=…`. */
const ROUTES = [
  { re: /^\/signin$/, page: signinPage, bare: true },
  { re: /^\/projects$/, page: projectsPage },
  { re: /^\/users$/, page: usersPage },
  { re: /^\/p\/([^/]+)\/keys$/, page: keysPage, section: 'keys' },
  { re: /^\/p\/([^/]+)\/buckets$/, page: bucketsPage, section: 'buckets' },
  { re: /^\/p\/([^/]+)\/buckets\/([^/]+)\/([^/]+)$/, page: bucketPage, section: 'buckets' },
  { re: /^\/p\/([^/]+)\/settings$/, page: projectPage, section: 'settings' },
];

export function href(path, query) {
  const qs = query
    ? new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString()
    : '';
  return `#${path}${qs ? `?${qs}` : ''}`;
}

export function navigate(path, query, { replace: replaceEntry = false } = {}) {
  const target = href(path, query);
  if (location.hash === target) return render();
  if (replaceEntry) {
    history.replaceState(null, '', target);
    render();
  } else location.hash = target;
}

const root = /** @type {HTMLElement} */ (document.getElementById('app'));
let renderSeq = 0;

async function render() {
  const seq = ++renderSeq;
  const [path, qs] = (location.hash.slice(1) || '/').split('?');
  const query = new URLSearchParams(qs ?? '');
  if (!app.user && path !== '/signin') {
    return navigate('/signin', path && path !== '/' ? { next: location.hash.slice(1) } : undefined, { replace: true });
  }
  if (path === '/' || path === '') {
    const remembered = localStorage.getItem('ros.project');
    const project = app.projects.find((p) => p.id === remembered) ?? app.projects[0];
    return navigate(project ? `/p/${project.id}/buckets` : '/projects', undefined, { replace: true });
  }
  const route = ROUTES.find((r) => r.re.test(path));
  if (!route) return showShell(null, null, notFoundPage());
  const params = path.match(route.re).slice(1).map(decodeURIComponent);

  /** @type {Project | null} */
  let project = null;
  if (route.section) {
    project = app.projects.find((p) => p.id === params[0]) ?? null;
    if (!project) {
      try {
        project = (await api('GET', `/projects/${encodeURIComponent(params[0])}`)).project;
      } catch (err) {
        if (seq === renderSeq) showShell(null, null, notFoundPage(err.message));
        return;
      }
    }
    localStorage.setItem('ros.project', project.id);
  }
  const main = route.bare
    ? null
    : showShell(project, route.section ?? path.slice(1), h('p', { class: 'loading' }, 'Loading…'));
  /** @type {Ctx} */
  const ctx = { params, query, project, app, path };
  let content;
  try {
    content = await route.page(ctx);
  } catch (err) {
    content = failurePage(err);
  }
  if (seq !== renderSeq) return; // another navigation won
  if (route.bare) replace(root, content);
  else replace(/** @type {HTMLElement} */ (main), content);
  document.title = `${(root.querySelector('h1')?.textContent ?? 'Console').trim()} · Ridge Object Storage`;
  /** @type {HTMLElement | null} */ (root.querySelector('h1'))?.focus({ preventScroll: true });
}

function notFoundPage(message = 'There is no page at this address.') {
  return h(
    'div',
    { class: 'page' },
    h('h1', { tabindex: '-1' }, 'Not found'),
    h('p', null, message),
    h('p', null, h('a', { href: '#/' }, 'Go to the start page')),
  );
}

function failurePage(err) {
  return h(
    'div',
    { class: 'page' },
    h('h1', { tabindex: '-1' }, 'This page could not be shown'),
    h('div', { class: 'form-error', role: 'alert' }, icon('alert'), h('span', null, err?.message ?? String(err))),
    h('p', null, h('button', { type: 'button', class: 'button', onclick: () => render() }, 'Try again')),
  );
}

/** The frame around every signed-in page: top bar with the project selector, left navigation, main. */
function showShell(project, section, content) {
  const user = /** @type {User} */ (app.user);
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
      onchange: (e) => {
        const id = e.target.value;
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
        onclick: (e) => {
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
        h('span', { class: 'user-name', title: user.email }, user.name || user.email),
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
                navLink('/projects', 'All projects', 'project', section === 'projects'),
              ),
            ]
          : [h('ul', null, navLink('/projects', 'Projects', 'project', section === 'projects'))],
        user.isAdmin
          ? [
              h('p', { class: 'nav-group', id: 'nav-admin' }, 'Administration'),
              h('ul', { 'aria-labelledby': 'nav-admin' }, navLink('/users', 'Users', 'users', section === 'users')),
            ]
          : null,
      ),
      main,
    ),
  );
  return main;
}

async function signOut() {
  try {
    await api('POST', '/auth/logout');
  } catch (err) {
    if (err.code !== 'unauthenticated') return reportError('Could not sign out', err);
  }
  app.user = null;
  app.projects = [];
  setCsrf('');
  navigate('/signin', { out: '1' });
}

/** Called by the sign-in page once the session exists. */
export async function signedIn(user, csrf, next) {
  app.user = user;
  setCsrf(csrf);
  await app.reloadProjects();
  const target = `#${next?.startsWith('/') && !next.startsWith('/signin') ? next : '/'}`;
  if (location.hash === target) render();
  else location.hash = target;
}

whenSignedOut(() => {
  if (!app.user) return;
  app.user = null;
  navigate('/signin', { next: location.hash.slice(1), expired: '1' });
});

window.addEventListener('hashchange', () => render());
window.addEventListener('beforeunload', (e) => {
  if (document.querySelector('[data-uploading="true"]')) e.preventDefault();
});

async function start() {
  try {
    app.sites = (await api('GET', '/sites')).sites;
    const me = await api('GET', '/me').catch((err) => {
      if (err.code === 'unauthenticated') return null;
      throw err;
    });
    if (me) {
      app.user = me.user;
      setCsrf(me.csrfToken);
      await app.reloadProjects();
    }
  } catch (err) {
    replace(root, failurePage(err));
    return;
  }
  await render();
}

start().catch((err) => announce(String(err), 'error'));
