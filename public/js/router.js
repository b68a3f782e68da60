// The route table, and rendering the page at the current address into the frame.
import { api } from './api.js';
import { activityPage } from './pages/activity.js';
import { app } from './app-state.js';
import { navigate } from './nav.js';
import { accountPage } from './pages/account.js';
import { bucketPage } from './pages/bucket.js';
import { bucketsPage } from './pages/buckets.js';
import { keysPage } from './pages/keys.js';
import { projectPage } from './pages/project.js';
import { projectsPage } from './pages/projects.js';
import { signinPage } from './pages/signin.js';
import { systemSettingsPage } from './pages/system-settings.js';
import { usersPage } from './pages/users.js';
import { failurePage, notFoundPage, showShell } from './shell.js';
import { h, replace } from './ui/dom.js';

/**
 * `section`: the project's part of the navigation the page belongs to (its first parameter is the project id);
 * `bare`: shown without the frame.
 * @typedef {{ re: RegExp, page: (ctx: import('./app-state.js').Ctx) => any, section?: string, bare?: boolean }} Route
 * @type {Route[]}
 */
const ROUTES = [
  { re: /^\/signin$/, page: signinPage, bare: true },
  { re: /^\/projects$/, page: projectsPage },
  { re: /^\/users$/, page: usersPage },
  { re: /^\/account$/, page: accountPage },
  { re: /^\/system$/, page: systemSettingsPage },
  { re: /^\/activity$/, page: activityPage },
  { re: /^\/p\/([^/]+)\/activity$/, page: activityPage, section: 'activity' },
  { re: /^\/p\/([^/]+)\/keys$/, page: keysPage, section: 'keys' },
  { re: /^\/p\/([^/]+)\/buckets$/, page: bucketsPage, section: 'buckets' },
  { re: /^\/p\/([^/]+)\/buckets\/([^/]+)\/([^/]+)$/, page: bucketPage, section: 'buckets' },
  { re: /^\/p\/([^/]+)\/settings$/, page: projectPage, section: 'settings' },
];

const root = /** @type {HTMLElement} */ (document.getElementById('app'));
/** Counts renders, so a slow page that an address change overtook is not shown. */
let renderSeq = 0;

/** Shows the page at the current address: sign-in first when nobody is signed in, the remembered project at `/`. */
export async function render() {
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
  if (!route) return showShell(root, null, null, notFoundPage());
  const params = /** @type {RegExpMatchArray} */ (path.match(route.re)).slice(1).map(decodeURIComponent);

  /** @type {import('./app-state.js').Project | null} */
  let project = null;
  if (route.section) {
    project = app.projects.find((p) => p.id === params[0]) ?? null;
    if (!project) {
      try {
        const { project: found } = await api('GET', `/projects/${encodeURIComponent(params[0])}`);
        project = /** @type {import('./app-state.js').Project} */ (found);
      } catch (err) {
        if (seq === renderSeq) showShell(root, null, null, notFoundPage(err.message));
        return;
      }
    }
    localStorage.setItem('ros.project', project.id);
  }
  const main = route.bare
    ? null
    : showShell(root, project, route.section ?? path.slice(1), h('p', { class: 'loading' }, 'Loading…'));
  /** @type {import('./app-state.js').Ctx} */
  const ctx = { params, query, project, app, path };
  let content;
  try {
    content = await route.page(ctx);
  } catch (err) {
    content = failurePage(err, render);
  }
  if (seq !== renderSeq) return; // another navigation won
  if (route.bare) replace(root, content);
  else replace(/** @type {HTMLElement} */ (main), content);
  document.title = `${(root.querySelector('h1')?.textContent ?? 'Console').trim()} · Ridge Object Storage`;
  /** @type {HTMLElement | null} */ (root.querySelector('h1'))?.focus({ preventScroll: true });
}

/**
 * Shows why the console could not start, in place of any page.
 * @param {unknown} err
 */
export function renderFailure(err) {
  replace(root, failurePage(err, render));
}
