/**
 * A bucket's CORS rules: the model kept as JSON in `buckets.cors` (migrations/0006_bucket_access.sql), and how a
 * request is matched against them. Pure; S3's PutBucketCors/GetBucketCors and the console's JSON API both speak
 * this model (src/service/cors.ts checks it), and the S3 pipeline matches every cross-origin request with it.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CORSRule.html
 */
export const CORS_METHODS = ['GET', 'PUT', 'HEAD', 'POST', 'DELETE'] as const;
export type CorsMethod = (typeof CORS_METHODS)[number];

export interface CorsRule {
  id?: string;
  allowedOrigins: string[];
  allowedMethods: CorsMethod[];
  allowedHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds?: number;
}

/** The column's text for the rules, null for none (the bucket has no CORS configuration). */
export const corsColumn = (rules: CorsRule[] | null): string | null => (rules ? JSON.stringify(rules) : null);

/** The rules of a bucket row's `cors` column, null when it has none. Written only by corsColumn. */
export const corsRules = (column: string | null): CorsRule[] | null =>
  column === null ? null : (JSON.parse(column) as CorsRule[]);

/**
 * S3's patterns hold at most one `*`, which stands for any run of characters, the empty one too; the pattern is
 * anchored at both ends (`http://*.example.com`, `x-amz-*`, `*`). Compared as given: callers lower-case headers.
 */
export function matchesPattern(pattern: string, value: string): boolean {
  const star = pattern.indexOf('*');
  if (star < 0) return pattern === value;
  const prefix = pattern.slice(0, star);
  const suffix = pattern.slice(star + 1);
  return value.length >= prefix.length + suffix.length && value.startsWith(prefix) && value.endsWith(suffix);
}

/** What a browser asks: its origin, the method, and the header names it will send (lower case). */
export interface CorsAsk {
  origin: string;
  method: string;
  headers: string[];
}

export interface CorsMatch {
  rule: CorsRule;
  /** Access-Control-Allow-Origin: `*` when only the rule's `*` admits the origin, else the origin itself. */
  allowOrigin: string;
}

/**
 * The first rule that admits the request, as S3 evaluates them: the origin matches one AllowedOrigin, the method
 * is one of the AllowedMethods, and every requested header matches some AllowedHeader (case-insensitively; a rule
 * without AllowedHeader admits no requested header). Origins compare exactly, as browsers serialize them.
 */
export function matchCorsRule(rules: CorsRule[], ask: CorsAsk): CorsMatch | null {
  for (const rule of rules) {
    if (!(rule.allowedMethods as string[]).includes(ask.method)) continue;
    const origins = rule.allowedOrigins.filter((pattern) => matchesPattern(pattern, ask.origin));
    if (origins.length === 0) continue;
    const allowed = rule.allowedHeaders.map((h) => h.toLowerCase());
    if (!ask.headers.every((name) => allowed.some((pattern) => matchesPattern(pattern, name)))) continue;
    return { rule, allowOrigin: origins.every((pattern) => pattern === '*') ? '*' : ask.origin };
  }
  return null;
}

/** The names of Access-Control-Request-Headers (`a, B,c`), lower case, in the order given; [] for none. */
export const requestedHeaders = (value: string | null): string[] =>
  (value ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
