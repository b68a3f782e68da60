/**
 * Byte encodings, the one home of hex and base64 for the whole Worker. Hot paths (listings, SigV4, aws-chunked
 * chunk signatures) call these per request, so they avoid per-byte string formatting.
 */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export const utf8 = new TextEncoder();

const view = (bytes: ArrayBuffer | Uint8Array) => (bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));

/** Lower-case hex, two characters a byte. */
export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  const v = view(bytes);
  let out = '';
  for (let i = 0; i < v.length; i++) out += HEX[v[i]];
  return out;
}

/** Hex to bytes; the caller has checked the text is an even number of hex digits. */
export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Standard base64 with padding. Built in 32 KiB slices: String.fromCharCode takes only so many arguments. */
export function toBase64(bytes: ArrayBuffer | Uint8Array): string {
  const v = view(bytes);
  let binary = '';
  for (let i = 0; i < v.length; i += 0x8000) binary += String.fromCharCode(...v.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Standard base64, padding required (as S3 and ROS send it); null when the text is not exactly that. */
export function fromBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return null;
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** base64url without padding (RFC 4648 §5): tokens that travel in cookies, headers and query strings. */
export const toBase64Url = (bytes: ArrayBuffer | Uint8Array) =>
  toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** base64url, padded or not; null when it is not base64url. */
export function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const standard = text.replace(/-/g, '+').replace(/_/g, '/');
  return fromBase64(standard + '='.repeat((4 - (standard.length % 4)) % 4));
}

/**
 * Text as a byte string of its UTF-8 (one character per byte): the form in which the runtime hands over header
 * values, so a value that arrived in a body (a POST form's field) is stored as the same value sent as a header.
 */
export function utf8ByteString(text: string): string {
  let out = '';
  for (const byte of utf8.encode(text)) out += String.fromCharCode(byte);
  return out;
}

export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', typeof data === 'string' ? utf8.encode(data) : data));
}
