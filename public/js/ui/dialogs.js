// Modal dialogs on the native <dialog>: focus stays inside, Escape closes, focus returns to where it was.
import { append, h } from './dom.js';
import { iconButton } from './icons.js';

/**
 * What a dialog's content is given to work with.
 * @typedef {{ dialog: HTMLDialogElement, close: () => void, setTitle: (t: string) => void, body: HTMLElement }} DialogApi
 */

/**
 * Opens a modal dialog titled `title` with what `content` builds in its body.
 * @param {{ title: string, content: (api: DialogApi) => any, wide?: boolean, onClose?: () => void }} options
 */
export function openDialog({ title, content, wide = false, onClose }) {
  const opener = /** @type {HTMLElement | null} */ (document.activeElement);
  const id = `dialog-${Math.random().toString(36).slice(2, 8)}`;
  const heading = h('h2', { id: `${id}-title`, class: 'dialog-title' }, title);
  const body = h('div', { class: 'dialog-body' });
  const dialog = h(
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

/**
 * Focuses the element marked `autofocus`, else the first field, else the first button of the body.
 * @param {ParentNode} root
 */
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
 * @returns {Promise<boolean>}
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
