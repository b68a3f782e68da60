/**
 * The policy of a POST form: a base64 JSON document, signed by the key that grants the upload, that says until
 * when and under which conditions the form may be used.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html
 *
 *   InvalidPolicyDocument  not base64 JSON, no `expiration` or `conditions`, a condition S3 does not know
 *   AccessDenied           "Invalid according to Policy: Policy expired." / "…: Policy Condition failed: [...]" /
 *                          "…: Extra input fields: <name>" (a field no condition names)
 *   EntityTooSmall, EntityTooLarge   the file is outside a content-length-range
 */
import { fromBase64 } from '../crypto/encoding';
import { S3Error, s3Errors } from './errors';

type Match = { op: 'eq' | 'starts-with'; field: string; value: string; text: string };
type Range = { op: 'content-length-range'; min: number; max: number };
export type Condition = Match | Range;

export interface PostPolicy {
  /** Epoch ms after which the policy no longer holds. */
  expiration: number;
  conditions: Condition[];
}

/** What a form offers its policy: its fields (lower-case names, `${filename}` expanded), bucket and file size. */
export interface PolicyInput {
  fields: Map<string, string>;
  bucket: string;
  size: number;
}

/** Fields no condition needs to name: the signature and the policy itself, the file, and `x-ignore-*`. */
const UNCONDITIONED = new Set(['policy', 'x-amz-signature', 'signature', 'awsaccesskeyid', 'file']);
/** Fields whose conditions can only be exact matches (the table in the page linked above). */
const EXACT_ONLY = new Set([
  'bucket',
  'success_action_status',
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-security-token',
]);

const invalid = (detail: string) => new S3Error('InvalidPolicyDocument', `Invalid Policy: ${detail}`);
const denied = (detail: string) => new S3Error('AccessDenied', `Invalid according to Policy: ${detail}`);

/** Decodes and validates the policy field. Only a policy whose signature was checked gets here. */
export function parsePolicy(base64: string): PostPolicy {
  const bytes = fromBase64(base64.trim());
  let doc: unknown;
  try {
    doc = bytes && JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    doc = null;
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw invalid('Invalid JSON.');
  // Names are case-sensitive here ("EXPIRATION" is no expiration), unlike those inside conditions.
  const { expiration, conditions } = doc as Record<string, unknown>;
  if (expiration === undefined) throw invalid('Policy missing expiration.');
  if (conditions === undefined) throw invalid('Policy missing conditions.');
  const expires =
    typeof expiration === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/.test(expiration)
      ? Date.parse(expiration)
      : Number.NaN;
  if (Number.isNaN(expires)) throw invalid(`Invalid 'expiration' value: '${String(expiration)}'`);
  if (!Array.isArray(conditions)) throw invalid("Invalid 'conditions' value: must be a list.");
  return { expiration: expires, conditions: conditions.map(parseCondition) };
}

function parseCondition(condition: unknown): Condition {
  if (condition && typeof condition === 'object' && !Array.isArray(condition)) {
    // {"acl": "public-read"} is ["eq", "$acl", "public-read"], and S3 names it so when it fails.
    const entries = Object.entries(condition);
    if (entries.length !== 1) {
      throw invalid('Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.');
    }
    const [name, value] = entries[0]!;
    if (typeof value !== 'string') throw invalid(`Invalid Simple-Condition: the value of ${name} must be a string.`);
    return match('eq', `$${name}`, value);
  }
  if (!Array.isArray(condition) || typeof condition[0] !== 'string') {
    throw invalid(`Invalid Condition: ${JSON.stringify(condition)}`);
  }
  const op = condition[0].toLowerCase();
  if (op === 'content-length-range') {
    const [min, max] = [condition[1], condition[2]].map(byteCount);
    if (condition.length !== 3 || min === null || max === null) {
      throw invalid('Invalid content-length-range: it takes two whole numbers of bytes, [min, max].');
    }
    return { op, min: min!, max: max! };
  }
  if (op !== 'eq' && op !== 'starts-with') throw invalid(`Invalid Condition: unknown operation '${condition[0]}'.`);
  const [, field, value] = condition;
  if (condition.length !== 3 || typeof field !== 'string' || !field.startsWith('$') || typeof value !== 'string') {
    throw invalid(`Invalid Condition: ${JSON.stringify(condition)}`);
  }
  return match(op, field, value);
}

/** A condition on a field; `text` is how S3 quotes it when it fails: ["eq", "$key", "a.txt"]. */
const match = (op: Match['op'], field: string, value: string): Match => ({
  op,
  field: field.slice(1).toLowerCase(),
  value,
  text: `[${[op, field, value].map((v) => JSON.stringify(v)).join(', ')}]`,
});

/** A whole number of bytes, as a JSON number or a string of digits. */
function byteCount(value: unknown): number | null {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/**
 * Holds the form to its policy: not expired, every condition met (in the policy's order), and every field named by
 * a condition. The bucket counts as a field (S3 refuses a policy that does not name it) and is the request's.
 */
export function checkPolicy(policy: PostPolicy, form: PolicyInput, now: number): void {
  if (now >= policy.expiration) throw denied('Policy expired.');
  const named = new Set<string>();
  for (const condition of policy.conditions) {
    if (condition.op === 'content-length-range') {
      checkSize(form.size, condition);
      continue;
    }
    named.add(condition.field);
    const value = condition.field === 'bucket' ? form.bucket : (form.fields.get(condition.field) ?? '');
    if (!holds(condition, value)) throw denied(`Policy Condition failed: ${condition.text}`);
  }
  for (const name of ['bucket', ...form.fields.keys()]) {
    if (!named.has(name) && !UNCONDITIONED.has(name) && !name.startsWith('x-ignore-')) {
      throw denied(`Extra input fields: ${name}`);
    }
  }
}

function holds({ op, field, value: wanted }: Match, value: string): boolean {
  if (op === 'eq') return value === wanted;
  if (EXACT_ONLY.has(field)) return false;
  // S3 reads a Content-Type as a list: each of its comma-separated types must match.
  const values = field === 'content-type' ? value.split(',').map((v) => v.trim()) : [value];
  return values.every((v) => v.startsWith(wanted));
}

function checkSize(size: number, { min, max }: Range): void {
  if (size < min) {
    throw new S3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', {
      ProposedSize: String(size),
      MinSizeAllowed: String(min),
    });
  }
  if (size > max) throw s3Errors.entityTooLarge(size, max);
}
