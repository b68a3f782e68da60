/**
 * Headers every console response carries, the API's and the static console's alike (docs/api.md, "Security
 * headers"). Never added to S3 answers: those come from src/s3 and go to site hostnames only.
 *
 * The console is ES modules from its own origin with a stylesheet, no inline script, style or handler (the `h`
 * builder sets handlers as listeners and nothing writes a style attribute), so the policy can be strict.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/** The same response with the console's security headers; a stricter CSP already set (downloads) is kept. */
export function withSecurityHeaders(response: Response): Response {
  const out = new Response(response.body, response);
  if (!out.headers.has('Content-Security-Policy')) out.headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) out.headers.set(name, value);
  return out;
}
