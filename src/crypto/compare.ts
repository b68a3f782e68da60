import { utf8 } from './encoding';

type SubtleWithTimingSafeEqual = SubtleCrypto & {
  timingSafeEqual?: (a: ArrayBufferView | ArrayBuffer, b: ArrayBufferView | ArrayBuffer) => boolean;
};

/**
 * Constant-time equality of two strings: the time taken depends on the length only, never on where they differ
 * (a length mismatch is a plain mismatch: the length of a signature or token is public).
 * workerd provides crypto.subtle.timingSafeEqual; Node (used by some unit tests) does not.
 */
export function timingSafeEqualStrings(a: string, b: string): boolean {
  return timingSafeEqualBytes(utf8.encode(a), utf8.encode(b));
}

/** Constant-time equality of two byte strings (digests, MACs); different lengths are a plain mismatch. */
export function timingSafeEqualBytes(x: Uint8Array, y: Uint8Array): boolean {
  if (x.byteLength !== y.byteLength) return false;
  const subtle = crypto.subtle as SubtleWithTimingSafeEqual;
  if (typeof subtle.timingSafeEqual === 'function') return subtle.timingSafeEqual(x, y);
  return timingSafeEqualFallback(x, y);
}

/**
 * Constant-time equality for equal-length inputs: XOR-accumulates every byte so the running time does not
 * depend on where the first difference is. Used where `crypto.subtle.timingSafeEqual` is missing.
 */
export function timingSafeEqualFallback(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  let diff = 0;
  for (let i = 0; i < a.byteLength; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
