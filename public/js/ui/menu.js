// Menu buttons (the three vertical dots), keyboard-operable as the ARIA menu button pattern describes.
import { h } from './dom.js';
import { icon } from './icons.js';

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
  /** @param {number} i */
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
  /** @param {MouseEvent} e */
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
    const i = entries.indexOf(/** @type {HTMLButtonElement} */ (document.activeElement));
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
