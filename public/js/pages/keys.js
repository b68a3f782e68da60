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
import { icon, iconButton } from '../ui/icons.js';
import { selectTab, tabList } from '../ui/tabs.js';

/**
 * An access key as the API lists it: `owner` is the member (a user or an app) it belongs to.
 * @typedef {{ accessKeyId: string, name: string, site: string, siteName: string, endpoint: string | null,
 *   status: 'active' | 'inactive', owner: { type: 'user' | 'app', id: string, name: string }, createdAt: string,
 *   lastUsedAt: string | null }} AccessKey
 */

/**
 * Object Storage ⇢ Access Keys: tabs My Keys / App Keys, Add Own Key (site + name → Add Key → the pane with the
 * Access key ID and Secret access key), Add App Key for admins, delete with confirmation.
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

  /**
   * A table of keys; `owner` adds whose each key is, `canDelete` says which get the trash icon.
   * @param {AccessKey[]} rows @param {{ owner?: boolean, canDelete?: (key: AccessKey) => boolean, caption: string }} o
   */
  const table = (rows, { owner = false, canDelete = () => true, caption }) =>
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
              nameCell('key', h('span', null, k.name)),
              owner
                ? h('td', null, k.owner.name, k.owner.type === 'app' ? h('span', { class: 'badge' }, 'App') : null)
                : null,
              h('td', null, h('code', null, k.accessKeyId)),
              h('td', null, k.siteName),
              h('td', null, when(k.createdAt)),
              h('td', null, when(k.lastUsedAt, 'Never')),
              h(
                'td',
                null,
                h(
                  'span',
                  { class: `badge ${k.status === 'active' ? 'ok' : ''}` },
                  k.status === 'active' ? 'Active' : 'Inactive',
                ),
              ),
              h(
                'td',
                { class: 'actions' },
                canDelete(k)
                  ? iconButton('trash', `Delete key ${k.name}`, () => remove(k), 'icon-button danger')
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
        ? table(keys.appKeys, { owner: true, caption: 'App Keys', canDelete: () => isAdmin })
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
            if (bad) return bad.focus();
            await busy(submit, async () => {
              try {
                const body = {
                  site: siteSelect.value,
                  name: name.value.trim(),
                  ...(appSelect && { app: appSelect.value }),
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
