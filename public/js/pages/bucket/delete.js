// Deleting the bucket (the ⋮ menu's Delete): refused with the reason while the bucket holds objects, and then
// "empty and delete", with the bucket's name typed to confirm.
import { api } from '../../api.js';
import { navigate } from '../../nav.js';
import { announce } from '../../ui/announce.js';
import { openDialog } from '../../ui/dialogs.js';
import { h, replace } from '../../ui/dom.js';
import { busy, field, formError } from '../../ui/forms.js';
import { icon } from '../../ui/icons.js';

/**
 * Asks, deletes, and goes back to the project's buckets.
 * @param {import('./view.js').BucketView} view
 */
export function deleteBucketDialog({ project, bucket, base }) {
  openDialog({
    title: `Delete bucket ${bucket.name}?`,
    content: (d) => {
      const error = formError();
      const confirmButton = h('button', { type: 'button', class: 'button danger', autofocus: true }, 'Delete bucket');
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
            replace(d.body, emptyAndDeleteForm(bucket.name, base, err.message, d.close, gone));
            d.setTitle(`Bucket ${bucket.name} is not empty`);
            /** @type {HTMLInputElement} */ (d.body.querySelector('input')).focus();
          }
        }),
      );
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
        h(
          'div',
          { class: 'dialog-actions' },
          h('button', { type: 'button', class: 'button', onclick: d.close }, 'Cancel'),
          confirmButton,
        ),
      ];
    },
  });
}

/**
 * Why ROS refused, and the form that empties the bucket and deletes it once its name is typed. The server deletes a
 * batch of objects per call, so it is called until the bucket is gone.
 * @param {string} name the bucket's @param {string} base @param {string} reason
 * @param {() => void} cancel @param {() => void} gone
 */
function emptyAndDeleteForm(name, base, reason, cancel, gone) {
  const typed = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'none' });
  const typedField = field(`Type the bucket name, ${name}, to confirm`, typed);
  const progress = h('p', { class: 'muted progress-note', 'aria-live': 'polite' });
  const error = formError();
  const go = h('button', { type: 'submit', class: 'button danger' }, 'Empty and delete');
  return h(
    'form',
    {
      class: 'stack',
      novalidate: true,
      onsubmit: (/** @type {SubmitEvent} */ e) => {
        e.preventDefault();
        error.show(null);
        if (typed.value !== name) {
          typedField.setError(`Type “${name}” exactly to confirm.`);
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
            error.show('The bucket keeps receiving new objects; stop the clients writing to it and try again.');
          } catch (err) {
            error.show(err.message);
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
      h('strong', null, name),
      ' and every unfinished upload will be deleted permanently, then the bucket. This cannot be undone.',
    ),
    typedField,
    error,
    progress,
    h(
      'div',
      { class: 'dialog-actions' },
      h('button', { type: 'button', class: 'button', onclick: cancel }, 'Cancel'),
      go,
    ),
  );
}
