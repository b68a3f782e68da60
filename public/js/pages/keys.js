import { api, seg } from '../api.js';
import { app } from '../app-state.js';
import { href, navigate } from '../nav.js';
import { announce, reportError } from '../ui/announce.js';
import { emptyState, nameCell, notice } from '../ui/blocks.js';
import { copyButton, copyField } from '../ui/clipboard.js';
import { confirmDialog, openDialog } from '../ui/dialogs.js';
import { h, replace } from '../ui/dom.js';
import { when } from '../ui/format.js';
import { busy, field, formError } from '../ui/forms.js';
import { icon } from '../ui/icons.js';
import { menuButton } from '../ui/menu.js';
import { selectTab, tabList } from '../ui/tabs.js';

/**
 * An access key as the API lists it: `owner` is the member (a user or an app) it belongs to; the limits its owner
 * set when creating it (readOnly, buckets, prefix, expiresAt) never change.
 * @typedef {{ accessKeyId: string, name: string, site: string, siteName: string, endpoint: string | null,
 *   status: 'active' | 'inactive', owner: { type: 'user' | 'app', id: string, name: string }, createdAt: string,
 *   lastUsedAt: string | null, readOnly: boolean, buckets: string[] | null, prefix: string | null,
 *   expiresAt: string | null, expired: boolean }} AccessKey
 */

/**
 * A key's limits in one plain line: "Read-only · bucket example-bucket · docs/ · expires in 29 days"; a key
 * without limits is "Read-write · all buckets". (`ros key list` words them the same way.)
 * @param {Pick<AccessKey, 'readOnly' | 'buckets' | 'prefix' | 'expiresAt'>} key @param {number} [now]
 */
export function limitsText(key, now = Date.now()) {
  const parts = [key.readOnly ? 'Read-only' : 'Read-write'];
  const buckets = key.buckets;
  parts.push(buckets ? `${buckets.length === 1 ? 'bucket' : 'buckets'} ${buckets.join(', ')}` : 'all buckets');
  if (key.prefix) parts.push(key.prefix);
  if (key.expiresAt) parts.push(expiryText(Date.parse(key.expiresAt), now));
  return parts.join(' \u00b7 ');
}

/** "expires in 29 days" (hours under two days, minutes under an hour), or "expired <date>". @param {number} at @param {number} now */
function expiryText(at, now) {
  const seconds = Math.round((at - now) / 1000);
  if (seconds <= 0) return `expired ${when(new Date(at).toISOString())}`;
  const [n, unit] =
    seconds < 3600
      ? [Math.max(1, Math.round(seconds / 60)), 'minute']
      : seconds < 2 * 86400
        ? [Math.round(seconds / 3600), 'hour']
        : [Math.round(seconds / 86400), 'day'];
  return `expires in ${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** @param {AccessKey} key */
const statusBadge = (key) =>
  key.status !== 'active'
    ? h('span', { class: 'badge' }, 'Disabled')
    : key.expired
      ? h('span', { class: 'badge warn' }, 'Expired')
      : h('span', { class: 'badge ok' }, 'Active');

/**
 * Object Storage ⇢ Access Keys: tabs My Keys / App Keys, Add Own Key (site + name + limits → Add Key → the pane
 * with the Access key ID and Secret access key), Add App Key for admins; each key's menu disables, enables or
 * deletes it (with confirmation).
 * @param {import('../app-state.js').Ctx} ctx
 */
export async function keysPage(ctx) {
  const project = /** @type {import('../app-state.js').Project} */ (ctx.project);
  const isAdmin = project.role === 'admin';
  const tab = ctx.query.get('tab') === 'app' ? 'app' : 'my';
  const base = `/projects/${seg(project.id)}`;
  const [keys, apps] = await Promise.all([
    api('GET', `${base}/keys`),
    isAdmin ? api('GET', `${base}/apps`).then((r) => r.apps) : [],
  ]);

  const reload = () => navigate(`/p/${project.id}/keys`, { tab: tab === 'app' ? 'app' : undefined }, { replace: true });

  /** @param {AccessKey} key */
  const remove = async (key) => {
    const ok = await confirmDialog({
      title: 'Delete access key?',
      message: [
        h(
          'p',
          null,
          'Delete the key ',
          h('strong', null, key.name),
          ' (',
          h('code', null, key.accessKeyId),
          ') at ',
          key.siteName,
          '?',
        ),
        h('p', null, 'S3 clients using it stop working at once. This cannot be undone.'),
      ],
      confirm: 'Delete key',
    });
    if (!ok) return;
    try {
      await api('DELETE', `${base}/keys/${seg(key.accessKeyId)}`);
      announce(`Access key ${key.name} deleted`);
      reload();
    } catch (err) {
      reportError(`Could not delete the key ${key.name}`, err);
    }
  };

  /** Disable (S3 requests with it are refused within seconds) or enable a key. @param {AccessKey} key */
  const toggle = async (key) => {
    const status = key.status === 'active' ? 'inactive' : 'active';
    try {
      await api('PATCH', `${base}/keys/${seg(key.accessKeyId)}`, { status });
      announce(`Access key ${key.name} ${status === 'active' ? 'enabled' : 'disabled'}`);
      reload();
    } catch (err) {
      reportError(`Could not change the key ${key.name}`, err);
    }
  };

  /**
   * A table of keys; `owner` adds whose each key is, `canManage` says which get the actions menu.
   * @param {AccessKey[]} rows @param {{ owner?: boolean, canManage?: (key: AccessKey) => boolean, caption: string }} o
   */
  const table = (rows, { owner = false, canManage = () => true, caption }) =>
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'table' },
        h('caption', { class: 'visually-hidden' }, caption),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            h('th', { scope: 'col' }, 'Name'),
            owner ? h('th', { scope: 'col' }, 'Owner') : null,
            h('th', { scope: 'col' }, 'Access key ID'),
            h('th', { scope: 'col' }, 'Site'),
            h('th', { scope: 'col' }, 'Created'),
            h('th', { scope: 'col' }, 'Last used'),
            h('th', { scope: 'col' }, 'Status'),
            h('th', { scope: 'col', class: 'actions' }, h('span', { class: 'visually-hidden' }, 'Actions')),
          ),
        ),
        h(
          'tbody',
          null,
          rows.map((k) =>
            h(
              'tr',
              null,
              // The limits under the name: a column of their own would push Status and the menu out of view.
              nameCell(
                'key',
                h(
                  'span',
                  { class: 'key-name' },
                  h('span', null, k.name),
                  h('span', { class: 'key-limits muted small' }, limitsText(k)),
                ),
              ),
              owner
                ? h('td', null, k.owner.name, k.owner.type === 'app' ? h('span', { class: 'badge' }, 'App') : null)
                : null,
              h('td', null, h('code', null, k.accessKeyId)),
              h('td', null, k.siteName),
              h('td', null, when(k.createdAt)),
              h('td', null, when(k.lastUsedAt, 'Never')),
              h('td', null, statusBadge(k)),
              h(
                'td',
                { class: 'actions' },
                canManage(k)
                  ? menuButton(`Actions for key ${k.name}`, [
                      { label: k.status === 'active' ? 'Disable' : 'Enable', onSelect: () => toggle(k) },
                      { label: 'Delete', danger: true, onSelect: () => remove(k) },
                    ])
                  : null,
              ),
            ),
          ),
        ),
      ),
    );

  const panelId = 'keys-panel';
  const panel = h('div', { id: panelId, role: 'tabpanel', 'aria-labelledby': `tab-${tab}`, class: 'tab-panel' });
  if (tab === 'my') {
    replace(
      panel,
      h(
        'div',
        { class: 'panel-head' },
        h(
          'p',
          { class: 'muted' },
          'Keys that are associated with you. With a key for a site you can use its buckets, here and from any S3 client.',
        ),
        h(
          'button',
          { type: 'button', class: 'button primary', onclick: () => addKeyDialog(ctx, reload) },
          icon('plus'),
          'Add Own Key',
        ),
      ),
      keys.myKeys.length
        ? table(keys.myKeys, { caption: 'My Keys' })
        : emptyState(
            'key',
            'You have no access keys in this project yet',
            'Press Add Own Key to create your first key: choose the ROS site you wish to access and give the key a meaningful name.',
          ),
      keys.memberKeys?.length
        ? h(
            'section',
            { class: 'subsection', 'aria-labelledby': 'member-keys' },
            h('h3', { id: 'member-keys' }, "Other members' keys"),
            h('p', { class: 'muted' }, 'As a project admin you can revoke them.'),
            table(keys.memberKeys, { owner: true, caption: "Other members' keys" }),
          )
        : null,
    );
  } else {
    replace(
      panel,
      h(
        'div',
        { class: 'panel-head' },
        h(
          'p',
          { class: 'muted' },
          'Keys that are generated for an App member: software that uses ROS on the project\u2019s behalf.',
        ),
        isAdmin
          ? h(
              'button',
              { type: 'button', class: 'button primary', onclick: () => addKeyDialog(ctx, reload, apps) },
              icon('plus'),
              'Add App Key',
            )
          : null,
      ),
      !isAdmin ? notice('info', 'Only project admins can add or delete app keys.') : null,
      keys.appKeys.length
        ? table(keys.appKeys, { owner: true, caption: 'App Keys', canManage: () => isAdmin })
        : emptyState(
            'key',
            'No app keys yet',
            isAdmin
              ? apps.length
                ? 'Press Add App Key to give one of the project\u2019s apps a key.'
                : 'Create an app on the Members & Apps page first, then give it a key here.'
              : 'A project admin can add keys for the project\u2019s apps.',
            isAdmin && !apps.length
              ? h('a', { class: 'button', href: `#/p/${project.id}/settings` }, 'Go to Members & Apps')
              : null,
          ),
    );
  }

  const page = h(
    'div',
    { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, 'Access Keys')),
    h(
      'p',
      { class: 'lead' },
      'ROS is managed with the S3 API, which needs an access key ID and a secret access key. Each key belongs to one ROS site.',
    ),
    tabList({
      label: 'Key types',
      panelId,
      selected: tab,
      tabs: [
        { id: 'my', label: 'My Keys' },
        { id: 'app', label: 'App Keys' },
      ],
      onSelect: (id) => navigate(`/p/${project.id}/keys`, { tab: id === 'app' ? 'app' : undefined }),
    }),
    panel,
  );
  // Buckets → "Add Own Key" for a site whose buckets are hidden lands here with ?add=<site>.
  const preselect = ctx.query.get('add');
  if (preselect !== null && tab === 'my') {
    queueMicrotask(() => {
      history.replaceState(null, '', href(`/p/${project.id}/keys`));
      addKeyDialog(ctx, reload, null, preselect);
    });
  }
  return page;
}

/**
 * Add Own Key (or, with `apps`, Add App Key): the form, then the pane with the new key's id and secret.
 * @param {import('../app-state.js').Ctx} ctx @param {() => void} reload @param {any[] | null} [apps] @param {string} [site]
 */
function addKeyDialog(ctx, reload, apps = null, site = '') {
  const project = /** @type {import('../app-state.js').Project} */ (ctx.project);
  let created = false;
  openDialog({
    title: apps ? 'Add App Key' : 'Add Own Key',
    onClose: () => created && reload(),
    content: (d) => {
      const siteSelect = h(
        'select',
        { name: 'site', required: true },
        h('option', { value: '' }, 'Select a site…'),
        app.sites.map((s) => h('option', { value: s.id, selected: s.id === site }, s.name)),
      );
      const appSelect = apps
        ? h(
            'select',
            { name: 'app', required: true },
            h('option', { value: '' }, 'Select an app…'),
            apps.map((a) => h('option', { value: a.id }, a.name)),
          )
        : null;
      const name = h('input', {
        type: 'text',
        name: 'name',
        required: true,
        maxlength: '128',
        autocomplete: 'off',
        placeholder: 'my-first-storage-key',
      });
      const siteField = field('ROS site', siteSelect, 'The site this key gives access to.');
      const limits = limitsFields(project, siteSelect);
      const appField = appSelect ? field('App', appSelect, 'The app member that will use this key.') : null;
      const nameField = field('Name', name, 'A meaningful name, e.g. what or who uses the key.');
      const error = formError();
      const submit = h('button', { type: 'submit', class: 'button primary' }, 'Add Key');
      if (apps && apps.length === 0) {
        return [
          notice('info', 'This project has no apps yet. Create one on the Members & Apps page, then give it a key.'),
          h(
            'div',
            { class: 'dialog-actions' },
            h('button', { type: 'button', class: 'button', onclick: d.close }, 'Cancel'),
            h(
              'a',
              { class: 'button primary', href: `#/p/${project.id}/settings`, onclick: d.close },
              'Go to Members & Apps',
            ),
          ),
        ];
      }
      return h(
        'form',
        {
          class: 'stack',
          novalidate: true,
          onsubmit: async (/** @type {SubmitEvent} */ e) => {
            e.preventDefault();
            error.show(null);
            appField?.setError('');
            siteField.setError('');
            nameField.setError('');
            let bad = null;
            if (appSelect && !appSelect.value)
              bad = appField?.setError('Select the app that will use the key.') ?? appSelect;
            if (!siteSelect.value)
              bad ??= siteField.setError('Select the ROS site that you wish to access.') ?? siteSelect;
            if (!name.value.trim()) bad ??= nameField.setError('Give the key a name.') ?? name;
            const chosen = limits.read();
            bad ??= chosen.invalid;
            if (bad) return bad.focus();
            await busy(submit, async () => {
              try {
                const body = {
                  site: siteSelect.value,
                  name: name.value.trim(),
                  ...(appSelect && { app: appSelect.value }),
                  ...chosen.limits,
                };
                const result = await api('POST', `/projects/${seg(project.id)}/keys`, body);
                created = true;
                d.setTitle('Your new access key');
                d.dialog.classList.add('wide');
                replace(d.body, keyPane(result, d.close));
                announce(
                  `Access key ${result.key.name} created. Copy the secret access key now: it is shown only this once.`,
                );
                /** @type {HTMLElement} */ (d.body.querySelector('.copy-field button')).focus();
              } catch (err) {
                error.show(err.message);
              }
            });
          },
        },
        error,
        appField,
        siteField,
        nameField,
        limits.element,
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

/** The expiry choices of the new-key form: days from now, or a date and time of one's own. */
const EXPIRY_PRESETS = [
  ['', 'Never'],
  ['7', 'In 7 days'],
  ['30', 'In 30 days'],
  ['90', 'In 90 days'],
  ['custom', 'At a date and time…'],
];

/**
 * The new-key form's limits (docs/api.md, "Access keys"): read-only or read-write, buckets of the project at the
 * chosen site, a key prefix and an expiry. They are fixed once the key exists.
 * @param {import('../app-state.js').Project} project @param {HTMLSelectElement} siteSelect
 */
function limitsFields(project, siteSelect) {
  const access = ['readwrite', 'readonly'].map((value) =>
    h('input', { type: 'radio', name: 'access', value, checked: value === 'readwrite' }),
  );
  const accessGroup = h(
    'fieldset',
    { class: 'method-checks' },
    h('legend', { class: 'field-label' }, 'Access'),
    h('label', { class: 'check' }, access[0], 'Read and write'),
    h('label', { class: 'check' }, access[1], 'Read only (GET, HEAD and listings)'),
  );
  const bucketList = h('div', { class: 'method-checks' });
  const bucketGroup = h(
    'fieldset',
    { class: 'method-checks' },
    h('legend', { class: 'field-label' }, 'Buckets'),
    bucketList,
    h('p', { class: 'hint' }, 'None ticked: every bucket of the project at this site, today’s and future ones.'),
  );
  /** @type {Promise<{ name: string, site: string }[]> | null} */
  let buckets = null;
  const showBuckets = async () => {
    const site = siteSelect.value;
    if (!site) {
      replace(bucketList, h('span', { class: 'muted small' }, 'Choose a site first.'));
      return;
    }
    buckets ??= api('GET', `/projects/${seg(project.id)}/buckets`)
      .then((r) => r.buckets)
      .catch(() => []);
    const here = (await buckets).filter((b) => b.site === site);
    if (siteSelect.value !== site) return;
    replace(
      bucketList,
      here.length
        ? here.map((b) =>
            h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'bucket', value: b.name }), b.name),
          )
        : h('span', { class: 'muted small' }, 'No buckets of this project that you can see at this site.'),
    );
  };
  siteSelect.addEventListener('change', showBuckets);
  showBuckets();
  const prefix = h('input', {
    type: 'text',
    name: 'prefix',
    maxlength: '1024',
    autocomplete: 'off',
    placeholder: 'docs/',
  });
  const prefixField = field(
    'Key prefix',
    prefix,
    'Only objects whose keys start with this, e.g. docs/. Empty: any key.',
  );
  const expiry = h(
    'select',
    { name: 'expiry' },
    EXPIRY_PRESETS.map(([value, label]) => h('option', { value }, label)),
  );
  const at = h('input', { type: 'datetime-local', name: 'expires-at', step: '1', hidden: true });
  expiry.addEventListener('change', () => {
    at.hidden = expiry.value !== 'custom';
  });
  const expiryField = field('Expires', expiry, 'The date and time are your local time.');
  // The date-time input sits beside the choice it belongs to (shown for "At a date and time…").
  expiry.after(at);
  at.setAttribute('aria-label', 'Expiry date and time');
  const element = h(
    'fieldset',
    { class: 'key-limits-fields' },
    h('legend', null, 'Limits (optional, fixed once the key exists)'),
    accessGroup,
    bucketGroup,
    prefixField,
    expiryField,
  );
  return {
    element,
    /** The limits for the API body, or the control to fix. */
    read() {
      prefixField.setError('');
      expiryField.setError('');
      /** @type {Record<string, unknown>} */
      const limits = {};
      if (access[1].checked) limits.readOnly = true;
      const ticked = [...bucketList.querySelectorAll('input:checked')].map(
        (b) => /** @type {HTMLInputElement} */ (b).value,
      );
      if (ticked.length) limits.buckets = ticked;
      if (prefix.value) limits.prefix = prefix.value;
      /** @type {HTMLElement | null} */
      let invalid = null;
      if (expiry.value === 'custom') {
        const when = at.value ? new Date(at.value) : null;
        if (!when || Number.isNaN(when.getTime()) || when.getTime() <= Date.now()) {
          expiryField.setError('Choose a date and time in the future.');
          invalid = at;
        } else limits.expiresAt = when.toISOString();
      } else if (expiry.value) {
        limits.expiresAt = new Date(Date.now() + Number(expiry.value) * 86400_000).toISOString();
      }
      return { limits, invalid };
    },
  };
}

/**
 * The pane: Access key ID and Secret access key (shown this once), the endpoint, and client settings.
 * @param {{ key: AccessKey, secretAccessKey: string }} created @param {() => void} close
 */
function keyPane({ key, secretAccessKey }, close) {
  const endpoint = key.endpoint ?? '';
  const profile = `ros-${key.site}`;
  /** @type {Record<string, string>} */
  const snippets = {
    aws: `# ~/.aws/credentials\n[${profile}]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${secretAccessKey}\n\n# then, for example:\naws --profile ${profile} --endpoint-url ${endpoint} s3 ls`,
    boto3: `import boto3\n\ns3 = boto3.client(\n    "s3",\n    endpoint_url="${endpoint}",\n    aws_access_key_id="${key.accessKeyId}",\n    aws_secret_access_key="${secretAccessKey}",\n)\nprint(s3.list_buckets()["Buckets"])`,
    rclone: `# ~/.config/rclone/rclone.conf\n[${profile}]\ntype = s3\nprovider = Other\nendpoint = ${endpoint}\naccess_key_id = ${key.accessKeyId}\nsecret_access_key = ${secretAccessKey}\n\n# then, for example:\nrclone lsd ${profile}:`,
  };
  /** @type {Record<string, string>} */
  const labels = { aws: 'aws CLI', boto3: 'boto3', rclone: 'rclone' };
  const panel = h('div', { id: 'snippet-panel', role: 'tabpanel', class: 'snippet-panel' });
  /** @type {HTMLElement} */
  let tabs;
  /** @param {string} id */
  const show = (id) => {
    selectTab(tabs, panel, id);
    replace(
      panel,
      h(
        'div',
        { class: 'snippet-head' },
        h('span', { class: 'muted small' }, `${labels[id]} settings for ${key.siteName}`),
        copyButton(() => snippets[id], `${labels[id]} settings`),
      ),
      h(
        'pre',
        { class: 'snippet', tabindex: '0', 'aria-label': `${labels[id]} settings` },
        h('code', null, snippets[id]),
      ),
    );
  };
  tabs = tabList({
    label: 'Client settings',
    panelId: 'snippet-panel',
    selected: 'aws',
    tabs: Object.entries(labels).map(([id, label]) => ({ id, label })),
    onSelect: show,
  });
  show('aws');
  return h(
    'div',
    { class: 'key-pane stack' },
    notice(
      'warning',
      h('strong', null, 'This is the only time the secret access key is shown.'),
      ' Copy it now and keep it somewhere safe. ROS stores it encrypted and cannot show it again; if you lose it, delete this key and add a new one.',
    ),
    h(
      'p',
      { class: 'muted' },
      'Key ',
      h('strong', null, key.name),
      ' for ',
      h('strong', null, key.siteName),
      key.owner.type === 'app' ? [' (app ', h('strong', null, key.owner.name), ')'] : null,
      '.',
    ),
    h('p', { class: 'key-pane-limits' }, h('strong', null, 'Limits: '), limitsText(key)),
    copyField('new-key-id', 'Access key ID', key.accessKeyId, 'access key ID'),
    copyField('new-key-secret', 'Secret access key', secretAccessKey, 'secret access key'),
    copyField('new-key-endpoint', 'Endpoint URL', endpoint, 'endpoint URL'),
    h('h3', { class: 'pane-subtitle' }, 'Configure your S3 client'),
    h(
      'p',
      { class: 'muted small' },
      'Only three settings are needed: the endpoint URL, the access key ID and the secret access key. There is no need to configure a region.',
    ),
    tabs,
    panel,
    h(
      'div',
      { class: 'dialog-actions' },
      h('button', { type: 'button', class: 'button primary', onclick: close }, icon('check'), 'Done'),
    ),
  );
}
