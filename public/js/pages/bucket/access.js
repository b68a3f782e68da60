// Who may reach the bucket besides its project: its canned ACL (private, public, any ROS key), its Block Public
// Access switches, and the project's own switch — with a badge that says plainly what holds (docs/s3.md).
import { api } from '../../api.js';
import { announce } from '../../ui/announce.js';
import { notice } from '../../ui/blocks.js';
import { h, replace } from '../../ui/dom.js';
import { busy, field, formError } from '../../ui/forms.js';
import { icon } from '../../ui/icons.js';

/** The canned ACLs the console offers, in words. */
export const ACL_CHOICES = [
  ['private', 'Private — only this project'],
  ['public-read', 'Public read — anyone can list and download'],
  ['public-read-write', 'Public read and write — anyone can also upload and delete'],
  ['authenticated-read', 'Any ROS key can read — keys of every project on this service'],
];

const FLAGS = [
  ['blockPublicAcls', 'Block public ACLs', 'Refuse any request that would make the bucket or an object public.'],
  ['ignorePublicAcls', 'Ignore public ACLs', 'Public ACLs already set grant nothing while this is on.'],
  ['blockPublicPolicy', 'Block public policies', 'Kept for S3 tools; ROS has no bucket policies.'],
  ['restrictPublicBuckets', 'Restrict public buckets', 'Kept for S3 tools; ROS has no bucket policies.'],
];

/**
 * The badge of what holds: Private, Public (read, or read and write), or Any ROS key can read.
 * @param {import('./view.js').Bucket} bucket
 */
export function accessBadge({ access }) {
  const { anyoneCanRead, anyoneCanWrite, anyKeyCanRead } = access.effective;
  if (anyoneCanWrite) return h('span', { class: 'badge public' }, icon('globe'), 'Public: read and write');
  if (anyoneCanRead) return h('span', { class: 'badge public' }, icon('globe'), 'Public');
  if (anyKeyCanRead) return h('span', { class: 'badge public' }, icon('users'), 'Any ROS key can read');
  return h('span', { class: 'badge' }, icon('lock'), 'Private');
}

/**
 * The Access card. `onChange` gets the bucket as the API answers it after a change (to redraw badges and rows).
 * @param {import('./view.js').BucketView} view @param {(bucket: import('./view.js').Bucket) => void} onChange
 */
export function accessSection(view, onChange) {
  const section = h('section', { class: 'card', 'aria-labelledby': 'access-title' });
  const draw = () =>
    replace(
      section,
      ...accessContent(view, (bucket) => {
        view.bucket = bucket;
        draw();
        onChange(bucket);
      }),
    );
  draw();
  return section;
}

/**
 * @param {import('./view.js').BucketView} view @param {(bucket: import('./view.js').Bucket) => void} changed
 */
function accessContent({ bucket, base }, changed) {
  const { access } = bucket;
  const aclSelect = h(
    'select',
    { id: 'bucket-acl' },
    ACL_CHOICES.map(([value, label]) => h('option', { value, selected: value === access.acl }, label)),
  );
  const aclError = formError();
  const saveAcl = h('button', { type: 'button', class: 'button' }, 'Save access');
  saveAcl.addEventListener('click', () =>
    busy(saveAcl, async () => {
      aclError.show(null);
      try {
        const { bucket: updated } = await api('PUT', `${base}/acl`, { acl: aclSelect.value });
        announce(`${bucket.name} is now ${aclSelect.selectedOptions[0].textContent}`);
        changed(updated);
      } catch (err) {
        aclError.show(err.message);
      }
    }),
  );

  const boxes = FLAGS.map(([flag, label, hint]) => {
    const box = h('input', { type: 'checkbox', id: `pab-${flag}`, checked: Boolean(access.publicAccessBlock?.[flag]) });
    return {
      flag,
      box,
      row: h(
        'div',
        { class: 'check-field' },
        box,
        h('label', { for: `pab-${flag}` }, label, h('p', { class: 'hint' }, hint)),
      ),
    };
  });
  const saveFlags = h('button', { type: 'button', class: 'button' }, 'Save switches');
  saveFlags.addEventListener('click', () =>
    busy(saveFlags, async () => {
      const body = Object.fromEntries(boxes.map(({ flag, box }) => [flag, box.checked]));
      const { bucket: updated } = await api('PUT', `${base}/public-access-block`, body);
      announce('Block Public Access saved');
      changed(updated);
    }),
  );

  return [
    h('div', { class: 'section-head' }, h('h2', { id: 'access-title' }, 'Access'), accessBadge(bucket)),
    access.projectBlocksPublicAccess
      ? notice('info', "This project's admins forbid public access: its buckets stay private whatever their ACL says.")
      : null,
    h(
      'div',
      { class: 'access-grid' },
      h(
        'fieldset',
        null,
        h('legend', null, 'Who can reach this bucket'),
        field(
          'Access (canned ACL)',
          aclSelect,
          '“Any ROS key” means any valid access key of any project on this service, as S3’s AuthenticatedUsers.',
        ),
        aclError,
        h('div', null, saveAcl),
      ),
      h(
        'fieldset',
        null,
        h('legend', null, 'Block Public Access'),
        boxes.map((b) => b.row),
        h('div', null, saveFlags),
      ),
    ),
  ];
}
