// Helpers for tests driving @aws-sdk/client-s3: what the client sent, and its S3 errors.

/**
 * Records every request `client` sends in `client.sent` (after signing, so the payload-signing mode and checksum
 * headers are visible), with its status, time and any error, and returns the client.
 * @template T
 * @param {T & { middlewareStack: any }} client
 */
export function recordRequests(client) {
  /** @type {{ command: string, method: string, hostname: string, path: string, query: Record<string, unknown>, headers: Record<string, string>, status?: number, error?: string, ms: number }[]} */
  const sent = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const { method, hostname, path, query, headers } = args.request;
      const entry = {
        command: context.commandName,
        method,
        hostname,
        path,
        query: { ...query },
        headers: { ...headers },
        ms: 0,
      };
      sent.push(entry);
      const t0 = performance.now();
      try {
        const out = await next(args);
        entry.status = out.response?.statusCode;
        return out;
      } catch (err) {
        entry.status = err.$metadata?.httpStatusCode;
        entry.error = `${err.name}: ${err.message}${err.$responseBodyText ? ` [${err.$responseBodyText.slice(0, 300)}]` : ''}`;
        throw err;
      } finally {
        entry.ms = Math.round(performance.now() - t0);
      }
    },
    { step: 'finalizeRequest', priority: 'low', name: 'recordSent' },
  );
  return Object.assign(client, { sent });
}

/** Runs `promise`, expecting an S3 error; returns it. */
export async function s3Error(promise) {
  const err = await promise.then(
    (ok) => {
      throw new Error(`expected an S3 error, got ${JSON.stringify(ok.$metadata)}`);
    },
    (e) => e,
  );
  if (!err.$metadata) throw err;
  return err;
}
