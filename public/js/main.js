// The ROS console: a small single-page app on the JSON API. This entry loads the sites and the session, wires the
// router to address changes, and shows the first page.
import { api, setCsrf, whenSignedOut } from './api.js';
import { app } from './app-state.js';
import { render, renderFailure } from './router.js';
import { sessionEnded } from './session.js';
import { announce } from './ui/announce.js';

whenSignedOut(sessionEnded);

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
    renderFailure(err);
    return;
  }
  await render();
}

start().catch((err) => announce(String(err), 'error'));
