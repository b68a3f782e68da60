// Uploads from the bucket's page: the Upload button and its file picker, files dropped on the objects, and a row
// per file with its progress (and its parts, when multipart), Cancel, and how it ended.
import { announce, reportError } from '../../ui/announce.js';
import { confirmDialog } from '../../ui/dialogs.js';
import { h, replace } from '../../ui/dom.js';
import { bytes } from '../../ui/format.js';
import { icon, iconButton } from '../../ui/icons.js';
import { uploadFile } from '../../upload.js';

/**
 * The bucket's uploads, from `shelves` (kept across renders), or new ones.
 * @param {Map<string, import('../../app-state.js').BucketUploads>} shelves @param {string} base
 */
export function uploadShelf(shelves, base) {
  let shelf = shelves.get(base);
  if (!shelf) {
    shelf = { list: h('ul', { class: 'uploads', 'aria-label': 'Uploads' }), refresh: () => {} };
    shelves.set(base, shelf);
  }
  return shelf;
}

/**
 * The Upload button with its (hidden) file picker, the hint for dropping files, and `start` to upload files into
 * the folder shown.
 * @param {import('./view.js').BucketView} view @param {import('../../app-state.js').BucketUploads} shelf
 */
export function uploadControls(view, shelf) {
  /** @param {File[]} files */
  const start = (files) => uploadAll(view, shelf, files);
  const picker = h('input', {
    type: 'file',
    multiple: true,
    class: 'visually-hidden',
    tabindex: '-1',
    'aria-hidden': 'true',
    id: 'file-picker',
    onchange: () => {
      start([...(picker.files ?? [])]);
      picker.value = '';
    },
  });
  return {
    button: h(
      'button',
      { type: 'button', class: 'button primary', onclick: () => picker.click() },
      icon('upload'),
      'Upload',
    ),
    picker,
    dropHint: h(
      'p',
      { class: 'drop-hint muted small' },
      icon('upload'),
      `Drag and drop files here to upload them to ${view.bucket.name}/${view.folder}`,
    ),
    start,
  };
}

/**
 * Makes `zone` take the files dropped on it (and look it while they are dragged over).
 * @param {HTMLElement} zone @param {(files: File[]) => void} start
 */
export function acceptFileDrops(zone, start) {
  // dragenter and dragleave fire for each child crossed: counted, so leaving a child is not leaving the zone.
  let depth = 0;
  /** @param {DragEvent} e */
  const hasFiles = (e) => [...(e.dataTransfer?.types ?? [])].includes('Files');
  zone.addEventListener('dragenter', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth++;
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    /** @type {DataTransfer} */ (e.dataTransfer).dropEffect = 'copy';
  });
  zone.addEventListener('dragleave', () => {
    if (--depth <= 0) {
      depth = 0;
      zone.classList.remove('dragging');
    }
  });
  zone.addEventListener('drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth = 0;
    zone.classList.remove('dragging');
    start([.../** @type {DataTransfer} */ (e.dataTransfer).files]);
  });
}

/**
 * Uploads the files one after another into the folder shown when they were chosen.
 * @param {import('./view.js').BucketView} view @param {import('../../app-state.js').BucketUploads} shelf
 * @param {File[]} files
 */
async function uploadAll(view, shelf, files) {
  for (const file of files) await uploadOne(view, shelf, file);
}

/**
 * Uploads one file as a row of the shelf; resolves when it ended, however it ended.
 * @param {import('./view.js').BucketView} view @param {import('../../app-state.js').BucketUploads} shelf
 * @param {File} file
 * @returns {Promise<void>}
 */
function uploadOne({ bucket, base, folder }, shelf, file) {
  return new Promise((resolve) => {
    const key = folder + file.name;
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
    shelf.list.append(row);
    let multipartNote = '';
    const job = uploadFile({
      base,
      key,
      file,
      onMultipart: (n) => (multipartNote = ` · multipart, ${n} parts`),
      onProgress: (sent) => {
        const done = Math.min(sent, file.size);
        bar.value = done;
        status.textContent = `${Math.floor((100 * done) / (file.size || 1))}% · ${bytes(done)} of ${bytes(file.size)}${multipartNote}`;
      },
      askReplace: () => askReplace(bucket.name, key),
    });
    replace(
      actions,
      h(
        'button',
        { type: 'button', class: 'button small', 'aria-label': `Cancel upload of ${key}`, onclick: () => job.cancel() },
        'Cancel',
      ),
    );
    /** @param {string} text @param {'done' | 'cancelled' | 'failed'} kind */
    const finish = (text, kind) => {
      row.dataset.uploading = 'false';
      row.classList.add(kind);
      status.textContent = text;
      replace(
        actions,
        iconButton('close', `Dismiss ${key}`, () => row.remove(), 'icon-button small'),
      );
      if (kind === 'done') setTimeout(() => row.remove(), 6000);
      resolve();
    };
    job.done.then(
      (object) => {
        bar.value = bar.max;
        finish(`Uploaded · ${bytes(object.size)}${multipartNote}`, 'done');
        announce(`Uploaded ${key}`);
        shelf.refresh();
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
}

/**
 * Asks whether the file replaces the object of the same name.
 * @param {string} bucketName @param {string} key
 */
function askReplace(bucketName, key) {
  return confirmDialog({
    title: 'Replace object?',
    message: h(
      'p',
      null,
      'An object named ',
      h('strong', { class: 'break' }, key),
      ' already exists in ',
      h('strong', null, bucketName),
      '. Replace it with the file you are uploading?',
    ),
    confirm: 'Replace',
  });
}
