import type { Env } from './env';
import { handleApi } from './console/api';
import { S3Error, errorResponse } from './s3/errors';
import { handleS3, newRequestId } from './s3/handler';
import { services } from './service/context';

/** Entry point: the Host header decides who answers. */
export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const s = services(env);
    const url = new URL(request.url);
    const target = s.sites.route(request.headers.get('Host') ?? url.host);
    switch (target.kind) {
      case 'console':
        if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
          return handleApi(request, s, url, env.ROS_BOOTSTRAP_TOKEN);
        }
        return env.ASSETS.fetch(request);
      case 'site':
        return handleS3(request, s, target.site, target.bucket);
      case 'unknown': {
        // Never the console: an unknown host gets an S3-style answer, as a misconfigured S3 client expects.
        const err = new S3Error('InvalidRequest', `The host "${target.host}" is not an endpoint of this service`, {}, 400);
        return errorResponse(err, url.pathname, newRequestId(), request.method);
      }
    }
  },
} satisfies ExportedHandler<Env>;
