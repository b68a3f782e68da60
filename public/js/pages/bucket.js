import { api, seg } from '../api.js';
import { app } from '../app-state.js';
import { navigate } from '../nav.js';
import { uploadFile } from '../upload.js';
import { announce, reportError } from '../ui/announce.js';
import { emptyState, nameCell, notice } from '../ui/blocks.js';
import { copyButton } from '../ui/clipboard.js';
import { confirmDialog, openDialog } from '../ui/dialogs.js';
import { h, replace } from '../ui/dom.js';
import { bytes, when } from '../ui/format.js';
import { busy, field, formError } from '../ui/forms.js';
import { icon, iconButton } from '../ui/icons.js';
import { menuButton } from '../ui/menu.js';

const PAGE_SIZE = 100;

/** Uploads outlive a page render (moving between folders): their rows are kept here per bucket. */
const uploadsByBucket = new Map();
/** The refresh of the page currently showing a bucket, for uploads that finish later. */
const refreshers = new Map();

/**
 * A bucket's page: all details (endpoint URL, site, created, object count and size), the ⋮ menu with Delete,
 * and at the bottom its objects: paged, folders by "/", breadcrumbs, a prefix filter, download, the trash icon,
 * and uploads by file picker or drag-and-drop.
 * @param {import('../app-state.js').Ctx} ctx
 */
export async function bucketPage(ctx) {
  const project = /** @type {import('../app-state.js').Project} */ (ctx.project);
  const [, siteId, name] = ctx.params;
  const base = `/projects/${seg(project.id)}/buckets/${seg(siteId, name)}`;
  const route = `/p/${project.id}/buckets/${encodeURIComponent(siteId)}/${encodeURIComponent(name)}`;
  let bucket;
  try {
    bucket = (await api('GET', base)).bucket;
  } catch (err) {
    if (err.code !== 'no_key_for_site') throw err;
    return h(
      'div',
      { class: 'page' },
      h('h1', { tabindex: '-1' }, name),
      notice(
        'warning',
        err.message,
        '. ',
        h(
          'a',
          { href: `#/p/${project.id}/keys?add=${encodeURIComponent(siteId)}` },
          `Add Own Key for ${app.siteName(siteId)}`,
        ),
      ),
    );
  }
  const folder = ctx.query.get('prefix') ?? '';

  // ---- details
  const statsCells = {
    objects: h('dd', null, h('span', { class: 'muted' }, 'Counting…')),
    size: h('dd', null, h('span', { class: 'muted' }, 'Counting…')),
    uploads: h('div', { class: 'detail', hidden: true }),
  };
  const loadStats = async () => {
    try {
      const { stats } = await api('GET', `${base}/stats`);
      const atLeast = stats.complete ? '' : 'at least ';
      replace(statsCells.objects, `${atLeast}${stats.objects.toLocaleString()}`);
      replace(statsCells.size, `${atLeast}${bytes(stats.bytes)}`);
      statsCells.uploads.hidden = stats.uploads === 0;
      replace(statsCells.uploads, h('dt', null, 'Unfinished uploads'), h('dd', null, stats.uploads.toLocaleString()));
    } catch (err) {
      replace(statsCells.objects, h('span', { class: 'muted' }, 'Unknown'));
      replace(statsCells.size, h('span', { class: 'muted' }, 'Unknown'));
      reportError('Could not count the objects', err);
    }
  };
  const detail = (label, value, cls = 'detail') =>
    h(
      'div',
      { class: cls },
      h('dt', null, label),
      value instanceof HTMLElement && value.tagName === 'DD' ? value : h('dd', null, value),
    );
  const urlDetail = (label, url, what, hint) =>
    detail(
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

  const details = h(
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
      detail('Objects', statsCells.objects),
      detail('Size', statsCells.size),
      statsCells.uploads,
      urlDetail('Path-style URL', bucket.urls.pathStyle, 'path-style URL'),
      urlDetail('Virtual-host URL', bucket.urls.virtualHost, 'virtual-host URL'),
    ),
  );

  // ---- objects
  const filter = h('input', {
    type: 'search',
    id: 'object-filter',
    class: 'filter',
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: 'Name starts with…',
  });
  const listing = h('div', { class: 'listing', 'aria-live': 'polite', 'aria-busy': 'true' });
  const pager = h('div', { class: 'pager' });
  const objectsTitle = h('h2', { id: 'objects-title', tabindex: '-1' }, 'Objects');
  let tokens = [null];
  let pageIndex = 0;
  let loadSeq = 0;

  const folderHref = (prefix) => `#${route}${prefix ? `?prefix=${encodeURIComponent(prefix)}` : ''}`;
  const crumbs = () => {
    const parts = folder.split('/').filter((p, i, all) => p !== '' || i < all.length - 1);
    const items = [
      h(
        'li',
        null,
        h('a', { href: folderHref(''), 'aria-current': folder ? null : 'location' }, icon('bucket'), bucket.name),
      ),
    ];
    let acc = '';
    parts.forEach((p, i) => {
      acc += `${p}/`;
      const last = i === parts.length - 1;
      items.push(
        h('li', null, h('a', { href: folderHref(acc), 'aria-current': last ? 'location' : null }, p || '(empty name)')),
      );
    });
    return h('nav', { class: 'crumbs', 'aria-label': 'Folder' }, h('ol', null, items));
  };

  const load = async () => {
    const seq = ++loadSeq;
    listing.setAttribute('aria-busy', 'true');
    const params = new URLSearchParams({ delimiter: '/', prefix: folder + filter.value, limit: String(PAGE_SIZE) });
    const token = tokens[pageIndex];
    if (token) params.set('token', token);
    try {
      const page = await api('GET', `${base}/objects?${params}`);
      if (seq !== loadSeq) return;
      tokens[pageIndex + 1] = page.nextToken;
      renderListing(page);
    } catch (err) {
      if (seq !== loadSeq) return;
      replace(
        listing,
        h(
          'div',
          { class: 'form-error', role: 'alert' },
          icon('alert'),
          h('span', null, `Could not list the objects: ${err.message}`),
          h('button', { type: 'button', class: 'button small', onclick: load }, 'Try again'),
        ),
      );
      replace(pager);
    } finally {
      if (seq === loadSeq) listing.setAttribute('aria-busy', 'false');
    }
  };

  const renderListing = (page) => {
    const rows = [
      ...page.folders.map((f) =>
        h(
          'tr',
          { class: 'folder-row' },
          nameCell('folder', h('a', { href: folderHref(f) }, f.slice(folder.length))),
          h('td', { class: 'muted' }, 'Folder'),
          h('td', { class: 'muted' }, '—'),
          h('td', { class: 'actions' }),
        ),
      ),
      ...page.objects.map((o) =>
        h(
          'tr',
          null,
          nameCell('file', h('span', { class: 'object-name', title: o.key }, o.key.slice(folder.length))),
          h('td', { class: 'num' }, bytes(o.size)),
          h('td', null, when(o.lastModified)),
          h(
            'td',
            { class: 'actions' },
            downloadLink(o.key),
            iconButton('trash', `Delete ${o.key}`, () => removeObject(o.key), 'icon-button danger'),
          ),
        ),
      ),
    ];
    if (rows.length === 0) {
      replace(
        listing,
        filter.value
          ? emptyState(
              'file',
              `Nothing here starts with “${filter.value}”`,
              'Clear the filter to see everything in this folder.',
            )
          : pageIndex > 0
            ? emptyState('file', 'No more objects', 'Go back to the previous page.')
            : emptyState(
                'upload',
                folder ? 'This folder is empty' : 'This bucket is empty',
                'Upload files with the Upload button or drop them here, or add objects with any S3 client using the endpoint URL above.',
              ),
      );
    } else {
      replace(
        listing,
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'table objects' },
            h('caption', { class: 'visually-hidden' }, `Objects in ${bucket.name}/${folder}`),
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
    }
    const shown = rows.length;
    const first = pageIndex * PAGE_SIZE + 1;
    replace(
      pager,
      shown || pageIndex > 0
        ? [
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
                {
                  type: 'button',
                  class: 'button small',
                  disabled: pageIndex === 0,
                  onclick: () => {
                    pageIndex--;
                    load();
                  },
                },
                'Previous page',
              ),
              h(
                'button',
                {
                  type: 'button',
                  class: 'button small',
                  disabled: !page.nextToken,
                  onclick: () => {
                    pageIndex++;
                    load();
                  },
                },
                'Next page',
              ),
            ),
          ]
        : [],
    );
  };

  const reloadAll = () => {
    tokens = tokens.slice(0, pageIndex + 1);
    load();
    loadStats();
  };
  refreshers.set(base, reloadAll);

  const downloadLink = (key) => {
    const url = `/api${base}/object?key=${encodeURIComponent(key)}`;
    const fileName = key.slice(key.lastIndexOf('/') + 1);
    return h(
      'a',
      {
        href: url,
        download: fileName,
        class: 'icon-button',
        'aria-label': `Download ${key}`,
        title: `Download ${key}`,
        onclick: async (e) => {
          // Checked first, so a failure is said in words rather than as a broken download.
          if (e.currentTarget.dataset.checked) return;
          e.preventDefault();
          const link = e.currentTarget;
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
  };

  const removeObject = async (key) => {
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
      objectsTitle.focus();
      reloadAll();
    } catch (err) {
      reportError(`Could not delete ${key}`, err);
    }
  };

  let filterTimer = 0;
  filter.addEventListener('input', () => {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(() => {
      tokens = [null];
      pageIndex = 0;
      load();
    }, 250);
  });

  // ---- uploads
  if (!uploadsByBucket.has(base)) uploadsByBucket.set(base, h('ul', { class: 'uploads', 'aria-label': 'Uploads' }));
  const uploadList = uploadsByBucket.get(base);
  const picker = h('input', {
    type: 'file',
    multiple: true,
    class: 'visually-hidden',
    tabindex: '-1',
    'aria-hidden': 'true',
    id: 'file-picker',
    onchange: () => {
      startUploads([...picker.files]);
      picker.value = '';
    },
  });
  const uploadButton = h(
    'button',
    { type: 'button', class: 'button primary', onclick: () => picker.click() },
    icon('upload'),
    'Upload',
  );

  const startUploads = (files) => {
    if (!files.length) return;
    const target = folder;
    (async () => {
      for (const file of files) await uploadOne(file, target);
    })();
  };

  const uploadOne = (file, prefix) =>
    new Promise((resolve) => {
      const key = prefix + file.name;
      const bar = h('progress', { max: String(file.size || 1), value: '0', 'aria-label': `Uploading ${key}` });
      const status = h('span', { class: 'upload-status muted small' }, 'Starting…');
      const actions = h('span', { class: 'upload-actions' });
      const row = h(
        'li',
        { class: 'upload', 'data-uploading': 'true' },
        icon('upload'),
        h('span', { class: 'upload-name', title: key }, key),
        bar,
        status,
        actions,
      );
      uploadList.append(row);
      let multipartNote = '';
      const job = uploadFile({
        base,
        key,
        file,
        onMultipart: (n) => (multipartNote = ` · multipart, ${n} parts`),
        onProgress: (sent) => {
          bar.value = Math.min(sent, file.size);
          status.textContent = `${Math.floor((100 * Math.min(sent, file.size)) / (file.size || 1))}% · ${bytes(Math.min(sent, file.size))} of ${bytes(file.size)}${multipartNote}`;
        },
        askReplace: () =>
          confirmDialog({
            title: 'Replace object?',
            message: h(
              'p',
              null,
              'An object named ',
              h('strong', { class: 'break' }, key),
              ' already exists in ',
              h('strong', null, bucket.name),
              '. Replace it with the file you are uploading?',
            ),
            confirm: 'Replace',
          }),
      });
      const cancel = h(
        'button',
        { type: 'button', class: 'button small', 'aria-label': `Cancel upload of ${key}`, onclick: () => job.cancel() },
        'Cancel',
      );
      replace(actions, cancel);
      const finish = (text, kind) => {
        row.dataset.uploading = 'false';
        row.classList.add(kind);
        status.textContent = text;
        replace(
          actions,
          iconButton('close', `Dismiss ${key}`, () => row.remove(), 'icon-button small'),
        );
        if (kind === 'done') setTimeout(() => row.remove(), 6000);
        resolve(undefined);
      };
      job.done.then(
        (object) => {
          bar.value = bar.max;
          finish(`Uploaded · ${bytes(object.size)}${multipartNote}`, 'done');
          announce(`Uploaded ${key}`);
          refreshers.get(base)?.();
        },
        (err) => {
          if (err.code === 'aborted') {
            finish('Cancelled', 'cancelled');
            announce(`Upload of ${key} cancelled`);
          } else if (err.code === 'kept') {
            finish(err.message, 'cancelled');
            announce(err.message);
          } else {
            finish(`Failed: ${err.message}`, 'failed');
            reportError(`Could not upload ${key}`, err);
          }
        },
      );
    });

  const objects = h(
    'section',
    { class: 'card drop-zone', 'aria-labelledby': 'objects-title' },
    h('div', { class: 'section-head' }, objectsTitle, h('div', { class: 'section-actions' }, uploadButton, picker)),
    h(
      'div',
      { class: 'toolbar' },
      crumbs(),
      h('div', { class: 'filter-field' }, h('label', { for: 'object-filter' }, 'Filter by prefix'), filter),
    ),
    h(
      'p',
      { class: 'drop-hint muted small' },
      icon('upload'),
      `Drag and drop files here to upload them to ${bucket.name}/${folder}`,
    ),
    uploadList,
    listing,
    pager,
  );
  let depth = 0;
  const hasFiles = (e) => [...(e.dataTransfer?.types ?? [])].includes('Files');
  objects.addEventListener('dragenter', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth++;
    objects.classList.add('dragging');
  });
  objects.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  });
  objects.addEventListener('dragleave', () => {
    if (--depth <= 0) {
      depth = 0;
      objects.classList.remove('dragging');
    }
  });
  objects.addEventListener('drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth = 0;
    objects.classList.remove('dragging');
    startUploads([...e.dataTransfer.files]);
  });

  // ---- the ⋮ menu: Delete
  const deleteBucket = () => deleteBucketDialog(project, bucket, base);
  const page = h(
    'div',
    { class: 'page' },
    h(
      'nav',
      { class: 'crumbs page-crumbs', 'aria-label': 'Breadcrumb' },
      h(
        'ol',
        null,
        h('li', null, h('a', { href: `#/p/${project.id}/buckets` }, 'Buckets')),
        h('li', null, h('a', { href: `#${route}`, 'aria-current': 'page' }, bucket.name)),
      ),
    ),
    h(
      'div',
      { class: 'page-head' },
      h(
        'div',
        { class: 'title-block' },
        h('h1', { tabindex: '-1' }, icon('bucket', 'icon title-icon'), bucket.name),
        h('span', { class: 'badge' }, bucket.siteName),
      ),
      menuButton('Bucket actions', [{ label: 'Delete', danger: true, onSelect: deleteBucket }]),
    ),
    details,
    objects,
  );
  load();
  loadStats();
  return page;
}

/** Delete: refused with the reason while the bucket holds objects; then "empty and delete" with the name typed. */
function deleteBucketDialog(project, bucket, base) {
  openDialog({
    title: `Delete bucket ${bucket.name}?`,
    content: (d) => {
      const error = formError();
      const confirmButton = h('button', { type: 'button', class: 'button danger', autofocus: true }, 'Delete bucket');
      const actions = h(
        'div',
        { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'button', onclick: d.close }, 'Cancel'),
        confirmButton,
      );
      const gone = () => {
        d.close();
        announce(`Bucket ${bucket.name} deleted`);
        navigate(`/p/${project.id}/buckets`);
      };
      confirmButton.addEventListener('click', () =>
        busy(confirmButton, async () => {
          error.show(null);
          try {
            await api('DELETE', base);
            gone();
          } catch (err) {
            if (err.code !== 'bucket_not_empty') return error.show(err.message);
            replace(d.body, emptyAndDelete(err.message));
            d.setTitle(`Bucket ${bucket.name} is not empty`);
            /** @type {HTMLElement} */ (d.body.querySelector('input')).focus();
          }
        }),
      );

      const emptyAndDelete = (reason) => {
        const typed = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'none' });
        const typedField = field(`Type the bucket name, ${bucket.name}, to confirm`, typed);
        const progress = h('p', { class: 'muted progress-note', 'aria-live': 'polite' });
        const err2 = formError();
        const go = h('button', { type: 'submit', class: 'button danger' }, 'Empty and delete');
        return h(
          'form',
          {
            class: 'stack',
            novalidate: true,
            onsubmit: (e) => {
              e.preventDefault();
              err2.show(null);
              if (typed.value !== bucket.name) {
                typedField.setError(`Type “${bucket.name}” exactly to confirm.`);
                return typed.focus();
              }
              typedField.setError('');
              busy(go, async () => {
                let removed = 0;
                try {
                  for (let round = 0; round < 1000; round++) {
                    const r = await api('POST', `${base}/empty-and-delete`, { confirm: typed.value });
                    removed += r.objectsDeleted;
                    if (r.deleted) return gone();
                    progress.textContent = `Deleted ${removed.toLocaleString()} objects so far…`;
                  }
                  err2.show('The bucket keeps receiving new objects; stop the clients writing to it and try again.');
                } catch (err) {
                  err2.show(err.message);
                }
              });
            },
          },
          h(
            'div',
            { class: 'form-error', role: 'alert' },
            icon('alert'),
            h('span', null, 'ROS refused to delete the bucket: ', reason),
          ),
          h(
            'p',
            null,
            'You can empty and delete it instead: every object in ',
            h('strong', null, bucket.name),
            ' and every unfinished upload will be deleted permanently, then the bucket. This cannot be undone.',
          ),
          typedField,
          err2,
          progress,
          h(
            'div',
            { class: 'dialog-actions' },
            h('button', { type: 'button', class: 'button', onclick: d.close }, 'Cancel'),
            go,
          ),
        );
      };
      return [
        h(
          'p',
          null,
          'The bucket ',
          h('strong', null, bucket.name),
          ' at ',
          bucket.siteName,
          ' will be deleted. Its name becomes free for anyone at this site. This cannot be undone.',
        ),
        error,
        actions,
      ];
    },
  });
}
