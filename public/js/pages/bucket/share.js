// Sharing one object: its public URL when anyone may read it, making it public or private (its own ACL), and a
// share link — a presigned GET URL with a lifetime of up to 7 days, signed with the user's own key at the site.
import { api } from '../../api.js';
import { announce } from '../../ui/announce.js';
import { notice } from '../../ui/blocks.js';
import { copyField } from '../../ui/clipboard.js';
import { openDialog } from '../../ui/dialogs.js';
import { h, replace } from '../../ui/dom.js';
import { busy, field, formError } from '../../ui/forms.js';

/** Lifetimes offered for a share link, in seconds; S3 allows at most 7 days. */
const LIFETIMES = [
  [3600, '1 hour'],
  [24 * 3600, '1 day'],
  [3 * 24 * 3600, '3 days'],
  [7 * 24 * 3600, '7 days (the longest S3 allows)'],
];

/**
 * The object's address for unsigned requests (path style, as every S3 client reaches it).
 * @param {import('./view.js').Bucket} bucket @param {string} key
 */
export const publicUrl = (bucket, key) =>
  bucket.urls.pathStyle ? `${bucket.urls.pathStyle}/${key.split('/').map(encodeURIComponent).join('/')}` : null;

/**
 * Whether anyone may read the object: the bucket says so, or the object's own ACL does (and nothing blocks it).
 * @param {import('./view.js').Bucket} bucket @param {{ acl?: string }} object
 */
export function isPublic(bucket, object) {
  if (bucket.access.effective.anyoneCanRead) return true;
  const blocked = bucket.access.projectBlocksPublicAccess || bucket.access.publicAccessBlock?.ignorePublicAcls;
  return !blocked && (object.acl === 'public-read' || object.acl === 'public-read-write');
}

/**
 * Opens the Share dialog for `object`; `changed` runs after its ACL changed.
 * @param {import('./view.js').BucketView} view @param {{ key: string, acl?: string }} object @param {() => void} changed
 */
export function shareDialog(view, object, changed) {
  openDialog({
    title: `Share ${object.key.slice(object.key.lastIndexOf('/') + 1)}`,
    wide: true,
    content: () => {
      const publicPart = h('div', { class: 'share-section' });
      const drawPublic = () => replace(publicPart, ...publicSection(view, object, drawPublic, changed));
      drawPublic();
      return [publicPart, linkSection(view, object.key)];
    },
  });
}

/**
 * @param {import('./view.js').BucketView} view @param {{ key: string, acl?: string }} object
 * @param {() => void} redraw @param {() => void} changed
 */
function publicSection({ bucket, base }, object, redraw, changed) {
  const url = publicUrl(bucket, object.key);
  const ownPublic = object.acl === 'public-read' || object.acl === 'public-read-write';
  const error = formError();
  const toggle = h(
    'button',
    { type: 'button', class: 'button' },
    ownPublic ? 'Make this object private' : 'Make this object public',
  );
  toggle.addEventListener('click', () =>
    busy(toggle, async () => {
      error.show(null);
      try {
        const acl = ownPublic ? 'private' : 'public-read';
        const res = await api('PUT', `${base}/object/acl?key=${encodeURIComponent(object.key)}`, { acl });
        object.acl = res.object.acl;
        announce(ownPublic ? `${object.key} is private` : `${object.key} is public`);
        redraw();
        changed();
      } catch (err) {
        error.show(err.message);
      }
    }),
  );
  return [
    h('h3', null, 'Public URL'),
    isPublic(bucket, object) && url
      ? copyField('public-url', 'Anyone can open this address', url, 'public URL')
      : h('p', { class: 'muted' }, 'Not public: only this project’s keys and share links can read it.'),
    bucket.access.effective.anyoneCanRead
      ? h('p', { class: 'hint' }, 'The whole bucket is public (see Access above).')
      : h('div', null, toggle),
    error,
  ];
}

/** @param {import('./view.js').BucketView} view @param {string} key */
function linkSection({ base }, key) {
  const lifetime = h(
    'select',
    { id: 'share-lifetime', class: 'compact' },
    LIFETIMES.map(([seconds, label]) => h('option', { value: String(seconds) }, label)),
  );
  const result = h('div', { class: 'share-link', 'aria-live': 'polite' });
  const error = formError();
  const create = h('button', { type: 'button', class: 'button primary' }, 'Create link');
  create.addEventListener('click', () =>
    busy(create, async () => {
      error.show(null);
      try {
        const { share } = await api('POST', `${base}/object/share?key=${encodeURIComponent(key)}`, {
          expiresIn: Number(lifetime.value),
        });
        replace(
          result,
          copyField('share-url', 'Share link', share.url, 'share link'),
          h(
            'p',
            { class: 'hint' },
            `Works until ${new Date(share.expiresAt).toLocaleString()}, or until your access key ${share.accessKeyId} is deactivated or deleted.`,
          ),
        );
      } catch (err) {
        error.show(err.message);
      }
    }),
  );
  return h(
    'div',
    { class: 'share-section' },
    h('h3', null, 'Share link'),
    notice('info', 'A link that lets anyone who has it download this object, for a limited time.'),
    field('Valid for', lifetime),
    h('div', null, create),
    error,
    result,
  );
}
