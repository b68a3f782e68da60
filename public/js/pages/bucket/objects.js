// The bucket's objects, at the bottom of its page: one folder at a time (keys grouped by "/"), a page of them at a
// time, with breadcrumbs, a prefix filter, a download link and the trash icon on each object.
import { api } from '../../api.js';
import { announce, reportError } from '../../ui/announce.js';
import { emptyState, nameCell } from '../../ui/blocks.js';
import { confirmDialog } from '../../ui/dialogs.js';
import { h, replace } from '../../ui/dom.js';
import { bytes, when } from '../../ui/format.js';
import { icon, iconButton } from '../../ui/icons.js';
import { isPublic, shareDialog } from './share.js';
import { objectTagsDialog } from './tags.js';

const PAGE_SIZE = 100;

/**
 * One render's listing: its elements, and where it is. `tokens[i]` continues the listing at page i (null: the
 * start); `loadSeq` counts loads, so an answer that a later load overtook is dropped.
 * @typedef {{ view: import('./view.js').BucketView, onChanged: () => void, title: HTMLElement,
 *   filter: HTMLInputElement, listing: HTMLElement, pager: HTMLElement, tokens: (string | null)[],
 *   pageIndex: number, loadSeq: number, filterTimer: number }} Listing
 */

/**
 * The parts of the objects section, and `reload` to list the page shown again. `onChanged` runs once an object is deleted or its access changed.
 * @param {import('./view.js').BucketView} view @param {() => void} onChanged
 */
export function objectListing(view, onChanged) {
  /** @type {Listing} */
  const list = {
    view,
    onChanged,
    title: h('h2', { id: 'objects-title', tabindex: '-1' }, 'Objects'),
    filter: h('input', {
      type: 'search',
      id: 'object-filter',
      class: 'filter',
      autocomplete: 'off',
      spellcheck: 'false',
      placeholder: 'Name starts with…',
    }),
    listing: h('div', { class: 'listing', 'aria-live': 'polite', 'aria-busy': 'true' }),
    pager: h('div', { class: 'pager' }),
    tokens: [null],
    pageIndex: 0,
    loadSeq: 0,
    filterTimer: 0,
  };
  list.filter.addEventListener('input', () => {
    clearTimeout(list.filterTimer);
    list.filterTimer = setTimeout(() => {
      list.tokens = [null];
      list.pageIndex = 0;
      loadPage(list);
    }, 250);
  });
  return {
    title: list.title,
    toolbar: h(
      'div',
      { class: 'toolbar' },
      folderCrumbs(view),
      h('div', { class: 'filter-field' }, h('label', { for: 'object-filter' }, 'Filter by prefix'), list.filter),
    ),
    listing: list.listing,
    pager: list.pager,
    reload: () => {
      // The pages after this one may have changed: their tokens are asked for again.
      list.tokens = list.tokens.slice(0, list.pageIndex + 1);
      loadPage(list);
    },
  };
}

/**
 * The address of one of the bucket's folders (the top for an empty prefix).
 * @param {string} route @param {string} prefix
 */
const folderHref = (route, prefix) => `#${route}${prefix ? `?prefix=${encodeURIComponent(prefix)}` : ''}`;

/**
 * The bucket and each folder down to the one shown, as links.
 * @param {import('./view.js').BucketView} view
 */
function folderCrumbs({ bucket, route, folder }) {
  const parts = folder.split('/').filter((p, i, all) => p !== '' || i < all.length - 1);
  const items = [
    h(
      'li',
      null,
      h('a', { href: folderHref(route, ''), 'aria-current': folder ? null : 'location' }, icon('bucket'), bucket.name),
    ),
  ];
  let acc = '';
  parts.forEach((p, i) => {
    acc += `${p}/`;
    const last = i === parts.length - 1;
    items.push(
      h(
        'li',
        null,
        h('a', { href: folderHref(route, acc), 'aria-current': last ? 'location' : null }, p || '(empty name)'),
      ),
    );
  });
  return h('nav', { class: 'crumbs', 'aria-label': 'Folder' }, h('ol', null, items));
}

/**
 * Lists the page `list.pageIndex` of the folder, filtered by the prefix typed.
 * @param {Listing} list
 */
async function loadPage(list) {
  const seq = ++list.loadSeq;
  const { listing, pager, view } = list;
  listing.setAttribute('aria-busy', 'true');
  const params = new URLSearchParams({
    delimiter: '/',
    prefix: view.folder + list.filter.value,
    limit: String(PAGE_SIZE),
  });
  const token = list.tokens[list.pageIndex];
  if (token) params.set('token', token);
  try {
    const page = await api('GET', `${view.base}/objects?${params}`);
    if (seq !== list.loadSeq) return;
    list.tokens[list.pageIndex + 1] = page.nextToken;
    showPage(list, page);
  } catch (err) {
    if (seq !== list.loadSeq) return;
    replace(
      listing,
      h(
        'div',
        { class: 'form-error', role: 'alert' },
        icon('alert'),
        h('span', null, `Could not list the objects: ${err.message}`),
        h('button', { type: 'button', class: 'button small', onclick: () => loadPage(list) }, 'Try again'),
      ),
    );
    replace(pager);
  } finally {
    if (seq === list.loadSeq) listing.setAttribute('aria-busy', 'false');
  }
}

/**
 * Shows a page of the listing: its folders, then its objects, or what to do when there are none; and the pager.
 * @param {Listing} list @param {{ folders: string[], objects: any[], nextToken: string | null }} page
 */
function showPage(list, page) {
  const { view } = list;
  const rows = [...page.folders.map((f) => folderRow(view, f)), ...page.objects.map((o) => objectRow(list, o))];
  replace(
    list.listing,
    rows.length === 0
      ? emptyListing(list)
      : h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'table objects' },
            h('caption', { class: 'visually-hidden' }, `Objects in ${view.bucket.name}/${view.folder}`),
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                h('th', { scope: 'col' }, 'Name'),
                h('th', { scope: 'col', class: 'num' }, 'Size'),
                h('th', { scope: 'col' }, 'Last modified'),
                h('th', { scope: 'col', class: 'actions' }, h('span', { class: 'visually-hidden' }, 'Actions')),
              ),
            ),
            h('tbody', null, rows),
          ),
        ),
  );
  replace(list.pager, rows.length || list.pageIndex > 0 ? pagerControls(list, rows.length, page.nextToken) : []);
}

/**
 * @param {import('./view.js').BucketView} view @param {string} prefix the folder's full prefix
 */
function folderRow({ route, folder }, prefix) {
  return h(
    'tr',
    { class: 'folder-row' },
    nameCell('folder', h('a', { href: folderHref(route, prefix) }, prefix.slice(folder.length))),
    h('td', { class: 'muted' }, 'Folder'),
    h('td', { class: 'muted' }, '—'),
    h('td', { class: 'actions' }),
  );
}

/**
 * An object's row: its name (with a Public mark when anyone may read it), size, date, and its actions.
 * @param {Listing} list @param {{ key: string, size: number, lastModified: string, acl?: string }} object
 */
function objectRow(list, object) {
  const { key, size, lastModified } = object;
  const reload = () => list.onChanged();
  return h(
    'tr',
    null,
    nameCell(
      'file',
      h('span', { class: 'object-name', title: key }, key.slice(list.view.folder.length)),
      isPublic(list.view.bucket, object) ? h('span', { class: 'badge public' }, icon('globe'), 'Public') : null,
    ),
    h('td', { class: 'num' }, bytes(size)),
    h('td', null, when(lastModified)),
    h(
      'td',
      { class: 'actions' },
      iconButton('share', `Share ${key}`, () => shareDialog(list.view, object, reload)),
      iconButton('tag', `Tags of ${key}`, () => objectTagsDialog(list.view, key)),
      downloadLink(list.view.base, key),
      iconButton('trash', `Delete ${key}`, () => deleteObject(list, key), 'icon-button danger'),
    ),
  );
}

/**
 * Why the page is empty: the filter, the end of the listing, or an empty folder (and how to fill it).
 * @param {Listing} list
 */
function emptyListing({ filter, pageIndex, view }) {
  if (filter.value) {
    return emptyState(
      'file',
      `Nothing here starts with “${filter.value}”`,
      'Clear the filter to see everything in this folder.',
    );
  }
  if (pageIndex > 0) return emptyState('file', 'No more objects', 'Go back to the previous page.');
  return emptyState(
    'upload',
    view.folder ? 'This folder is empty' : 'This bucket is empty',
    'Upload files with the Upload button or drop them here, or add objects with any S3 client using the endpoint URL above.',
  );
}

/**
 * Which objects are shown, and the Previous page / Next page buttons.
 * @param {Listing} list @param {number} shown rows on this page @param {string | null} nextToken
 */
function pagerControls(list, shown, nextToken) {
  const first = list.pageIndex * PAGE_SIZE + 1;
  /** @param {number} step */
  const turn = (step) => () => {
    list.pageIndex += step;
    loadPage(list);
  };
  return [
    h(
      'span',
      { class: 'muted small' },
      shown ? `Showing ${first.toLocaleString()}–${(first + shown - 1).toLocaleString()}` : '',
    ),
    h(
      'div',
      { class: 'pager-buttons' },
      h(
        'button',
        { type: 'button', class: 'button small', disabled: list.pageIndex === 0, onclick: turn(-1) },
        'Previous page',
      ),
      h('button', { type: 'button', class: 'button small', disabled: !nextToken, onclick: turn(+1) }, 'Next page'),
    ),
  ];
}

/**
 * A download link for the object. The object is checked first, so a failure is said in words rather than as a
 * broken download.
 * @param {string} base @param {string} key
 */
function downloadLink(base, key) {
  return h(
    'a',
    {
      href: `/api${base}/object?key=${encodeURIComponent(key)}`,
      download: key.slice(key.lastIndexOf('/') + 1),
      class: 'icon-button',
      'aria-label': `Download ${key}`,
      title: `Download ${key}`,
      onclick: async (/** @type {MouseEvent} */ e) => {
        const link = /** @type {HTMLAnchorElement} */ (e.currentTarget);
        if (link.dataset.checked) return;
        e.preventDefault();
        try {
          await api('HEAD', `${base}/object?key=${encodeURIComponent(key)}`);
          link.dataset.checked = '1';
          link.click();
          delete link.dataset.checked;
        } catch (err) {
          reportError(`Could not download ${key}`, err);
        }
      },
    },
    icon('download'),
  );
}

/**
 * The trash icon: deletes the object once confirmed.
 * @param {Listing} list @param {string} key
 */
async function deleteObject(list, key) {
  const { bucket, base } = list.view;
  const ok = await confirmDialog({
    title: 'Delete object?',
    message: [
      h(
        'p',
        null,
        h('strong', { class: 'break' }, key),
        ' will be deleted permanently from ',
        h('strong', null, bucket.name),
        '.',
      ),
      h('p', null, 'This cannot be undone.'),
    ],
    confirm: 'Delete object',
  });
  if (!ok) return;
  try {
    await api('DELETE', `${base}/object?key=${encodeURIComponent(key)}`);
    announce(`Deleted ${key}`);
    list.title.focus();
    list.onChanged();
  } catch (err) {
    reportError(`Could not delete ${key}`, err);
  }
}
