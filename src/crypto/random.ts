import { toBase64Url } from './encoding';

export const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const ALNUM = `ABCDEFGHIJKLMNOPQRSTUVWXYZ${LOWER_ALNUM}`;

/** Uniform random characters from an alphabet (rejection sampling: no modulo bias). */
export function randomString(length: number, alphabet: string): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < limit) out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

/** AWS-style access key id: 20 upper-case alphanumerics, "ROS" + 17 random (≈ 88 bits). */
export function newAccessKeyId(): string {
  return `ROS${randomString(17, UPPER_ALNUM)}`;
}

/**
 * 40-character secret (≈ 238 bits). AWS secrets also use '/' and '+'; leaving them out spares users quoting
 * trouble in shells and config files, and costs nothing in strength.
 */
export function newSecretAccessKey(): string {
  return randomString(40, ALNUM);
}

/** Opaque record id with a type prefix, e.g. "u_3k9x…" for users. */
export function newId(prefix: string): string {
  return `${prefix}_${randomString(16, LOWER_ALNUM)}`;
}

/** Bearer token for sessions: 32 random bytes as base64url. */
export function newToken(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}
