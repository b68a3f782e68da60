// Copying values (keys, endpoints, client settings) to the clipboard, and the Copy buttons that do it.
import { announce, reportError } from './announce.js';
import { h } from './dom.js';
import { icon } from './icons.js';

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
 * @param {() => string} value @param {string} what e.g. "access key ID" @param {boolean} [compact] label for screen readers only
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

/**
 * A read-only value with its copy button.
 * @param {string} id @param {string} labelText @param {string} value @param {string} [what]
 */
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
