// The bucket's CORS card: which web pages on other sites may use the bucket from a browser. The rules are shown
// plainly; they are edited as a form or as JSON (the API's {"rules": [...]}, docs/api.md), added from the "uploads
// from my web app" preset, or removed all at once. The server checks them as S3's PutBucketCors does.
import { api } from '../../api.js';
import { announce, reportError } from '../../ui/announce.js';
import { confirmDialog, openDialog } from '../../ui/dialogs.js';
import { h, replace } from '../../ui/dom.js';
import { busy, field, formError } from '../../ui/forms.js';
import { iconButton } from '../../ui/icons.js';
import { menuButton } from '../../ui/menu.js';
import { selectTab, tabList } from '../../ui/tabs.js';

/**
 * A rule as the API has it.
 * @typedef {{ id?: string, allowedOrigins: string[], allowedMethods: string[], allowedHeaders: string[],
 *   exposeHeaders: string[], maxAgeSeconds?: number }} CorsRule
 */

const METHODS = ['GET', 'PUT', 'HEAD', 'POST', 'DELETE'];

/**
 * The preset: what a web app needs to upload (PUT, or a POST form) and read back, any request header (the SDKs
 * send several), the ETag readable by its scripts (multipart uploads need it), preflights cached 50 minutes.
 * @param {string} origin @returns {CorsRule}
 */
const uploadsRule = (origin) => ({
  allowedOrigins: [origin],
  allowedMethods: ['GET', 'PUT', 'POST', 'HEAD'],
  allowedHeaders: ['*'],
  exposeHeaders: ['ETag'],
  maxAgeSeconds: 3000,
});

/**
 * The card, and `load` to fetch the rules into it.
 * @param {import('./view.js').BucketView} view
 */
export function bucketCors({ base }) {
  const actions = h('div', { class: 'section-actions' });
  const body = h('div', { class: 'cors-body' }, h('p', { class: 'muted' }, 'Loading…'));
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'cors-title' },
    h('div', { class: 'section-head' }, h('h2', { id: 'cors-title' }, 'CORS'), actions),
    h(
      'p',
      { class: 'hint' },
      'Cross-origin resource sharing: which web pages on other sites may use this bucket from a browser, and how. ',
      'The S3 endpoints apply a change within 5 seconds.',
    ),
    body,
  );
  /** @type {CorsRule[]} */
  let rules = [];

  /** @param {CorsRule[]} next */
  const show = (next) => {
    rules = next;
    const preset = h(
      'button',
      { type: 'button', class: rules.length ? 'button' : 'button primary', onclick: () => presetDialog(rules, save) },
      'Allow uploads from my web app',
    );
    const edit = h(
      'button',
      { type: 'button', class: 'button', onclick: () => editorDialog(rules, save) },
      rules.length ? 'Edit rules' : 'Add rules',
    );
    const more = menuButton('CORS actions', [{ label: 'Remove all rules', danger: true, onSelect: remove }]);
    replace(actions, edit, preset, rules.length ? more : null);
    replace(
      body,
      rules.length
        ? rulesTable(rules)
        : h(
            'p',
            { class: 'muted' },
            'No rules: browsers keep scripts on other sites from using this bucket. ',
            'A web app that uploads or reads files directly needs a rule for its origin.',
          ),
    );
  };

  /** Saves the rules (none: removes them all) and shows what the server kept. @param {CorsRule[]} next */
  async function save(next) {
    if (next.length === 0) await api('DELETE', `${base}/cors`);
    show(next.length ? (await api('PUT', `${base}/cors`, { rules: next })).rules : []);
    announce(next.length ? 'CORS rules saved' : 'CORS rules removed');
  }

  async function remove() {
    const sure = await confirmDialog({
      title: 'Remove all CORS rules?',
      message: 'Web pages on other sites will no longer be able to use this bucket from a browser.',
      confirm: 'Remove all',
    });
    if (!sure) return;
    try {
      await save([]);
    } catch (err) {
      reportError('Could not remove the CORS rules', err);
    }
  }

  async function load() {
    try {
      show((await api('GET', `${base}/cors`)).rules);
    } catch (err) {
      replace(body, h('p', { class: 'muted' }, 'Unknown'));
      reportError('Could not load the CORS rules', err);
    }
  }
  return { section, load };
}

/** The rules, one row each, as S3 evaluates them: top to bottom, the first that matches. @param {CorsRule[]} rules */
function rulesTable(rules) {
  /** @param {string[]} values @param {string} none */
  const list = (values, none) =>
    values.length
      ? h(
          'ul',
          { class: 'value-list' },
          values.map((v) => h('li', null, h('code', null, v === '' ? '""' : v))),
        )
      : h('span', { class: 'muted' }, none);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'table cors-table' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Rule', 'Origins', 'Methods', 'Request headers', 'Exposed headers', 'Max age'].map((t) =>
            h('th', { scope: 'col' }, t),
          ),
        ),
      ),
      h(
        'tbody',
        null,
        rules.map((rule, i) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row' }, rule.id || h('span', { class: 'muted' }, `Rule ${i + 1}`)),
            h('td', null, list(rule.allowedOrigins, '')),
            h('td', null, rule.allowedMethods.join(', ')),
            h('td', null, list(rule.allowedHeaders, 'None')),
            h('td', null, list(rule.exposeHeaders, 'None')),
            h(
              'td',
              { class: 'num' },
              rule.maxAgeSeconds === undefined ? h('span', { class: 'muted' }, 'Default') : `${rule.maxAgeSeconds} s`,
            ),
          ),
        ),
      ),
    ),
  );
}

/**
 * "Allow uploads from my web app": asks for the app's origin and adds the preset rule to the bucket's rules.
 * @param {CorsRule[]} rules @param {(rules: CorsRule[]) => Promise<void>} save
 */
function presetDialog(rules, save) {
  openDialog({
    title: 'Allow uploads from my web app',
    content: (d) => {
      const input = h('input', {
        type: 'text',
        placeholder: 'https://app.example.com',
        autocomplete: 'off',
        spellcheck: 'false',
        autocapitalize: 'none',
        autofocus: true,
      });
      const originField = field(
        'Your web app’s origin',
        input,
        'The scheme, host and port its pages are served from, without a path.',
      );
      const go = h('button', { type: 'submit', class: 'button primary' }, 'Allow uploads');
      return dialogForm(
        d,
        go,
        () => {
          const origin = originOf(input.value.trim());
          originField.setError(origin ? '' : 'Give an origin such as https://app.example.com (no path).');
          if (!origin) {
            input.focus();
            return null;
          }
          return () => save([...rules, uploadsRule(origin)]);
        },
        h(
          'p',
          null,
          'Adds a rule that lets pages from that origin upload (PUT, or a POST form) and read (GET, HEAD) objects, ',
          'with any request headers; their scripts may read the ETag of an answer, and browsers keep the permission ',
          'for 50 minutes.',
        ),
        originField,
      );
    },
  });
}

/**
 * A dialog's form, its error box and its Cancel and `submit` buttons. On submit, `prepare` checks the fields (and
 * marks them; null stops) and gives the work, done with the button busy: done closes the dialog, a refusal (the
 * server's reason, in words) shows in the box. `error` may be placed among `children`; else it goes last.
 * @param {import('../../ui/dialogs.js').DialogApi} d @param {HTMLButtonElement} submit
 * @param {() => (() => Promise<void>) | null} prepare @param {...any} children
 */
function dialogForm(d, submit, prepare, ...children) {
  const placed = children.find((c) => c instanceof HTMLElement && c.classList.contains('form-error'));
  const error = placed ?? formError();
  return h(
    'form',
    {
      class: 'stack',
      novalidate: true,
      onsubmit: (/** @type {SubmitEvent} */ e) => {
        e.preventDefault();
        error.show(null);
        const work = prepare();
        if (work)
          busy(submit, async () => {
            try {
              await work();
              d.close();
            } catch (err) {
              error.show(/** @type {Error} */ (err).message);
            }
          });
      },
    },
    children,
    placed ? null : error,
    h(
      'div',
      { class: 'dialog-actions' },
      h('button', { type: 'button', class: 'button', onclick: d.close }, 'Cancel'),
      submit,
    ),
  );
}

/**
 * What a person typed as an origin, as browsers send it (`https://host[:port]`), or null. A trailing `/` is
 * forgiven; `*` stands for every origin; a path is not an origin.
 * @param {string} text @returns {string | null}
 */
function originOf(text) {
  if (text === '*') return text;
  try {
    const url = new URL(text);
    const bare = url.pathname === '/' && !url.search && !url.hash && !url.username;
    return bare && /^https?:$/.test(url.protocol) && (text === url.origin || text === `${url.origin}/`)
      ? url.origin
      : null;
  } catch {
    return null;
  }
}

/**
 * The editor: the rules as a form (one box per rule) or as JSON, switched by tabs; Save replaces the bucket's rules.
 * @param {CorsRule[]} initial @param {(rules: CorsRule[]) => Promise<void>} save
 */
function editorDialog(initial, save) {
  openDialog({
    title: 'Edit CORS rules',
    wide: true,
    content: (d) => {
      const error = formError();
      const rulesBox = h('div', { class: 'stack' });
      const json = h('textarea', {
        class: 'code-input',
        rows: '16',
        spellcheck: 'false',
        'aria-label': 'The rules as JSON',
      });
      const addRule = h('button', { type: 'button', class: 'button', onclick: () => addBox(blankRule()) }, 'Add rule');
      const formPane = h('div', { class: 'stack cors-pane' }, rulesBox, h('div', null, addRule));
      const jsonPane = h(
        'div',
        { class: 'stack cors-pane', hidden: true },
        field(
          'Rules as JSON',
          json,
          'The API’s shape: {"rules": [{"allowedOrigins": [...], "allowedMethods": [...], "allowedHeaders": [...], "exposeHeaders": [...], "maxAgeSeconds": 3000, "id": "..."}]}',
        ),
      );
      const panel = h('div', { id: 'cors-editor-panel', role: 'tabpanel', class: 'tab-panel' }, formPane, jsonPane);
      /** @type {{ element: HTMLElement, read: () => CorsRule }[]} */
      let boxes = [];
      let mode = 'form';

      /** @param {CorsRule} rule */
      function addBox(rule) {
        const box = ruleBox(rule, () => {
          boxes = boxes.filter((b) => b !== box);
          box.element.remove();
          renumber();
        });
        boxes.push(box);
        rulesBox.append(box.element);
        renumber();
        return box;
      }
      const renumber = () =>
        boxes.forEach((b, i) => {
          const legend = /** @type {HTMLElement} */ (b.element.querySelector('legend'));
          legend.textContent = `Rule ${i + 1}`;
        });
      /** @param {CorsRule[]} rules */
      const fill = (rules) => {
        boxes = [];
        rulesBox.replaceChildren();
        for (const rule of rules) addBox(rule);
      };

      /** The rules as edited, or a message for the person. @returns {CorsRule[]} */
      const current = () => (mode === 'form' ? boxes.map((b) => b.read()) : parseRules(json.value));

      /** @param {string} id */
      const switchTo = (id) => {
        if (id === mode) return;
        error.show(null);
        try {
          if (id === 'json') json.value = JSON.stringify({ rules: current() }, null, 2);
          else fill(current());
        } catch (err) {
          error.show(/** @type {Error} */ (err).message);
          return selectTab(tabs, panel, mode);
        }
        mode = id;
        formPane.hidden = mode !== 'form';
        jsonPane.hidden = mode !== 'json';
        selectTab(tabs, panel, mode);
      };
      const tabs = tabList({
        label: 'Edit the rules as',
        panelId: 'cors-editor-panel',
        selected: 'form',
        tabs: [
          { id: 'form', label: 'Form' },
          { id: 'json', label: 'JSON' },
        ],
        onSelect: switchTo,
      });
      selectTab(tabs, panel, 'form');
      fill(initial.length ? initial : [blankRule()]);

      const go = h('button', { type: 'submit', class: 'button primary' }, 'Save rules');
      return dialogForm(
        d,
        go,
        () => () => save(current()),
        h(
          'p',
          { class: 'muted' },
          'S3 uses the first rule that matches a request’s origin (scheme, host and port, as browsers send it), its ',
          'method and the headers it sends; exposed headers are those of the answer that scripts may read. One value ',
          'per line; an origin or a header may hold one * (https://*.example.com, x-amz-*, or * for any). Max age is ',
          'how long browsers may keep a preflight’s answer. Saving no rules removes them all.',
        ),
        tabs,
        panel,
        error,
      );
    },
  });
}

/**
 * A list field of a rule that came from the JSON tab, whatever its type there (the server judges the rules).
 * @param {unknown} value @returns {string[]}
 */
const listOf = (value) => (Array.isArray(value) ? value.map(String) : value == null ? [] : [String(value)]);

/** @returns {CorsRule} */
const blankRule = () => ({ allowedOrigins: [], allowedMethods: ['GET'], allowedHeaders: [], exposeHeaders: [] });

/**
 * The JSON tab's text as rules: the API's {"rules": [...]}; the server checks each rule.
 * @param {string} text @returns {CorsRule[]}
 */
function parseRules(text) {
  let data;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`The JSON does not parse: ${/** @type {Error} */ (err).message}`);
  }
  if (!Array.isArray(data?.rules)) throw new Error('The JSON needs a "rules" list: {"rules": [...]}.');
  return data.rules;
}

/**
 * One rule's box in the form, and `read` for the rule it now describes.
 * @param {CorsRule} rule @param {() => void} onRemove
 */
function ruleBox(rule, onRemove) {
  /** @param {unknown} values @param {string} placeholder */
  const lines = (values, placeholder) =>
    h('textarea', { class: 'code-input', rows: '2', spellcheck: 'false', placeholder }, listOf(values).join('\n'));
  const id = h('input', { type: 'text', value: rule.id ?? '', autocomplete: 'off', placeholder: 'optional' });
  const origins = lines(rule.allowedOrigins, 'https://app.example.com');
  const headers = lines(rule.allowedHeaders, 'none (try * or x-amz-*)');
  const expose = lines(rule.exposeHeaders, 'none (e.g. ETag)');
  const maxAge = h('input', {
    type: 'text',
    inputmode: 'numeric',
    value: rule.maxAgeSeconds === undefined ? '' : String(rule.maxAgeSeconds),
    placeholder: 'browser default',
  });
  const methods = METHODS.map((m) =>
    h('input', { type: 'checkbox', value: m, checked: listOf(rule.allowedMethods).includes(m) }),
  );
  const element = h(
    'fieldset',
    { class: 'cors-rule' },
    h('legend', null, 'Rule'),
    h('div', { class: 'rule-remove' }, iconButton('close', 'Remove this rule', onRemove, 'icon-button small')),
    field('Allowed origins', origins),
    h(
      'fieldset',
      { class: 'method-checks' },
      h('legend', { class: 'field-label' }, 'Allowed methods'),
      methods.map((box) => h('label', { class: 'check' }, box, box.value)),
    ),
    field('Allowed request headers', headers),
    field('Exposed headers', expose),
    field('ID', id),
    field('Max age (seconds)', maxAge),
  );
  /** @param {HTMLTextAreaElement} area */
  const values = (area) =>
    area.value
      .split('\n')
      .map((v) => v.trim())
      .filter((v) => v !== '');
  return {
    element,
    /** @returns {CorsRule} */
    read() {
      const age = maxAge.value.trim();
      if (age !== '' && !/^\d+$/.test(age)) throw new Error('Max age is a whole number of seconds, or empty.');
      return {
        ...(id.value.trim() !== '' && { id: id.value.trim() }),
        allowedOrigins: values(origins),
        allowedMethods: methods.filter((box) => box.checked).map((box) => box.value),
        allowedHeaders: values(headers),
        exposeHeaders: values(expose),
        ...(age !== '' && { maxAgeSeconds: Number(age) }),
      };
    },
  };
}
