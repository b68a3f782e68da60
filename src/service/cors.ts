import { updateBucketCors, type BucketRow } from '../db/buckets';
import { CORS_METHODS, corsColumn, type CorsMethod, type CorsRule } from '../storage/cors';
import { forgetBucket } from './bucket-cache';
import type { Services } from './context';
import { ServiceError, invalidInput } from './errors';
import type { Body } from './input';

/**
 * A bucket's CORS configuration, for S3 (PutBucketCors, from XML) and the console (JSON) alike: one check with
 * AWS's rules and wording, one write. https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketCors.html
 */
export const MAX_CORS_RULES = 100;
const MAX_ID_LENGTH = 255;
/** MaxAgeSeconds is an xsd:int in S3's schema. */
const MAX_AGE_SECONDS = 2 ** 31 - 1;
/** S3 limits the document to 64 KB; the stored rules (shorter than their XML) are held to the same. */
const MAX_CORS_BYTES = 64 << 10;
/** An HTTP field name (RFC 9110 token): ExposeHeader values are sent back in Access-Control-Expose-Headers. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** What S3 answers with MalformedXML: the document's shape (rule count, required elements, lengths). */
const malformed = (message: string) => new ServiceError('malformed_cors', message);
/** What S3 answers with InvalidRequest, in AWS's words. */
const invalid = (message: string) => new ServiceError('invalid_cors_rule', message);

const manyWildcards = (pattern: string) => pattern.indexOf('*') !== pattern.lastIndexOf('*');

/**
 * Checks rules as S3 does: the shape of every rule before the values of any, so that a document with both kinds
 * of fault is malformed (S3 validates against its schema first).
 */
export function checkCorsRules(rules: CorsRule[]): void {
  if (rules.length === 0 || rules.length > MAX_CORS_RULES) {
    throw malformed(`A CORS configuration has 1 to ${MAX_CORS_RULES} rules, not ${rules.length}`);
  }
  rules.forEach((rule, i) => {
    const which = `CORS rule ${i + 1}`;
    if (rule.allowedOrigins.length === 0) throw malformed(`${which} has no AllowedOrigin`);
    if (rule.allowedMethods.length === 0) throw malformed(`${which} has no AllowedMethod`);
    if (rule.id !== undefined && rule.id.length > MAX_ID_LENGTH) {
      throw malformed(`The ID of ${which} is longer than ${MAX_ID_LENGTH} characters`);
    }
    const age = rule.maxAgeSeconds;
    if (age !== undefined && !(Number.isInteger(age) && age >= 0 && age <= MAX_AGE_SECONDS)) {
      throw malformed(`The MaxAgeSeconds of ${which} is not a whole number of seconds from 0 to ${MAX_AGE_SECONDS}`);
    }
  });
  for (const rule of rules) {
    const method = rule.allowedMethods.find((m) => !CORS_METHODS.includes(m));
    if (method !== undefined) {
      throw invalid(`Found unsupported HTTP method in CORS config. Unsupported method is ${method}`);
    }
    const origin = rule.allowedOrigins.find(manyWildcards);
    if (origin !== undefined) throw invalid(`AllowedOrigin "${origin}" can not have more than one wildcard.`);
    const header = rule.allowedHeaders.find(manyWildcards);
    if (header !== undefined) throw invalid(`AllowedHeader "${header}" can not have more than one wildcard.`);
    for (const name of rule.exposeHeaders) {
      if (name.includes('*')) {
        throw invalid(
          `ExposeHeader "${name}" contains wildcard. We currently do not support wildcard for ExposeHeader.`,
        );
      }
      if (!HEADER_NAME.test(name)) throw invalid(`ExposeHeader "${name}" is not an HTTP header name.`);
    }
  }
  if (new TextEncoder().encode(corsColumn(rules)!).length > MAX_CORS_BYTES) {
    throw malformed(`The CORS configuration is larger than ${MAX_CORS_BYTES} bytes`);
  }
}

/**
 * Replaces a bucket's CORS rules (null removes them). This isolate forgets its cached row at once; other isolates
 * keep the old rules for up to BUCKET_CACHE_MS (./bucket-cache.ts).
 */
export async function setBucketCors(
  s: Services,
  bucket: Pick<BucketRow, 'site_id' | 'name'>,
  rules: CorsRule[] | null,
): Promise<void> {
  if (rules) checkCorsRules(rules);
  await updateBucketCors(s.db, bucket.site_id, bucket.name, corsColumn(rules));
  forgetBucket(bucket.site_id, bucket.name);
}

const RULE_FIELDS = ['id', 'allowedOrigins', 'allowedMethods', 'allowedHeaders', 'exposeHeaders', 'maxAgeSeconds'];

/** The console's `{"rules": [...]}` (docs/api.md) as rules; the types are checked here, the rules by checkCorsRules. */
export function corsRulesFromBody(body: Body): CorsRule[] {
  const { rules } = body;
  if (!Array.isArray(rules)) throw invalidInput('"rules" must be a list of CORS rules');
  return rules.map((value: unknown, i): CorsRule => {
    const at = `rules[${i}]`;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw invalidInput(`"${at}" must be an object`);
    }
    const rule = value as Record<string, unknown>;
    const unknown = Object.keys(rule).find((field) => !RULE_FIELDS.includes(field));
    if (unknown !== undefined) {
      throw invalidInput(`"${at}.${unknown}" is not a field of a CORS rule (${RULE_FIELDS.join(', ')})`);
    }
    const { id, maxAgeSeconds } = rule;
    if (id !== undefined && typeof id !== 'string') throw invalidInput(`"${at}.id" must be a string`);
    if (maxAgeSeconds !== undefined && typeof maxAgeSeconds !== 'number') {
      throw invalidInput(`"${at}.maxAgeSeconds" must be a number`);
    }
    return {
      ...(id !== undefined && { id }),
      allowedOrigins: strings(rule, 'allowedOrigins', at, true),
      allowedMethods: strings(rule, 'allowedMethods', at, true) as CorsMethod[],
      allowedHeaders: strings(rule, 'allowedHeaders', at, false),
      exposeHeaders: strings(rule, 'exposeHeaders', at, false),
      ...(maxAgeSeconds !== undefined && { maxAgeSeconds }),
    };
  });
}

function strings(rule: Record<string, unknown>, field: string, at: string, required: boolean): string[] {
  const value = rule[field];
  if (value === undefined && !required) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw invalidInput(`"${at}.${field}" must be a list of strings`);
  }
  return value;
}
