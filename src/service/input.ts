import { invalidInput } from './errors';

/** A parsed JSON request body (src/console/body.ts): fields are read through the checks below, never trusted raw. */
export type Body = Record<string, unknown>;

interface TextRule {
  max: number;
  min?: number;
  pattern?: RegExp;
  /** What the pattern allows, in words, for the error message. */
  allowed?: string;
}

export function text(body: Body, field: string, rule: TextRule): string {
  const value = body[field];
  if (value === undefined || value === null || value === '') throw invalidInput(`"${field}" is required`);
  if (typeof value !== 'string') throw invalidInput(`"${field}" must be a string`);
  const min = rule.min ?? 1;
  if (value.length < min) throw invalidInput(`"${field}" must be at least ${min} characters`);
  if (value.length > rule.max) throw invalidInput(`"${field}" must be at most ${rule.max} characters`);
  if (rule.pattern && !rule.pattern.test(value)) {
    throw invalidInput(`"${field}" may contain only ${rule.allowed ?? 'the allowed characters'}`);
  }
  return value;
}

export function optionalText(body: Body, field: string, rule: TextRule): string | undefined {
  return body[field] === undefined || body[field] === null ? undefined : text(body, field, rule);
}

export function oneOf<T extends string>(body: Body, field: string, values: readonly T[]): T {
  const value = body[field];
  if (typeof value !== 'string' || !values.includes(value as T)) {
    throw invalidInput(`"${field}" must be one of: ${values.join(', ')}`);
  }
  return value as T;
}

export function optionalBoolean(body: Body, field: string): boolean {
  const value = body[field];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw invalidInput(`"${field}" must be true or false`);
  return value;
}

export const EMAIL = { max: 254, min: 3, pattern: /^[^\s@]+@[^\s@]+$/, allowed: 'an email address' };
export const PASSWORD = { max: 1024, min: 8 };
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to refuse control characters.
export const DISPLAY_NAME = { max: 128, pattern: /^[^\u0000-\u001f\u007f]*$/, allowed: 'printable characters' };
