import { utf8ByteString } from '../../crypto/encoding';
import { checkKeyLength } from '../../service/object-keys';
import { storageKey } from '../../storage/layout';
import { quotedEtag } from '../../storage/metadata';
import { recordObjectAcl } from '../../service/public-access';
import { checkTagSet, recordObjectTags } from '../../service/tagging';
import { authenticateForm } from '../auth/authenticate';
import { formSignature } from '../auth/post-signature';
import { requestedAcl } from '../acl-request';
import { authorize, checkObjectKey } from '../authorize';
import { coalesced } from '../../storage/coalesce';
import { boundaryOf, type Form, type FormFile, malformedPost, mediaType, readForm } from '../body/form-data';
import type { Handler, OpNamed, S3Call } from '../call';
import { S3Error, s3Errors } from '../errors';
import { metadataFromHeaders } from '../object-headers';
import { checkPolicy, parsePolicy } from '../post-policy';
import { xmlResponse } from '../xml';
import {
  MAX_PUT_BYTES,
  type Upload,
  checksumHeaders,
  declaredBodyLength,
  receiveBody,
  refuseUnsupportedHeaders,
} from './put';
import { checkTaggingAllowed, tagSetOfXml } from './tagging';

/** S3's cap: "The form data and boundaries (excluding the contents of the file) cannot exceed 20 KB." */
export const MAX_FORM_FIELDS_BYTES = 20 * 1024;
/**
 * A file the body says is at most this large is read whole before it is stored, so its length is exact whatever
 * follows it in the form; a larger one streams (see `sizedFile`).
 */
export const BUFFERED_FILE_BYTES = 8 * 1024 ** 2;

/**
 * The fields PutObject takes as headers: object metadata, Content-MD5, flexible checksums, encryption, and the
 * canned ACL (`acl`, PutObject's x-amz-acl).
 */
const HEADER_FIELD =
  /^(cache-control|content-type|content-disposition|content-encoding|content-language|expires|content-md5|x-amz-meta-.+|x-amz-checksum-.+|x-amz-server-side-encryption.*)$/;
const ACL_FIELD = 'acl';

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html — a browser form upload. The request carries
 * no Authorization: the form's own fields sign it (a policy and its signature, ../auth/post-signature.ts), so the
 * fields before the file are read first, the form authenticated, authorized and held to its policy
 * (../post-policy.ts), and only then does the file stream into R2, checked as PutObject checks a body.
 */
export const postObject: Handler<'PostObject'> = async (call) => {
  const { request } = call;
  const contentType = request.headers.get('Content-Type');
  if (mediaType(contentType) !== 'multipart/form-data') {
    throw s3Errors.preconditionFailed('Bucket POST must be of the enclosure-type multipart/form-data');
  }
  const boundary = boundaryOf(contentType!);
  if (!boundary || !request.body) throw malformedPost();
  const form = await readForm(
    coalesced(request.body, declaredBodyLength(request.headers))!,
    boundary,
    MAX_FORM_FIELDS_BYTES,
  );
  try {
    return await storeForm(call, form, boundary);
  } finally {
    await form.discard();
  }
};

/** Stores the form's file once the form has passed every check. */
async function storeForm(call: S3Call<OpNamed<'PostObject'>>, form: Form, boundary: string): Promise<Response> {
  const { request, op, site } = call;
  const fields = formFields(form);
  const key = fields.get('key');
  if (!key) {
    throw new S3Error(
      'InvalidArgument',
      "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.",
      { ArgumentName: 'key', ArgumentValue: '' },
    );
  }
  if (!form.file) {
    throw new S3Error('InvalidArgument', 'POST requires exactly one file upload per request.', {
      ArgumentName: 'file',
      ArgumentValue: '0',
    });
  }

  const { bucket, signer } = await authenticateAndAuthorize(call, fields);
  // An unsigned form has no policy to meet (S3 takes it only where the ACL lets anyone write).
  const policy = fields.has('policy') ? parsePolicy(fields.get('policy')!) : null;
  // The object's tags, as a <Tagging> document (PutObject's x-amz-tagging); the bucket owner's to set.
  const tagging = fields.get('tagging');
  const tags = tagging === undefined ? null : checkTaggingAllowed(formTags(tagging), bucket, signer);
  checkKeyLength(op.bucket, key);
  const headers = headersOf(fields);
  refuseUnsupportedHeaders(headers);
  const acl = requestedAcl(headers, bucket);
  const metadata = metadataFromHeaders(headers);
  const file = await sizedFile(call, form.file, boundary);
  if (policy) checkPolicy(policy, { fields, bucket: op.bucket, size: file.length }, call.s.now());

  const target = storageKey(op.bucket, key);
  const upload: Upload = {
    headers,
    body: file.stream,
    auth: null,
    lengthError: () => malformedPost(file.lengthMessage),
    failure: form.failure,
  };
  const received = await receiveBody(upload, file.length, (body, checksum) =>
    site.bucket.put(target, body, {
      httpMetadata: metadata.httpMetadata,
      customMetadata: { ...metadata.customMetadata, ...checksum },
    }),
  );
  await recordObjectAcl(call.s, site, received.object, acl);
  await recordObjectTags(call.s, site, op.bucket, received.object, tags);
  return answer(call, fields, key, {
    ETag: quotedEtag(received.object),
    Location: objectUrl(request.url, key),
    ...checksumHeaders(received),
  });
}

/**
 * The form's fields by lower-case name (S3 reads names in any case), `${filename}` replaced in every value by the
 * file's name without its path (empty when it has none), a repeated field's values joined with commas.
 */
function formFields(form: Form): Map<string, string> {
  const filename = (form.file?.filename ?? '').replace(/^.*[/\\]/, '');
  const fields = new Map<string, string>();
  for (const [name, value] of form.fields) {
    const lower = name.toLowerCase();
    // biome-ignore lint/suspicious/noTemplateCurlyInString: S3's own variable, written just so in forms.
    const expanded = value.replaceAll('${filename}', filename);
    const before = fields.get(lower);
    fields.set(lower, before === undefined ? expanded : `${before},${expanded}`);
  }
  return fields;
}

/**
 * The form's signer (the key that signed its policy), or nobody for an unsigned form, held to the one rule of
 * ../authorize.ts: the bucket's owner may upload, anyone else as far as the bucket's ACL grants WRITE.
 */
async function authenticateAndAuthorize(call: S3Call<OpNamed<'PostObject'>>, fields: Map<string, string>) {
  const { s, site, op } = call;
  const signature = formSignature(fields);
  const { key, bucket } = signature
    ? await authenticateForm(s, site, op.bucket, signature, fields.get('policy')!, call.waitUntil)
    : { key: null, bucket: call.bucket };
  await authorize(s, site, op, key, bucket);
  // The form names its object in a field, not the URL: held to a prefix-limited key here.
  checkObjectKey(key, fields.get('key')!);
  return { bucket, signer: key };
}

/** The form's `tagging` field: a <Tagging> document, checked as PutObjectTagging checks its body. */
const formTags = (xml: string) => checkTagSet(tagSetOfXml(xml), 'object');

/** Header-like fields as the headers PutObject would have had, in the same byte form (UTF-8 bytes, one a char). */
function headersOf(fields: Map<string, string>): Headers {
  const headers = new Headers();
  for (const [name, value] of fields) {
    if (!HEADER_FIELD.test(name) && name !== ACL_FIELD) continue;
    try {
      headers.set(name === ACL_FIELD ? 'x-amz-acl' : name, utf8ByteString(value));
    } catch {
      throw new S3Error('InvalidArgument', `The form field ${name} is not a valid HTTP header.`, {
        ArgumentName: name,
        ArgumentValue: value,
      });
    }
  }
  return headers;
}

interface SizedFile {
  stream: ReadableStream<Uint8Array>;
  length: number;
  /** Why the file would not be `length` bytes, should it turn out so. */
  lengthMessage?: string;
}

/**
 * The file with its length, which R2's put needs before the first byte. A file the body leaves room for only up to
 * BUFFERED_FILE_BYTES is read whole, so its length is exact whatever follows it. A larger one streams, its length
 * taken to be what Content-Length leaves after the bytes before it and the closing delimiter — so the file must be
 * the last part, as browsers and S3's SDKs send it; a body that disagrees fails the put (MalformedPOSTRequest),
 * and nothing is stored.
 */
async function sizedFile(call: S3Call, file: FormFile, boundary: string): Promise<SizedFile> {
  const declared = Number(call.request.headers.get('Content-Length') ?? Number.NaN);
  const closing = `\r\n--${boundary}--\r\n`.length;
  const rest = Number.isSafeInteger(declared) ? declared - file.offset - closing : null;
  if (rest === null || rest <= BUFFERED_FILE_BYTES) {
    // At most `closing` more than `rest`: a closing delimiter without its final "--\r\n".
    const bytes = await readAtMost(file.stream, rest === null ? BUFFERED_FILE_BYTES : rest + closing);
    if (!bytes) throw new S3Error('MissingContentLength', 'You must provide the Content-Length HTTP header.');
    return { stream: new Response(bytes).body!, length: bytes.length };
  }
  if (rest > MAX_PUT_BYTES) throw s3Errors.entityTooLarge(rest, MAX_PUT_BYTES);
  return {
    stream: file.stream,
    length: rest,
    lengthMessage: `A file over ${BUFFERED_FILE_BYTES} bytes must be the last field of the form, followed only by the closing boundary.`,
  };
}

/** The stream's bytes, or null when it has more than `max`. */
async function readAtMost(stream: ReadableStream<Uint8Array>, max: number): Promise<Uint8Array | null> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    // What is left of the body is read and dropped by Form.discard.
    if (size > max) return null;
    chunks.push(chunk);
  }
  return new Uint8Array(await new Blob(chunks).arrayBuffer());
}

/** The object's URL as the client addressed its bucket (path or virtual-host style), the key percent-encoded. */
function objectUrl(requestUrl: string, key: string): string {
  const url = new URL(requestUrl);
  return `${url.origin}${url.pathname.replace(/\/?$/, '/')}${encodeURIComponent(key)}`;
}

/**
 * What S3 answers a stored form: a redirect to success_action_redirect (or the older `redirect`) with bucket, key
 * and ETag added to its query, when it is an http(s) URL; else success_action_status 200 (empty), 201 (the
 * PostResponse document) or, for 204 and anything else, 204.
 */
function answer(
  { op }: S3Call<OpNamed<'PostObject'>>,
  fields: Map<string, string>,
  key: string,
  headers: Record<string, string>,
): Response {
  const redirect = httpUrl(fields.get('success_action_redirect') ?? fields.get('redirect'));
  if (redirect) {
    redirect.searchParams.append('bucket', op.bucket);
    redirect.searchParams.append('key', key);
    redirect.searchParams.append('etag', headers.ETag!);
    return new Response(null, { status: 303, headers: { ...headers, Location: redirect.toString() } });
  }
  const status = fields.get('success_action_status');
  if (status === '201') {
    return xmlResponse(
      'PostResponse',
      [
        ['Location', headers.Location!],
        ['Bucket', op.bucket],
        ['Key', key],
        ['ETag', headers.ETag!],
      ],
      { status: 201, headers },
    );
  }
  return new Response(null, { status: status === '200' ? 200 : 204, headers });
}

function httpUrl(text: string | undefined): URL | null {
  if (!text) return null;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}
