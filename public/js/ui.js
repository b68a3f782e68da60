// Small DOM helpers shared by the pages: element builder, icons, dialogs, menus, tabs, announcements, copy.

/**
 * Builds an element. `props`: `class`, `text`, `on<event>` handlers, `dataset`, boolean and string attributes;
 * children: nodes, strings, arrays, null/false (skipped).
 * @param {string} tag @param {Record<string, any> | null} [props] @param {...any} children
 * @returns {HTMLElement}
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') el.className = value;
    else if (name === 'text') el.textContent = value;
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function')
      el.addEventListener(name.slice(2).toLowerCase(), value);
    else if (name === 'value' || name === 'checked' || name === 'selected') /** @type {any} */ (el)[name] = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** @param {Element} el @param {any[]} children */
export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** @param {Element} el @param {...any} children */
export const replace = (el, ...children) => {
  el.replaceChildren();
  return append(el, children);
};

// Icons: 24×24 strokes, drawn for this console. Always decorative: the control carries the label.
const PATHS = {
  trash:
    '<path d="M3 6h18M8 6V4a1 1 0 0 1 1-1h6a1 1 0 0 1 1 1v2m3 0-1 14a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2L5 6m5 5v6m4-6v6"/>',
  dots: '<circle cx="12" cy="5" r="1.6" fill="currentColor"/><circle cx="12" cy="12" r="1.6" fill="currentColor"/><circle cx="12" cy="19" r="1.6" fill="currentColor"/>',
  copy: '<rect x="9" y="9" width="12" height="12" rx="2"/><path d="M5 15H4a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2h9a2 2 0 0 1 2 2v1"/>',
  folder: '<path d="M3 6a2 2 0 0 1 2-2h4l2 2.5h8a2 2 0 0 1 2 2V18a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z"/>',
  file: '<path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z"/><path d="M14 3v5h5"/>',
  upload: '<path d="M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4M17 8l-5-5-5 5M12 3v12"/>',
  download: '<path d="M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4M7 10l5 5 5-5M12 15V3"/>',
  key: '<circle cx="7.5" cy="15.5" r="4.5"/><path d="m10.7 12.3 9.8-9.8M17 6l3 3M14.5 8.5l2 2"/>',
  bucket:
    '<ellipse cx="12" cy="5" rx="8" ry="3"/><path d="M4 5v14c0 1.7 3.6 3 8 3s8-1.3 8-3V5M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3"/>',
  close: '<path d="M18 6 6 18M6 6l12 12"/>',
  alert: '<circle cx="12" cy="12" r="10"/><path d="M12 7v6M12 16.5v.5"/>',
  info: '<circle cx="12" cy="12" r="10"/><path d="M12 11v6M12 7.5V8"/>',
  check: '<path d="M20 6 9 17l-5-5"/>',
  plus: '<path d="M12 5v14M5 12h14"/>',
  users:
    '<path d="M16 21v-2a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v2"/><circle cx="9" cy="7" r="4"/><path d="M22 21v-2a4 4 0 0 0-3-3.9M16 3.1a4 4 0 0 1 0 7.8"/>',
  project: '<rect x="3" y="7" width="18" height="13" rx="2"/><path d="M8 7V5a2 2 0 0 1 2-2h4a2 2 0 0 1 2 2v2"/>',
  logout: '<path d="M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4M16 17l5-5-5-5M21 12H9"/>',
  chevron: '<path d="m9 18 6-6-6-6"/>',
  logo: '<path d="M2 20 8.5 8l4 6.5L15.5 10 22 20z" fill="currentColor" stroke="none"/>',
};

/** @param {keyof typeof PATHS} name @param {string} [cls] */
export function icon(name, cls = 'icon') {
  const span = document.createElement('span');
  span.innerHTML = `<svg class="${cls}" viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">${PATHS[name]}</svg>`;
  return /** @type {HTMLElement} */ (/** @type {unknown} */ (span.firstElementChild));
}

/** A button with an icon only: `label` is its accessible name (and tooltip). */
export function iconButton(name, label, onClick, cls = 'icon-button') {
  return h('button', { type: 'button', class: cls, 'aria-label': label, title: label, onclick: onClick }, icon(name));
}

// ---- formatting

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
/** @param {number} n */
export function bytes(n) {
  if (n < 1024) return `${n.toLocaleString()} ${n === 1 ? 'byte' : 'bytes'}`;
  let v = n;
  let u = -1;
  do {
    v /= 1024;
    u++;
  } while (v >= 1024 && u < UNITS.length - 1);
  return `${v.toLocaleString(undefined, { maximumFractionDigits: v < 10 ? 1 : 0 })} ${UNITS[u]}`;
}

/** @param {string | null} iso @param {string} [never] */
export function when(iso, never = 'Never') {
  if (!iso) return h('span', { class: 'muted' }, never);
  const d = new Date(iso);
  return h(
    'time',
    { datetime: iso, title: d.toISOString() },
    d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
  );
}

// ---- announcements (aria-live) and toasts

/** The live region to speak through: the open modal dialog's own (the rest of the page is inert then), or the page's. */
function liveRegion(kind) {
  const dialogs = document.querySelectorAll('dialog[open]');
  const top = dialogs[dialogs.length - 1];
  return (top ?? document).querySelector(kind === 'error' ? '[data-live="error"]' : '[data-live="status"]');
}

/**
 * Says `message` to screen readers and shows it as a toast. Errors are assertive and stay until dismissed.
 * @param {string} message @param {'status' | 'error'} [kind]
 */
export function announce(message, kind = 'status') {
  const region = liveRegion(kind);
  if (!region) return;
  const toast = h(
    'div',
    { class: `toast toast-${kind}` },
    icon(kind === 'error' ? 'alert' : 'check'),
    h('span', { class: 'toast-text' }, message),
    kind === 'error' ? iconButton('close', 'Dismiss message', () => toast.remove(), 'icon-button small') : null,
  );
  region.append(toast);
  while (region.children.length > 3) region.firstElementChild?.remove();
  if (kind !== 'error') setTimeout(() => toast.remove(), 4000);
  else setTimeout(() => toast.remove(), 15000);
}

/** Reports a failure in words: `what` says what failed ("Could not delete the key"), the error says why. */
export function reportError(what, err) {
  const why = err instanceof Error ? err.message : String(err);
  announce(`${what}: ${why}`, 'error');
}

// ---- copy to clipboard

/** @param {string} text */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Older browsers, or a clipboard permission denied: the classic way.
    const area = h('textarea', { class: 'visually-hidden', readonly: true }, text);
    (document.querySelector('dialog[open]') ?? document.body).append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    if (!ok) throw new Error('Your browser did not allow copying; select the text and copy it by hand');
  }
}

/**
 * A "Copy" button for a value; says "Copied" on the button and to screen readers.
 * @param {() => string} value @param {string} what e.g. "access key ID"
 */
export function copyButton(value, what, compact = false) {
  const label = h('span', { class: compact ? 'visually-hidden' : null }, 'Copy');
  const button = h(
    'button',
    { type: 'button', class: 'button small', 'aria-label': `Copy ${what}`, title: `Copy ${what}` },
    icon('copy'),
    label,
  );
  button.addEventListener('click', async () => {
    try {
      await copyText(value());
      label.textContent = 'Copied';
      button.classList.add('copied');
      announce(`Copied ${what} to the clipboard`);
      setTimeout(() => {
        label.textContent = 'Copy';
        button.classList.remove('copied');
      }, 2000);
    } catch (err) {
      reportError(`Could not copy the ${what}`, err);
    }
  });
  return button;
}

/** A read-only value with its copy button. */
export function copyField(id, labelText, value, what = labelText.toLowerCase()) {
  return h(
    'div',
    { class: 'copy-field' },
    h('span', { class: 'field-label', id: `${id}-label` }, labelText),
    h(
      'div',
      { class: 'copy-row' },
      h('code', { class: 'copy-value', id, 'aria-labelledby': `${id}-label` }, value),
      copyButton(() => value, what),
    ),
  );
}

// ---- dialogs

/**
 * A modal dialog (native <dialog>: focus stays inside, Escape closes). Focus returns to where it was on close.
 * @param {{ title: string, content: (api: DialogApi) => any, wide?: boolean, onClose?: () => void }} options
 * @typedef {{ dialog: HTMLDialogElement, close: () => void, setTitle: (t: string) => void, body: HTMLElement }} DialogApi
 */
export function openDialog({ title, content, wide = false, onClose }) {
  const opener = /** @type {HTMLElement | null} */ (document.activeElement);
  const id = `dialog-${Math.random().toString(36).slice(2, 8)}`;
  const heading = h('h2', { id: `${id}-title`, class: 'dialog-title' }, title);
  const body = h('div', { class: 'dialog-body' });
  const dialog = /** @type {HTMLDialogElement} */ (
    h(
      'dialog',
      { class: wide ? 'dialog wide' : 'dialog', 'aria-labelledby': `${id}-title` },
      h(
        'div',
        { class: 'dialog-head' },
        heading,
        iconButton('close', 'Close', () => dialog.close()),
      ),
      body,
      // Inside a modal the rest of the page is inert, so the dialog speaks through its own regions: statuses
      // for screen readers only (the control that changed says it too, e.g. "Copied"), errors shown inline.
      h('div', { class: 'visually-hidden', 'data-live': 'status', 'aria-live': 'polite' }),
      h('div', { class: 'dialog-errors', 'data-live': 'error', 'aria-live': 'assertive' }),
    )
  );
  /** @type {DialogApi} */
  const api = { dialog, body, close: () => dialog.close(), setTitle: (t) => (heading.textContent = t) };
  append(body, [content(api)]);
  dialog.addEventListener('close', () => {
    dialog.remove();
    onClose?.();
    if (opener?.isConnected) opener.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  focusFirst(dialog);
  return api;
}

/** Focuses the element marked `autofocus`, else the first field, else the first button of the body. */
export function focusFirst(root) {
  const target =
    root.querySelector('[autofocus]') ??
    root.querySelector('.dialog-body input, .dialog-body select, .dialog-body textarea') ??
    root.querySelector('.dialog-body button');
  /** @type {HTMLElement | null} */ (target)?.focus();
}

/**
 * Asks a yes/no question. Resolves true when confirmed.
 * @param {{ title: string, message: any, confirm: string, danger?: boolean }} o
 */
export function confirmDialog({ title, message, confirm, danger = true }) {
  return new Promise((resolve) => {
    let answer = false;
    openDialog({
      title,
      onClose: () => resolve(answer),
      content: ({ close }) => [
        h('div', { class: 'dialog-message' }, message),
        h(
          'div',
          { class: 'dialog-actions' },
          h('button', { type: 'button', class: 'button', onclick: close }, 'Cancel'),
          h(
            'button',
            {
              type: 'button',
              class: danger ? 'button danger' : 'button primary',
              autofocus: true,
              onclick: () => {
                answer = true;
                close();
              },
            },
            confirm,
          ),
        ),
      ],
    });
  });
}

// ---- menus (the three vertical dots)

/**
 * A menu button: Enter/Space/ArrowDown opens, arrows move, Escape closes and returns focus.
 * @param {string} label accessible name @param {{ label: string, onSelect: () => void, danger?: boolean }[]} items
 */
export function menuButton(label, items) {
  const id = `menu-${Math.random().toString(36).slice(2, 8)}`;
  const button = h(
    'button',
    {
      type: 'button',
      class: 'icon-button',
      'aria-label': label,
      title: label,
      'aria-haspopup': 'menu',
      'aria-expanded': 'false',
      'aria-controls': id,
    },
    icon('dots'),
  );
  const entries = items.map((item) =>
    h(
      'button',
      {
        type: 'button',
        role: 'menuitem',
        tabindex: '-1',
        class: item.danger ? 'menu-item danger' : 'menu-item',
        onclick: () => {
          close(false);
          item.onSelect();
        },
      },
      item.label,
    ),
  );
  const menu = h('div', { id, role: 'menu', 'aria-label': label, class: 'menu', hidden: true }, entries);
  const wrap = h('div', { class: 'menu-wrap' }, button, menu);
  const focusItem = (i) => entries[(i + entries.length) % entries.length].focus();
  const open = (index = 0) => {
    menu.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    focusItem(index);
    setTimeout(() => document.addEventListener('click', outside));
  };
  const close = (refocus = true) => {
    menu.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    document.removeEventListener('click', outside);
    if (refocus) button.focus();
  };
  const outside = (e) => {
    if (!wrap.contains(/** @type {Node} */ (e.target))) close(false);
  };
  button.addEventListener('click', () => (menu.hidden ? open() : close()));
  button.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      open(0);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      open(entries.length - 1);
    }
  });
  menu.addEventListener('keydown', (e) => {
    const i = entries.indexOf(/** @type {any} */ (document.activeElement));
    if (e.key === 'ArrowDown') focusItem(i + 1);
    else if (e.key === 'ArrowUp') focusItem(i - 1);
    else if (e.key === 'Home') focusItem(0);
    else if (e.key === 'End') focusItem(entries.length - 1);
    else if (e.key === 'Escape') close();
    else if (e.key === 'Tab') close(false);
    else return;
    e.preventDefault();
  });
  return wrap;
}

// ---- tabs

/**
 * ARIA tabs with arrow-key movement. Each tab is a link-like button; `onSelect(id)` switches the panel.
 * @param {{ label: string, tabs: { id: string, label: string }[], selected: string, onSelect: (id: string) => void, panelId: string }} o
 */
export function tabList({ label, tabs, selected, onSelect, panelId }) {
  const buttons = tabs.map((t) =>
    h(
      'button',
      {
        type: 'button',
        role: 'tab',
        id: `tab-${t.id}`,
        class: 'tab',
        'aria-selected': String(t.id === selected),
        'aria-controls': panelId,
        tabindex: t.id === selected ? '0' : '-1',
        onclick: () => onSelect(t.id),
      },
      t.label,
    ),
  );
  const list = h('div', { role: 'tablist', 'aria-label': label, class: 'tabs' }, buttons);
  list.addEventListener('keydown', (e) => {
    const i = buttons.indexOf(/** @type {any} */ (document.activeElement));
    let next = -1;
    if (e.key === 'ArrowRight') next = (i + 1) % buttons.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + buttons.length) % buttons.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = buttons.length - 1;
    if (next < 0) return;
    e.preventDefault();
    buttons[next].focus();
    onSelect(tabs[next].id);
  });
  return list;
}

// ---- forms

let fieldSeq = 0;
/**
 * A labelled control with an optional hint and an error slot wired by aria-describedby.
 * @param {string} labelText @param {HTMLElement} control @param {string} [hint]
 */
export function field(labelText, control, hint) {
  const id = control.id || `f${++fieldSeq}`;
  control.id = id;
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  const error = h('p', { class: 'field-error', id: `${id}-error`, 'aria-live': 'polite' });
  control.setAttribute('aria-describedby', [hintEl ? `${id}-hint` : '', `${id}-error`].join(' ').trim());
  const wrap = h('div', { class: 'field' }, h('label', { for: id }, labelText), control, hintEl, error);
  return Object.assign(wrap, {
    /** @param {string} message */
    setError(message) {
      error.replaceChildren();
      if (message) error.append(icon('alert'), h('span', null, message));
      control.toggleAttribute('aria-invalid', Boolean(message));
      if (message) control.setAttribute('aria-invalid', 'true');
    },
  });
}

/** A form-level error box (role=alert) that a failed submit fills. */
export function formError() {
  const box = h('div', { class: 'form-error', role: 'alert', hidden: true });
  return Object.assign(box, {
    /** @param {string | null} message */
    show(message) {
      box.replaceChildren();
      box.hidden = !message;
      if (message) box.append(icon('alert'), h('span', null, message));
    },
  });
}

/** Marks a button busy while `work` runs (disabled, aria-busy, label kept). */
export async function busy(button, work) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

/** A table's name cell: an icon and the name, as a row header. */
export const nameCell = (iconName, ...content) =>
  h('th', { scope: 'row' }, h('span', { class: 'name-cell' }, icon(iconName), ...content));

/** A notice box: `info` or `warning`. */
export const notice = (kind, ...children) =>
  h('div', { class: `notice notice-${kind}` }, icon(kind === 'info' ? 'info' : 'alert'), h('div', null, ...children));

/** An empty state: what is (not) here and what to do next. */
export const emptyState = (iconName, title, text, action) =>
  h(
    'div',
    { class: 'empty' },
    icon(iconName, 'icon big'),
    h('p', { class: 'empty-title' }, title),
    h('p', { class: 'muted' }, text),
    action ?? null,
  );
