/**
 * HTTP preconditions as S3 evaluates them for GetObject/HeadObject
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, "If-Match" … "If-Unmodified-Since"):
 * - If-Match decides alone when present (true → If-Unmodified-Since is ignored); false → 412.
 * - Otherwise If-Unmodified-Since: modified after it → 412.
 * - If-None-Match decides alone when present: a match → 304.
 * - Otherwise If-Modified-Since: not modified since → 304.
 */
export type Outcome = 'proceed' | 'not-modified' | 'precondition-failed';

export interface Validators {
  etag: string; // unquoted
  lastModified: Date;
}

export const hasConditions = (h: Headers) =>
  h.has('If-Match') || h.has('If-None-Match') || h.has('If-Modified-Since') || h.has('If-Unmodified-Since');

export function evaluateConditions(h: Headers, v: Validators): Outcome {
  const ifMatch = h.get('If-Match');
  if (ifMatch !== null) {
    if (!etagListMatches(ifMatch, v.etag)) return 'precondition-failed';
  } else {
    const since = httpDate(h.get('If-Unmodified-Since'));
    if (since !== null && seconds(v.lastModified) > since) return 'precondition-failed';
  }
  const ifNoneMatch = h.get('If-None-Match');
  if (ifNoneMatch !== null) {
    if (etagListMatches(ifNoneMatch, v.etag)) return 'not-modified';
  } else {
    const since = httpDate(h.get('If-Modified-Since'));
    if (since !== null && seconds(v.lastModified) <= since) return 'not-modified';
  }
  return 'proceed';
}

/** `*`, or a comma-separated list of (possibly weak, possibly unquoted) entity tags. */
export function etagListMatches(list: string, etag: string): boolean {
  return list.split(',').some((item) => {
    const t = item.trim().replace(/^W\//, '');
    return t === '*' || t.replace(/^"(.*)"$/, '$1') === etag;
  });
}

/** HTTP dates have whole seconds; comparisons are at that precision. Unparseable dates are ignored, as by S3. */
function httpDate(value: string | null): number | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
