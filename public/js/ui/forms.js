// Form parts: labelled fields with their errors, the form-level error box, and busy submit buttons.
import { h } from './dom.js';
import { icon } from './icons.js';

/** Numbers the controls that come without an id, so their label, hint and error can point at them. */
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

/**
 * Marks a button busy while `work` runs (disabled, aria-busy, label kept).
 * @template T
 * @param {HTMLButtonElement} button @param {() => Promise<T>} work
 * @returns {Promise<T>}
 */
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
