// Console addresses are hash routes (`#/p/<project id>/buckets/<site>/<name>?prefix=…`): static files need no
// server routes. The router renders on `hashchange`; these build addresses and go to them.

/**
 * The address of a console page; query values that are empty are left out.
 * @param {string} path @param {Record<string, string | null | undefined>} [query]
 */
export function href(path, query) {
  const given = query ? Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== '') : [];
  const qs = new URLSearchParams(/** @type {[string, string][]} */ (given)).toString();
  return `#${path}${qs ? `?${qs}` : ''}`;
}

/**
 * Goes to a page: a new history entry, or with `replace` this one replaced. Going to the address shown renders it
 * again (a reload).
 * @param {string} path @param {Record<string, string | null | undefined>} [query] @param {{ replace?: boolean }} [options]
 */
export function navigate(path, query, { replace = false } = {}) {
  const target = href(path, query);
  if (location.hash === target) return renderAgain();
  if (replace) {
    history.replaceState(null, '', target);
    renderAgain();
  } else location.hash = target;
}

/** Has the router render the address shown: neither the same address nor a replaced entry fires `hashchange`. */
function renderAgain() {
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}
