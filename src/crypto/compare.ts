import { utf8 } from './encoding';

/**
 * Constant-time equality of two strings: the time taken depends on the length only, never on where they differ.
 * workerd provides crypto.subtle.timingSafeEqual; Node (used by some unit tests) does not.
 */
export function timingSafeEqualStrings(a: string, b: string): boolean {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  if (x.length !== y.length) return false;
  const subtle = crypto.subtle as SubtleCrypto & {
    timingSafeEqual?: (a: ArrayBufferView, b: ArrayBufferView) => boolean;
  };
  if (typeof subtle.timingSafeEqual === 'function') return subtle.timingSafeEqual(x, y);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}
