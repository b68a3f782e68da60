// The element builder every view is written with: no templates, no framework, so text is never parsed as HTML.

/**
 * Builds an element. `props`: `class`, `text`, `on<event>` handlers, `dataset`, boolean and string attributes;
 * children: nodes, strings, arrays, null/false (skipped).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag @param {Record<string, any> | null} [props] @param {...any} children
 * @returns {HTMLElementTagNameMap[K]}
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

/**
 * Appends children as `h` takes them: nodes, strings, arrays, null/false (skipped).
 * @template {Element} E
 * @param {E} el @param {any[]} children
 * @returns {E}
 */
export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/**
 * Replaces all of `el`'s children.
 * @template {Element} E
 * @param {E} el @param {...any} children
 * @returns {E}
 */
export const replace = (el, ...children) => {
  el.replaceChildren();
  return append(el, children);
};
