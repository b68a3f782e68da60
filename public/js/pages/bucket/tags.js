// Tags: key–value pairs on an object or on the bucket, for the project's own bookkeeping (S3's object and bucket
// tagging, docs/s3.md "Tagging"). The bucket's are a card on its page; an object's open from its row. Both are
// edited as a list of key and value fields and saved whole; the server checks them as S3 does.
import { api } from '../../api.js';
import { announce, reportError } from '../../ui/announce.js';
import { openDialog } from '../../ui/dialogs.js';
import { h, replace } from '../../ui/dom.js';
import { busy, formError } from '../../ui/forms.js';
import { iconButton } from '../../ui/icons.js';

/** @typedef {{ key: string, value: string }} Tag */

const LIMITS = { object: 10, bucket: 50 };
/** S3's rules, in words, next to the fields. */
const RULES =
  'Keys are 1–128 characters and values up to 256; both may hold letters and digits of any language, spaces and ' +
  '_ . : / = + - @. Each key once; keys may not start with aws:.';

/**
 * The bucket's Tags card, and `load` to fetch its tags into it.
 * @param {import('./view.js').BucketView} view
 */
export function bucketTags({ base, bucket }) {
  const actions = h('div', { class: 'section-actions' });
  const body = h('div', null, h('p', { class: 'muted' }, 'Loading…'));
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'tags-title' },
    h('div', { class: 'section-head' }, h('h2', { id: 'tags-title' }, 'Tags'), actions),
    h(
      'p',
      { class: 'hint' },
      `Labels for your own bookkeeping (team, cost centre, …), up to ${LIMITS.bucket}. S3 clients see them too.`,
    ),
    body,
  );
  /** @param {Tag[]} tags */
  const show = (tags) => {
    const edit = h(
      'button',
      {
        type: 'button',
        class: 'button',
        onclick: () =>
          tagsDialog({
            title: `Tags of ${bucket.name}`,
            tags,
            limit: LIMITS.bucket,
            save: (next) => api('PUT', `${base}/tags`, { tags: next }),
            saved: (next) => {
              announce(`Saved ${next.length} tag${next.length === 1 ? '' : 's'} on bucket ${bucket.name}`);
              show(next);
            },
          }),
      },
      tags.length ? 'Edit tags' : 'Add tags',
    );
    replace(actions, edit);
    replace(body, tags.length ? tagTable(tags) : h('p', { class: 'muted' }, 'No tags.'));
  };
  const load = async () => {
    try {
      show((await api('GET', `${base}/tags`)).tags);
    } catch (err) {
      replace(body, h('p', { class: 'muted' }, 'The tags could not be loaded.'));
      reportError('Could not load the bucket’s tags', err);
    }
  };
  return { section, load };
}

/**
 * Opens an object's tags (its current version) for editing.
 * @param {import('./view.js').BucketView} view @param {string} key
 */
export async function objectTagsDialog({ base }, key) {
  const path = `${base}/object/tags?key=${encodeURIComponent(key)}`;
  /** @type {Tag[]} */
  let tags;
  try {
    tags = (await api('GET', path)).tags;
  } catch (err) {
    reportError(`Could not load the tags of ${key}`, err);
    return;
  }
  tagsDialog({
    title: `Tags of ${key.slice(key.lastIndexOf('/') + 1)}`,
    tags,
    limit: LIMITS.object,
    note: 'Tags belong to this upload of the object: uploading it again starts without tags.',
    save: (next) => api('PUT', path, { tags: next }),
    saved: (next) => announce(`Saved ${next.length} tag${next.length === 1 ? '' : 's'} on ${key}`),
  });
}

/**
 * The editor: one row of key and value fields per tag, Add tag (up to `limit`), Save. Saving an empty list
 * removes every tag.
 * @param {{ title: string, tags: Tag[], limit: number, note?: string, save: (tags: Tag[]) => Promise<{ tags: Tag[] }>,
 *   saved: (tags: Tag[]) => void }} options
 */
function tagsDialog({ title, tags, limit, note, save, saved }) {
  openDialog({
    title,
    wide: true,
    content: (d) => {
      const rows = h('div', { class: 'tag-rows' });
      const error = formError();
      const count = h('p', { class: 'hint', 'aria-live': 'polite' });
      const add = h('button', { type: 'button', class: 'button' }, 'Add tag');
      const refresh = () => {
        const n = rows.children.length;
        count.textContent = `${n} of at most ${limit} tags.`;
        add.disabled = n >= limit;
      };
      /** @param {Tag} tag */
      const addRow = (tag) => {
        const n = rows.children.length + 1;
        const keyInput = h('input', {
          type: 'text',
          class: 'tag-key',
          value: tag.key,
          maxlength: '128',
          'aria-label': `Key of tag ${n}`,
          placeholder: 'key',
        });
        const valueInput = h('input', {
          type: 'text',
          class: 'tag-value',
          value: tag.value,
          maxlength: '256',
          'aria-label': `Value of tag ${n}`,
          placeholder: 'value (may be empty)',
        });
        const row = h('div', { class: 'tag-row' }, keyInput, valueInput);
        row.append(
          iconButton('trash', `Remove tag ${n}`, () => {
            row.remove();
            refresh();
          }),
        );
        rows.append(row);
        refresh();
        return keyInput;
      };
      add.addEventListener('click', () => addRow({ key: '', value: '' }).focus());
      for (const tag of tags) addRow(tag);
      if (tags.length === 0) addRow({ key: '', value: '' });

      const go = h('button', { type: 'submit', class: 'button primary' }, 'Save tags');
      const form = h(
        'form',
        { class: 'stack', novalidate: true },
        h('p', { class: 'hint' }, RULES, note ? ` ${note}` : ''),
        rows,
        h('div', { class: 'section-actions' }, add, count),
        error,
        h(
          'div',
          { class: 'dialog-actions' },
          h('button', { type: 'button', class: 'button', onclick: d.close }, 'Cancel'),
          go,
        ),
      );
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        busy(go, async () => {
          error.show(null);
          // A row left entirely blank is no tag; anything else goes to the server, which checks it as S3 does.
          const next = [...rows.querySelectorAll('.tag-row')]
            .map((row) => ({
              key: /** @type {HTMLInputElement} */ (row.querySelector('.tag-key')).value,
              value: /** @type {HTMLInputElement} */ (row.querySelector('.tag-value')).value,
            }))
            .filter((t) => t.key !== '' || t.value !== '');
          try {
            const res = await save(next);
            // Closed first: an announcement made while the dialog is open speaks through the dialog's own region.
            d.close();
            saved(res.tags);
          } catch (err) {
            error.show(/** @type {Error} */ (err).message);
          }
        });
      });
      return form;
    },
  });
}

/** @param {Tag[]} tags */
function tagTable(tags) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'table tag-table' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Key'), h('th', { scope: 'col' }, 'Value'))),
      h(
        'tbody',
        null,
        tags.map((t) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row' }, h('code', null, t.key)),
            h('td', null, t.value === '' ? h('span', { class: 'muted' }, '(empty)') : h('code', null, t.value)),
          ),
        ),
      ),
    ),
  );
}
