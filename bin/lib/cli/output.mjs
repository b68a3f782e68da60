// Human output: aligned plain-text tables (no dependency, no colour, so it pipes and greps well).
// Machine output (--json) is the API's data, pretty-printed.

/**
 * @template T
 * @typedef {{ header: string, value: (row: T) => unknown }} Column
 */

/**
 * Lays rows out under upper-case headers, each column as wide as its widest cell, two spaces apart.
 * @template T
 * @param {T[]} rows
 * @param {Column<T>[]} columns
 * @returns {string} with a trailing newline
 */
export function table(rows, columns) {
  const cells = [columns.map((c) => c.header.toUpperCase()), ...rows.map((r) => columns.map((c) => cell(c.value(r))))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => line[i].length)));
  return `${cells
    .map((line) =>
      line
        .map((text, i) => text.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

/** @param {unknown} value */
function cell(value) {
  if (value === null || value === undefined || value === '') return '-';
  // A cell is one line: a stray newline would break the alignment of everything below it.
  return String(value).replace(/\s+/g, ' ');
}

/** An API time (ISO 8601, UTC) as "2026-07-10 09:41 UTC"-style text, short enough for a table. @param {string | null} iso */
export function when(iso) {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : null;
}

/** @param {unknown} value */
export function json(value) {
  return `${JSON.stringify(value, null, 2)}\n`;
}
