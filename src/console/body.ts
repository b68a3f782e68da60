import type { Body } from '../service/input';
import { ApiError } from './errors';

/** The JSON object of an API request; the service layer reads its fields through service/input.ts. */
export async function readBody(request: Request): Promise<Body> {
  let value: unknown;
  try {
    value = await request.json();
  } catch {
    throw new ApiError(400, 'invalid_json', 'The request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError(400, 'invalid_json', 'The request body must be a JSON object');
  }
  return value as Body;
}
