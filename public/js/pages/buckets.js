import { api, seg } from '../api.js';
import { app } from '../app-state.js';
import { navigate } from '../nav.js';
import { bucketNameProblem } from '../bucket-names.js';
import { announce } from '../ui/announce.js';
import { emptyState, nameCell, notice } from '../ui/blocks.js';
import { openDialog } from '../ui/dialogs.js';
import { h } from '../ui/dom.js';
import { when } from '../ui/format.js';
import { busy, field, formError } from '../ui/forms.js';
import { icon } from '../ui/icons.js';

/**
 * Object Storage ⇢ Buckets: the project's buckets at the sites where the user holds a key; the hidden sites are
 * named with a way to Add Own Key; Add Bucket (site + name, checked as typed) → the bucket's page.
 * @param {import('../app-state.js').Ctx} ctx
 */
export async function bucketsPage(ctx) {
  const project = /** @type {import('../app-state.js').Project} */ (ctx.project);
  /** @type {{ buckets: import('./bucket/view.js').Bucket[], hiddenSites: { id: string, name: string }[] }} */
  const { buckets, hiddenSites } = await api('GET', `/projects/${seg(project.id)}/buckets`);
  const hidden = new Set(hiddenSites.map((s) => s.id));
  const keyless = hiddenSites.length === app.sites.length;
  /** Opens Add Own Key on the Access Keys page, with the site chosen when one is given. @param {string} siteId */
  const addKey = (siteId) => `#/p/${project.id}/keys?add=${encodeURIComponent(siteId)}`;

  const hiddenNotice = hiddenSites.length
    ? notice(
        'info',
        h(
          'p',
          null,
          keyless
            ? 'You need an access key for a ROS site to see and create the buckets of that site. You have no key in this project yet.'
            : 'You must have an access key to a ROS site in order to view the buckets of that site. Buckets at these sites are not shown:',
        ),
        h(
          'ul',
          { class: 'hidden-sites' },
          hiddenSites.map((s) =>
            h(
              'li',
              null,
              h('strong', null, s.name),
              ' — ',
              h('a', { href: addKey(s.id) }, `Add Own Key for ${s.name}`),
            ),
          ),
        ),
      )
    : null;

  const list = buckets.length
    ? h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'table' },
          h('caption', { class: 'visually-hidden' }, 'Buckets'),
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', { scope: 'col' }, 'Name'),
              h('th', { scope: 'col' }, 'Site'),
              h('th', { scope: 'col' }, 'Endpoint URL'),
              h('th', { scope: 'col' }, 'Created'),
            ),
          ),
          h(
            'tbody',
            null,
            buckets.map((b) =>
              h(
                'tr',
                null,
                nameCell(
                  'bucket',
                  h(
                    'a',
                    { href: `#/p/${project.id}/buckets/${encodeURIComponent(b.site)}/${encodeURIComponent(b.name)}` },
                    b.name,
                  ),
                ),
                h('td', null, b.siteName),
                h('td', null, h('code', null, b.endpoint)),
                h('td', null, when(b.createdAt)),
              ),
            ),
          ),
        ),
      )
    : keyless
      ? emptyState(
          'key',
          'Add an access key first',
          'Buckets are shown for the sites where you hold an access key. Add Own Key for a site, then add a bucket there.',
          h('a', { class: 'button primary', href: addKey('') }, icon('key'), 'Add Own Key'),
        )
      : emptyState(
          'bucket',
          hiddenSites.length
            ? `No buckets at ${app.sites
                .filter((s) => !hidden.has(s.id))
                .map((s) => s.name)
                .join(' or ')} yet`
            : 'No buckets yet',
          'Press Add Bucket to create one, or create it with any S3 client using your key.',
        );

  return h(
    'div',
    { class: 'page' },
    h(
      'div',
      { class: 'page-head' },
      h('h1', { tabindex: '-1' }, 'Buckets'),
      h(
        'button',
        { type: 'button', class: 'button primary', onclick: () => addBucketDialog(project, hidden) },
        icon('plus'),
        'Add Bucket',
      ),
    ),
    h('p', { class: 'lead' }, 'All the buckets that exist in this project, at the sites where you hold an access key.'),
    hiddenNotice,
    list,
  );
}

/**
 * Add Bucket: select the site and a name (checked as the user types), then the bucket's page.
 * @param {import('../app-state.js').Project} project @param {Set<string>} hiddenSiteIds
 */
function addBucketDialog(project, hiddenSiteIds) {
  openDialog({
    title: 'Add Bucket',
    content: (d) => {
      const keySites = app.sites.filter((s) => !hiddenSiteIds.has(s.id));
      const site = h(
        'select',
        { name: 'site', required: true },
        h('option', { value: '' }, 'Select a site…'),
        app.sites.map((s) =>
          h(
            'option',
            { value: s.id, selected: keySites.length === 1 && keySites[0].id === s.id },
            hiddenSiteIds.has(s.id) ? `${s.name} (needs an access key)` : s.name,
          ),
        ),
      );
      const name = h('input', {
        type: 'text',
        name: 'name',
        required: true,
        maxlength: '63',
        autocomplete: 'off',
        spellcheck: 'false',
        autocapitalize: 'none',
        placeholder: 'example-bucket',
      });
      const siteField = field('Site', site, 'Where the bucket and its objects are stored.');
      const nameField = field(
        'Name',
        name,
        '3–63 characters: lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit. Unique at the site.',
      );
      const keyHint = h('div', { class: 'key-needed', hidden: true });
      const error = formError();
      const submit = h('button', { type: 'submit', class: 'button primary' }, 'Add Bucket');
      const checkSite = () => {
        const needsKey = site.value && hiddenSiteIds.has(site.value);
        keyHint.hidden = !needsKey;
        keyHint.replaceChildren(
          needsKey
            ? notice(
                'warning',
                `You need an access key for ${app.siteName(site.value)} to add buckets there. `,
                h(
                  'a',
                  { href: `#/p/${project.id}/keys?add=${encodeURIComponent(site.value)}`, onclick: d.close },
                  'Add Own Key',
                ),
              )
            : '',
        );
        return !needsKey;
      };
      let touched = false;
      const checkName = () => {
        const problem = name.value ? bucketNameProblem(name.value) : touched ? 'Enter a name for the bucket' : null;
        nameField.setError(problem ?? '');
        return !problem;
      };
      site.addEventListener('change', checkSite);
      name.addEventListener('input', () => {
        touched = true;
        checkName();
      });
      return h(
        'form',
        {
          class: 'stack',
          novalidate: true,
          onsubmit: async (/** @type {SubmitEvent} */ e) => {
            e.preventDefault();
            error.show(null);
            touched = true;
            siteField.setError(site.value ? '' : 'Select the site in which you wish to create the bucket.');
            if (!site.value) return site.focus();
            if (!checkSite()) return site.focus();
            if (!checkName()) return name.focus();
            await busy(submit, async () => {
              try {
                const { bucket } = await api('POST', `/projects/${seg(project.id)}/buckets`, {
                  site: site.value,
                  name: name.value,
                });
                d.close();
                announce(`Bucket ${bucket.name} created at ${bucket.siteName}`);
                navigate(`/p/${project.id}/buckets/${bucket.site}/${bucket.name}`);
              } catch (err) {
                if (
                  err.code === 'invalid_bucket_name' ||
                  err.code === 'bucket_exists' ||
                  err.code === 'bucket_name_settling'
                ) {
                  nameField.setError(err.message);
                  name.focus();
                } else error.show(err.message);
              }
            });
          },
        },
        error,
        siteField,
        keyHint,
        nameField,
        h(
          'div',
          { class: 'dialog-actions' },
          h('button', { type: 'button', class: 'button', onclick: d.close }, 'Cancel'),
          submit,
        ),
      );
    },
  });
}
