import { setBucketCors } from '../../service/cors';
import { corsRules, type CorsMethod, type CorsRule } from '../../storage/cors';
import { readSmallBody } from '../body/small';
import type { Handler } from '../call';
import { S3Error, s3Errors } from '../errors';
import { asArray, childElements, parseXml, xmlResponse } from '../xml';

/** A bucket's CORS configuration as S3's XML; the rules and their checks are src/service/cors.ts's. */
const malformed = () => s3Errors.malformedXml();

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketCors.html — replaces the rules. The document is
 * at most 64 KB; its shape is checked here (MalformedXML), the rules by the service (AWS's InvalidRequest
 * messages). Other isolates apply the new rules within the bucket cache's 5 s.
 */
export const putBucketCors: Handler<'PutBucketCors'> = async (call) => {
  const rules = corsConfiguration(await readSmallBody(call, 64 << 10));
  await setBucketCors(call.s, { site_id: call.site.id, name: call.op.bucket }, rules);
  return new Response(null, { status: 200 });
};

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketCors.html */
export const getBucketCors: Handler<'GetBucketCors'> = async ({ op, bucket }) => {
  // The row authorize() checked, cached up to 5 s like every bucket row.
  const rules = corsRules(bucket?.cors ?? null);
  if (!rules) {
    throw new S3Error('NoSuchCORSConfiguration', 'The CORS configuration does not exist', { BucketName: op.bucket });
  }
  // The element order of the API reference's response syntax.
  return xmlResponse(
    'CORSConfiguration',
    rules.map((rule) => [
      'CORSRule',
      [
        ...rule.allowedHeaders.map((h) => ['AllowedHeader', h] as const),
        ...rule.allowedMethods.map((m) => ['AllowedMethod', m] as const),
        ...rule.allowedOrigins.map((o) => ['AllowedOrigin', o] as const),
        ...rule.exposeHeaders.map((h) => ['ExposeHeader', h] as const),
        rule.id !== undefined && (['ID', rule.id] as const),
        rule.maxAgeSeconds !== undefined && (['MaxAgeSeconds', rule.maxAgeSeconds] as const),
      ],
    ]),
  );
};

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketCors.html — 204, with or without rules. */
export const deleteBucketCors: Handler<'DeleteBucketCors'> = async ({ s, site, op }) => {
  await setBucketCors(s, { site_id: site.id, name: op.bucket }, null);
  return new Response(null, { status: 204 });
};

const RULE_ELEMENTS = ['ID', 'AllowedOrigin', 'AllowedMethod', 'AllowedHeader', 'ExposeHeader', 'MaxAgeSeconds'];

/** `<CORSConfiguration>` with its `<CORSRule>`s, each element as S3's schema has it (ID and MaxAgeSeconds once). */
function corsConfiguration(xml: string): CorsRule[] {
  const doc = parseXml(xml);
  if (!('CORSConfiguration' in doc)) throw malformed();
  const config = childElements(doc.CORSConfiguration);
  if (Object.keys(config).some((name) => name !== 'CORSRule')) throw malformed();
  return asArray(config.CORSRule).map((value): CorsRule => {
    const rule = childElements(value);
    if (Object.keys(rule).some((name) => !RULE_ELEMENTS.includes(name))) throw malformed();
    const id = single(rule.ID);
    const maxAge = single(rule.MaxAgeSeconds);
    if (maxAge !== undefined && !/^\d{1,10}$/.test(maxAge)) throw malformed();
    return {
      ...(id !== undefined && { id }),
      allowedOrigins: texts(rule.AllowedOrigin),
      allowedMethods: texts(rule.AllowedMethod) as CorsMethod[],
      allowedHeaders: texts(rule.AllowedHeader),
      exposeHeaders: texts(rule.ExposeHeader),
      ...(maxAge !== undefined && { maxAgeSeconds: Number(maxAge) }),
    };
  });
}

/** The texts of an element that may repeat; an element with children where text belongs is malformed. */
function texts(value: unknown): string[] {
  const items = asArray(value);
  if (!items.every((item) => typeof item === 'string')) throw malformed();
  return items as string[];
}

/** The text of an element that may appear once. */
function single(value: unknown): string | undefined {
  const items = texts(value);
  if (items.length > 1) throw malformed();
  return items[0];
}
