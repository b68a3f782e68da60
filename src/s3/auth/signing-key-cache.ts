/**
 * SigV4 crypto: HMAC-SHA256 and signing-key derivation with an in-isolate cache. WebCrypto only, so it runs
 * unchanged in workerd and in Node 20 (hex, SHA-256 and constant-time comparison are in src/crypto).
 *
 * Key derivation (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html):
 *   kDate = HMAC("AWS4" + secret, yyyymmdd); kRegion = HMAC(kDate, region);
 *   kService = HMAC(kRegion, service);       kSigning = HMAC(kService, "aws4_request")
 * The signing key only changes with (secret, date, region, service), so a busy client pays the four
 * HMACs once a day per isolate instead of on every request.
 */

import { toHex, utf8 } from '../../crypto/encoding';
import { TERMINATOR } from './canonical';

const HMAC_SHA256 = { name: 'HMAC', hash: 'SHA-256' } as const;

function bytesOf(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? utf8.encode(data) : data;
}

async function importHmacKey(raw: ArrayBuffer | Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', raw, HMAC_SHA256, false, ['sign']);
}

async function hmac(key: ArrayBuffer | Uint8Array, data: string): Promise<ArrayBuffer> {
  return crypto.subtle.sign('HMAC', await importHmacKey(key), utf8.encode(data));
}

/** Hex HMAC-SHA256 of `data` under an already-derived signing key (request or chunk signatures). */
export async function hmacHex(key: CryptoKey, data: string | Uint8Array): Promise<string> {
  return toHex(await crypto.subtle.sign('HMAC', key, bytesOf(data)));
}

/** Derives the SigV4 signing key; returned as a non-extractable HMAC CryptoKey (sign only). */
export async function deriveSigningKey(
  secretAccessKey: string,
  date: string,
  region: string,
  service: string,
): Promise<CryptoKey> {
  const kDate = await hmac(utf8.encode(`AWS4${secretAccessKey}`), date);
  const kRegion = await hmac(kDate, region);
  const kService = await hmac(kRegion, service);
  return importHmacKey(await hmac(kService, TERMINATOR));
}

/**
 * Bounded LRU of derived signing keys. The cache key includes the secret itself (not only the
 * access key id) so a rotated secret can never be served a stale key; the secret is already in
 * this isolate's memory while the request is verified. Promises are cached so concurrent requests
 * for the same key share one derivation.
 */
export class SigningKeyCache {
  /** How many derivations actually ran (cache misses); lets tests see the cache work. */
  derivations = 0;
  private readonly entries = new Map<string, Promise<CryptoKey>>();

  constructor(readonly maxEntries = 1000) {}

  get size(): number {
    return this.entries.size;
  }

  get(secretAccessKey: string, date: string, region: string, service: string): Promise<CryptoKey> {
    // NUL cannot appear in any of the parts, so the joined key is unambiguous.
    const id = `${secretAccessKey}\0${date}\0${region}\0${service}`;
    const hit = this.entries.get(id);
    if (hit) {
      // Re-insert to mark as most recently used (Map iterates in insertion order).
      this.entries.delete(id);
      this.entries.set(id, hit);
      return hit;
    }
    this.derivations++;
    const derived = deriveSigningKey(secretAccessKey, date, region, service);
    derived.catch(() => this.entries.delete(id));
    this.entries.set(id, derived);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return derived;
  }

  clear(): void {
    this.entries.clear();
  }
}
