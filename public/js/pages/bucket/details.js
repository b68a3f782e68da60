// The bucket's details card: its endpoint URL and other addresses (each with Copy), site, creation, and the counts
// of objects, bytes and unfinished uploads (which take a listing, so they arrive after the page).
import { api } from '../../api.js';
import { reportError } from '../../ui/announce.js';
import { copyButton } from '../../ui/clipboard.js';
import { h, replace } from '../../ui/dom.js';
import { bytes, when } from '../../ui/format.js';

/**
 * The card, and `loadStats` to count (again) what the bucket holds.
 * @param {import('./view.js').BucketView} view
 */
export function bucketDetails({ bucket, base }) {
  const stats = {
    objects: h('dd', null, h('span', { class: 'muted' }, 'Counting…')),
    size: h('dd', null, h('span', { class: 'muted' }, 'Counting…')),
    uploads: h('div', { class: 'detail', hidden: true }),
  };
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'details-title' },
    h('h2', { id: 'details-title' }, 'Details'),
    h(
      'dl',
      { class: 'details' },
      urlDetail(
        'Endpoint URL',
        bucket.endpoint,
        'endpoint URL',
        'What an S3 client is configured with, together with an access key for this site.',
      ),
      detail('Site', [bucket.siteName, ' ', h('span', { class: 'muted' }, `(${bucket.site})`)]),
      detail('Created', when(bucket.createdAt)),
      detail('Objects', stats.objects),
      detail('Size', stats.size),
      stats.uploads,
      urlDetail('Path-style URL', bucket.urls.pathStyle, 'path-style URL'),
      urlDetail('Virtual-host URL', bucket.urls.virtualHost, 'virtual-host URL'),
    ),
  );
  return { section, loadStats: () => loadStats(base, stats) };
}

/**
 * Fills the count cells; a listing that was cut short says "at least".
 * @param {string} base @param {{ objects: HTMLElement, size: HTMLElement, uploads: HTMLElement }} cells
 */
async function loadStats(base, cells) {
  try {
    const { stats } = await api('GET', `${base}/stats`);
    const atLeast = stats.complete ? '' : 'at least ';
    replace(cells.objects, `${atLeast}${stats.objects.toLocaleString()}`);
    replace(cells.size, `${atLeast}${bytes(stats.bytes)}`);
    cells.uploads.hidden = stats.uploads === 0;
    replace(cells.uploads, h('dt', null, 'Unfinished uploads'), h('dd', null, stats.uploads.toLocaleString()));
  } catch (err) {
    replace(cells.objects, h('span', { class: 'muted' }, 'Unknown'));
    replace(cells.size, h('span', { class: 'muted' }, 'Unknown'));
    reportError('Could not count the objects', err);
  }
}

/**
 * One term and its value; a value that is already a <dd> (one filled in later) is used as it is.
 * @param {string} label @param {any} value @param {string} [cls]
 */
function detail(label, value, cls = 'detail') {
  return h(
    'div',
    { class: cls },
    h('dt', null, label),
    value instanceof HTMLElement && value.tagName === 'DD' ? value : h('dd', null, value),
  );
}

/**
 * An address with its Copy button, or why the bucket has none.
 * @param {string} label @param {string | null} url @param {string} what @param {string} [hint]
 */
function urlDetail(label, url, what, hint) {
  return detail(
    label,
    url
      ? h(
          'dd',
          null,
          h(
            'div',
            { class: 'copy-row' },
            h('code', { class: 'copy-value' }, url),
            copyButton(() => url, what),
          ),
          hint ? h('p', { class: 'hint' }, hint) : null,
        )
      : h(
          'span',
          { class: 'muted' },
          'None: the site is reached by IP address, and virtual-host addressing needs a DNS name',
        ),
    'detail wide',
  );
}
