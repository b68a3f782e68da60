import { S3Error } from './errors';

/** A byte range resolved against the object's size. */
export interface ByteRange {
  offset: number;
  length: number;
}

/**
 * The Range header as S3 reads it: one range, `bytes=a-b`, `bytes=a-` or `bytes=-n` (last n bytes).
 * A header S3 cannot parse (other units, several ranges, garbage) is ignored: the whole object is returned.
 * A range that starts past the end is unsatisfiable → 416 InvalidRange.
 * https://www.rfc-editor.org/rfc/rfc9110#section-14.1.2
 */
export function resolveRange(header: string | null, size: number): ByteRange | null {
  if (header === null) return null;
  const m = /^\s*bytes=(\d*)-(\d*)\s*$/i.exec(header);
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) throw unsatisfiable(size);
    const length = Math.min(suffix, size);
    return { offset: size - length, length };
  }
  const first = Number(m[1]);
  const last = m[2] === '' ? Infinity : Number(m[2]);
  if (last < first) return null;
  if (first >= size) throw unsatisfiable(size);
  return { offset: first, length: Math.min(last, size - 1) - first + 1 };
}

function unsatisfiable(size: number): S3Error {
  return new S3Error('InvalidRange', 'The requested range is not satisfiable', { ActualObjectSize: String(size) });
}

export const contentRange = (r: ByteRange, size: number) => `bytes ${r.offset}-${r.offset + r.length - 1}/${size}`;
