// Announcements: said to screen readers through aria-live regions and shown as toasts.
import { h } from './dom.js';
import { icon, iconButton } from './icons.js';

/**
 * The live region to speak through: the open modal dialog's own (the rest of the page is inert then), or the page's.
 * @param {'status' | 'error'} kind
 */
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

/**
 * Reports a failure in words: `what` says what failed ("Could not delete the key"), the error says why.
 * @param {string} what @param {unknown} err
 */
export function reportError(what, err) {
  const why = err instanceof Error ? err.message : String(err);
  announce(`${what}: ${why}`, 'error');
}
