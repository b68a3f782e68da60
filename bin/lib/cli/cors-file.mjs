// `ros bucket cors set --file`: the rules in the shape the user has them, turned into the API's
// {"rules": [...]} (docs/api.md, "Bucket CORS"). Three shapes are read: the API's own JSON; AWS's JSON, as
// `aws s3api put-bucket-cors --cors-configuration file://...` takes it and `get-bucket-cors` prints it
// ({"CORSRules": [...]}, optionally inside {"CORSConfiguration": ...}); and S3's CORSConfiguration XML.
// Only the shape is translated here: the rules are checked by the server, with S3's checks.
import { XMLParser } from 'fast-xml-parser';
import { usageError } from './errors.mjs';

/** AWS's name of each rule field (JSON, and XML with the element names in the singular), and the API's. */
const FIELDS = [
  ['ID', 'ID', 'id'],
  ['AllowedOrigins', 'AllowedOrigin', 'allowedOrigins'],
  ['AllowedMethods', 'AllowedMethod', 'allowedMethods'],
  ['AllowedHeaders', 'AllowedHeader', 'allowedHeaders'],
  ['ExposeHeaders', 'ExposeHeader', 'exposeHeaders'],
  ['MaxAgeSeconds', 'MaxAgeSeconds', 'maxAgeSeconds'],
];
const LISTS = new Set(['AllowedOrigin', 'AllowedMethod', 'AllowedHeader', 'ExposeHeader', 'CORSRule']);

/**
 * @param {string} text the file's content
 * @param {string} file its name, for messages
 * @returns {unknown[]} the rules in the API's shape
 */
export function corsRulesFromFile(text, file) {
  if (text.trimStart().startsWith('<')) return fromXml(text, file);
  let data;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw usageError(`${file} is neither JSON nor XML: ${err.message}`);
  }
  if (Array.isArray(data?.rules)) return data.rules;
  const aws = data?.CORSConfiguration ?? data;
  if (!Array.isArray(aws?.CORSRules)) {
    throw usageError(`${file} holds no CORS rules: expected {"rules": [...]} or AWS's {"CORSRules": [...]}`);
  }
  return aws.CORSRules.map((/** @type {any} */ rule, /** @type {number} */ i) =>
    translate(rule, 0, `${file}: CORSRules[${i}]`),
  );
}

/** @param {string} text @param {string} file */
function fromXml(text, file) {
  const parser = new XMLParser({
    ignoreAttributes: true,
    removeNSPrefix: true,
    parseTagValue: false,
    isArray: (name) => LISTS.has(name),
  });
  let doc;
  try {
    doc = parser.parse(text, true);
  } catch (err) {
    throw usageError(`${file} is not well-formed XML: ${err.message}`);
  }
  const rules = doc?.CORSConfiguration?.CORSRule;
  if (!Array.isArray(rules)) throw usageError(`${file} holds no <CORSConfiguration> with <CORSRule> elements`);
  return rules.map((rule, i) => {
    const { MaxAgeSeconds, ...rest } = rule ?? {};
    // XML's text is text; the API takes the number.
    const values = MaxAgeSeconds === undefined ? rest : { ...rest, MaxAgeSeconds: Number(MaxAgeSeconds) };
    return translate(values, 1, `${file}: CORSRule ${i + 1}`);
  });
}

/**
 * One rule of AWS's, by its JSON (column 0) or XML (column 1) names, in the API's shape.
 * @param {Record<string, unknown>} rule @param {0 | 1} column @param {string} where
 */
function translate(rule, column, where) {
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const [name, value] of Object.entries(rule ?? {})) {
    const field = FIELDS.find((f) => f[column] === name);
    if (!field) {
      const known = FIELDS.map((f) => f[column]).join(', ');
      throw usageError(`${where} has the field ${name}, which is none of AWS's (${known})`);
    }
    out[field[2]] = value;
  }
  return out;
}
