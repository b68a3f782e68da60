import { fromBase64, toBase64, utf8 } from './encoding';
import { timingSafeEqualStrings } from './compare';

/** Workers caps PBKDF2 at 100,000 iterations; we use all of them. */
export const PBKDF2_ITERATIONS = 100_000;
const SCHEME = 'pbkdf2-sha256';

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', utf8.encode(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

/** Returns `pbkdf2-sha256$<iterations>$<salt>$<hash>`; the iteration count travels with the hash. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await derive(password, salt, PBKDF2_ITERATIONS);
  return [SCHEME, PBKDF2_ITERATIONS, toBase64(salt), toBase64(hash)].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iterations, salt, hash] = stored.split('$');
  const saltBytes = salt ? fromBase64(salt) : null;
  if (scheme !== SCHEME || !saltBytes || !hash) return false;
  const candidate = await derive(password, saltBytes, Number(iterations));
  return timingSafeEqualStrings(toBase64(candidate), hash);
}
