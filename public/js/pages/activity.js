// Activity: the audit log (docs/api.md, "Audit log"). A project's page for its admins, and every event for
// system administrators at #/activity. Newest first, a page at a time, filtered by who and by action.
import { api } from '../api.js';
import { app } from '../app-state.js';
import { href, navigate } from '../nav.js';
import { emptyState, notice } from '../ui/blocks.js';
import { h } from '../ui/dom.js';
import { when } from '../ui/format.js';
import { field } from '../ui/forms.js';
import { icon } from '../ui/icons.js';

const PAGE = 50;

/**
 * @typedef {{ id: string, at: string, projectId: string | null, actor: { id: string | null, email: string | null },
 *   action: string, target: string | null, detail: Record<string, unknown> | null, address: string | null,
 *   userAgent: string | null }} AuditEvent
 */

/** @param {import('../app-state.js').Ctx} ctx */
export async function activityPage(ctx) {
  const project = ctx.project;
  const path = project ? `/p/${project.id}/activity` : '/activity';
  const allowed = project ? project.role === 'admin' : app.user?.isAdmin;
  if (!allowed) {
    return h(
      'div',
      { class: 'page' },
      h('h1', { tabindex: '-1' }, 'Activity'),
      notice(
        'warning',
        h(
          'p',
          null,
          h(
            'strong',
            null,
            project ? 'Only project admins see its activity.' : 'Only system administrators see all activity.',
          ),
        ),
      ),
    );
  }
  const actor = ctx.query.get('actor') ?? '';
  const action = ctx.query.get('action') ?? '';
  const before = ctx.query.get('before') ?? '';
  const q = new URLSearchParams({ limit: String(PAGE) });
  if (actor) q.set('actor', actor);
  if (action) q.set('action', action);
  if (before) q.set('before', before);
  const apiPath = project ? `/projects/${encodeURIComponent(project.id)}/audit` : '/audit';
  /** @type {{ events: AuditEvent[], nextCursor: string | null }} */
  const page = await api('GET', `${apiPath}?${q}`);

  const actorInput = h('input', { type: 'search', name: 'actor', value: actor, placeholder: 'someone@example.com' });
  const actionInput = h('input', { type: 'search', name: 'action', value: action, placeholder: 'key.create or key.' });
  const filters = h(
    'form',
    {
      class: 'inline-form',
      role: 'search',
      'aria-label': 'Filter events',
      onsubmit: (/** @type {SubmitEvent} */ e) => {
        e.preventDefault();
        navigate(path, { actor: actorInput.value.trim(), action: actionInput.value.trim() });
      },
    },
    field('Person (email)', actorInput),
    field('Action', actionInput, 'A name such as bucket.delete, or a prefix such as key.'),
    h('button', { type: 'submit', class: 'button' }, 'Filter'),
    actor || action ? h('a', { class: 'button subtle', href: href(path) }, 'Clear') : null,
  );

  const rows = page.events.map((e) =>
    h(
      'tr',
      null,
      h('td', { class: 'nowrap' }, h('time', { datetime: e.at, title: e.at }, when(e.at))),
      h('td', null, e.actor.email ?? '—'),
      h('td', null, h('code', null, e.action)),
      h('td', { class: 'break' }, e.target ?? ''),
      h('td', { class: 'muted small break' }, e.detail ? JSON.stringify(e.detail) : ''),
      h('td', { class: 'muted small', title: e.userAgent ?? '' }, e.address ?? ''),
    ),
  );
  const table = page.events.length
    ? h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'table' },
          h('caption', { class: 'visually-hidden' }, 'Events, newest first'),
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              ['When', 'Who', 'Action', 'Target', 'Detail', 'From'].map((t) => h('th', { scope: 'col' }, t)),
            ),
          ),
          h('tbody', null, rows),
        ),
      )
    : emptyState(
        'info',
        'No events',
        actor || action ? 'No event matches these filters.' : 'Nothing has happened yet.',
      );
  const pager = h(
    'div',
    { class: 'pager' },
    h('span', { class: 'muted small' }, before ? 'Older events' : 'Newest events'),
    h(
      'div',
      { class: 'pager-buttons' },
      before ? h('a', { class: 'button small', href: href(path, { actor, action }) }, 'Newest') : null,
      page.nextCursor
        ? h(
            'a',
            { class: 'button small', href: href(path, { actor, action, before: page.nextCursor }) },
            'Older events',
          )
        : null,
    ),
  );
  return h(
    'div',
    { class: 'page' },
    h('h1', { tabindex: '-1' }, project ? 'Activity' : 'All activity'),
    h(
      'p',
      { class: 'lead' },
      project
        ? `Every change made in ${project.name}: who, what, when and from where.`
        : 'Every change in every project, and every sign-in and failed sign-in.',
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'activity-title' },
      h('h2', { id: 'activity-title' }, icon('activity'), ' Events'),
      filters,
      table,
      pager,
    ),
  );
}
