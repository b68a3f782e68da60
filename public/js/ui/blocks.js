// Blocks the pages repeat: a table row's name cell, a notice box, an empty state.
import { h } from './dom.js';
import { icon } from './icons.js';

/**
 * A table's name cell: an icon and the name, as a row header.
 * @param {import('./icons.js').IconName} iconName @param {...any} content
 */
export const nameCell = (iconName, ...content) =>
  h('th', { scope: 'row' }, h('span', { class: 'name-cell' }, icon(iconName), ...content));

/**
 * A notice box: `info` or `warning`.
 * @param {'info' | 'warning'} kind @param {...any} children
 */
export const notice = (kind, ...children) =>
  h('div', { class: `notice notice-${kind}` }, icon(kind === 'info' ? 'info' : 'alert'), h('div', null, ...children));

/**
 * An empty state: what is (not) here and what to do next.
 * @param {import('./icons.js').IconName} iconName @param {string} title @param {string} text @param {HTMLElement | null} [action]
 */
export const emptyState = (iconName, title, text, action) =>
  h(
    'div',
    { class: 'empty' },
    icon(iconName, 'icon big'),
    h('p', { class: 'empty-title' }, title),
    h('p', { class: 'muted' }, text),
    action ?? null,
  );
