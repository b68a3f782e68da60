// Tabs (My Keys / App Keys, the client settings), keyboard-operable as the ARIA tabs pattern describes.
import { h } from './dom.js';

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
    const i = buttons.indexOf(/** @type {HTMLButtonElement} */ (document.activeElement));
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

/**
 * Marks tab `id` of `list` selected (and the only one reachable by Tab), and labels the panel with it: for tab lists
 * whose panel is redrawn in place rather than by navigating.
 * @param {HTMLElement} list @param {HTMLElement} panel @param {string} id
 */
export function selectTab(list, panel, id) {
  for (const t of list.querySelectorAll('[role=tab]')) {
    const on = t.id === `tab-${id}`;
    t.setAttribute('aria-selected', String(on));
    t.setAttribute('tabindex', on ? '0' : '-1');
  }
  panel.setAttribute('aria-labelledby', `tab-${id}`);
}
