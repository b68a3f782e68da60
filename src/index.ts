import type { Env } from './env';
import { handleApi } from './console/api';
import { withSecurityHeaders } from './console/headers';
import { S3Error, errorResponse } from './s3/errors';
import { handleS3, newRequestId } from './s3/handler';
import { DEFAULT_UPLOAD_MAX_AGE_DAYS, expireUploads } from './maintenance/expire-uploads';
import { expireAudit, retentionDays } from './maintenance/expire-audit';
import { services } from './service/context';
import { deleteTombstonesBefore } from './db/buckets';

/** Entry point: the Host header decides who answers. */
export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const s = services(env);
    // The URL is parsed only where it is used: an S3 request splits its raw URL itself (src/s3/addressing.ts).
    const host = request.headers.get('Host');
    const target = s.sites.route(host ?? new URL(request.url).host);
    switch (target.kind) {
      case 'console': {
        const url = new URL(request.url);
        if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
          return handleApi(request, s, url, env.ROS_BOOTSTRAP_TOKEN);
        }
        return withSecurityHeaders(await env.ASSETS.fetch(request));
      }
      case 'site':
        return handleS3(request, s, target.site, target.bucket, (p) => ctx.waitUntil(p));
      case 'unknown': {
        // Never the console: an unknown host gets an S3-style answer, as a misconfigured S3 client expects.
        const err = new S3Error('InvalidRequest', `The host "${target.host}" is not an endpoint of this service`);
        return errorResponse(err, new URL(request.url).pathname, newRequestId(), request.method);
      }
    }
  },

  /**
   * Cron (wrangler.toml [triggers]): abort multipart uploads older than UPLOAD_MAX_AGE_DAYS (default 7), delete
   * audit events older than AUDIT_RETENTION_DAYS (default 90).
   */
  async scheduled(_controller: ScheduledController, env: Env): Promise<void> {
    const s = services(env);
    const days = Number(env.UPLOAD_MAX_AGE_DAYS ?? DEFAULT_UPLOAD_MAX_AGE_DAYS);
    const aborted = await expireUploads(s.db, s.sites, s.now(), days);
    if (aborted) console.log(`aborted ${aborted} multipart uploads older than ${days} days`);
    // Deleted bucket names settle in seconds; a day-old tombstone protects nothing.
    await deleteTombstonesBefore(s.db, s.now() - 24 * 3600 * 1000);
    const retention = retentionDays(env.AUDIT_RETENTION_DAYS);
    const expired = await expireAudit(s.db, s.now(), retention);
    if (expired) console.log(`deleted ${expired} audit events older than ${retention} days`);
  },
} satisfies ExportedHandler<Env>;
