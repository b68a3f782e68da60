import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { escapeXml, s3Errors } from './errors';

/**
 * XML out: a tiny builder, since S3 responses are small fixed shapes. XML in: fast-xml-parser (the parser the
 * AWS SDK itself uses), never regular expressions.
 */
export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** A child element: [name, text | children]; undefined/null children are left out. */
export type XmlNode = readonly [string, string | number | boolean | readonly XmlNode[]] | null | undefined | false | '';

function render(nodes: readonly XmlNode[]): string {
  let out = '';
  for (const node of nodes) {
    if (!node) continue;
    // A name may carry attributes ("Grantee xmlns:xsi=… xsi:type=…"); the end tag is the bare name.
    const [name, value] = node;
    const end = name.includes(' ') ? name.slice(0, name.indexOf(' ')) : name;
    out += `<${name}>${Array.isArray(value) ? render(value) : escapeXml(String(value))}</${end}>`;
  }
  return out;
}

export function xmlDocument(root: string, children: readonly XmlNode[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${S3_NAMESPACE}">${render(children)}</${root}>`;
}

export function xmlResponse(root: string, children: readonly XmlNode[], init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set('Content-Type', 'application/xml');
  return new Response(xmlDocument(root, children), { ...init, headers });
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** A valid XML Char (XML 1.0 §2.2), as a character reference may name it. */
const isXmlChar = (c: number) =>
  c === 0x9 ||
  c === 0xa ||
  c === 0xd ||
  (c >= 0x20 && c <= 0xd7ff) ||
  (c >= 0xe000 && c <= 0xfffd) ||
  (c >= 0x10000 && c <= 0x10ffff);

/**
 * XML's own references, in one pass (so `&amp;#34;` stays the text `&#34;`): the five named entities and character
 * references (`&#34;`, `&#x22;`). The latter matter: Go's encoding/xml (rclone, minio-go, the Go SDKs) writes every
 * `"` as `&#34;`, so a CompleteMultipartUpload part ETag arrives as `&#34;<md5>&#34;`, and a DeleteObjects key
 * with `'` or a tab as `&#39;` / `&#x9;`. Nothing else: no HTML names, no DOCTYPE entities.
 */
const entityDecoder = {
  decode: (text: string) =>
    text.replace(
      /&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos));/g,
      (ref, dec?: string, hex?: string, name?: string) => {
        if (name) return XML_ENTITIES[name];
        const code = dec ? Number(dec) : parseInt(hex!, 16);
        return isXmlChar(code) ? String.fromCodePoint(code) : ref;
      },
    ),
  setExternalEntities: () => {},
  addInputEntities: () => {},
  reset: () => {},
  setXmlVersion: () => {},
};

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  entityDecoder,
  isArray: () => false,
});

/**
 * Parses an XML request body; malformed XML → MalformedXML. Returns `{ <root element>: content }`.
 * No S3 request body has a DOCTYPE, so none is accepted (no entity is ever declared, let alone expanded); what the
 * parser itself refuses (nesting deeper than its limit, element names such as `__proto__`) is MalformedXML too,
 * never an internal error.
 */
export function parseXml(text: string): Record<string, unknown> {
  const malformed = s3Errors.malformedXml();
  if (!text.trim() || /<!DOCTYPE/i.test(text) || XMLValidator.validate(text) !== true) throw malformed;
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(text) as Record<string, unknown>;
  } catch {
    throw malformed;
  }
  const roots = Object.keys(doc).filter((k) => k !== '?xml');
  if (roots.length !== 1) throw malformed;
  return { [roots[0]]: doc[roots[0]] };
}

/**
 * A parsed element's child elements (whitespace between them aside); an empty element has none. Text where elements
 * belong, or a value that is not an element, is MalformedXML.
 */
export function childElements(value: unknown): Record<string, unknown> {
  if (typeof value === 'string' && value.trim() === '') return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw s3Errors.malformedXml();
  const { '#text': text, ...elements } = value as Record<string, unknown>;
  if (text !== undefined && String(text).trim() !== '') throw s3Errors.malformedXml();
  return elements;
}

/** Elements that may repeat (e.g. <Object> in DeleteObjects) as an array, whatever their count. */
export function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
