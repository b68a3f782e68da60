import type { Body } from '../service/input';
import { ApiError } from './errors';

/** The largest JSON body the API reads (object uploads stream their bytes and are not held to it). */
export const MAX_JSON_BODY = 64 * 1024;

export const bodyTooLarge = () =>
  new ApiError(413, 'body_too_large', `The request body is larger than the API's limit of ${MAX_JSON_BODY / 1024} KiB`);

/** The body's text, refused as soon as it passes `max` bytes, whether or not a Content-Length announced it. */
async function limitedText(request: Request, max: number): Promise<string> {
  const declared = request.headers.get('Content-Length');
  if (declared !== null && Number(declared) > max) throw bodyTooLarge();
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      throw bodyTooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/** The JSON object of an API request; the service layer reads its fields through service/input.ts. */
export async function readBody(request: Request): Promise<Body> {
  const text = await limitedText(request, MAX_JSON_BODY);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'invalid_json', 'The request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError(400, 'invalid_json', 'The request body must be a JSON object');
  }
  return value as Body;
}
