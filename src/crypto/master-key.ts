import { fromBase64, toBase64, toBase64Url, utf8 } from './encoding';

/**
 * Keys derived from the Worker secret ROS_MASTER_KEY (base64 of 32 random bytes) with HKDF, one per purpose,
 * so that the key that encrypts access-key secrets is never the one that signs CSRF tokens.
 */
const cache = new Map<string, Promise<CryptoKey>>();

function derived(
  master: string,
  info: string,
  algorithm: SubtleCryptoDeriveKeyAlgorithm | SubtleCryptoImportKeyAlgorithm,
  usages: string[],
) {
  const id = `${info}\u0000${master}`;
  let key = cache.get(id);
  if (!key) {
    key = (async () => {
      const raw = fromBase64(master);
      if (!raw || raw.length < 32) throw new Error('ROS_MASTER_KEY must be base64 of at least 32 bytes');
      const ikm = await crypto.subtle.importKey('raw', raw, 'HKDF', false, ['deriveKey']);
      return crypto.subtle.deriveKey(
        { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: utf8.encode(info) },
        ikm,
        algorithm,
        false,
        usages,
      );
    })();
    cache.set(id, key);
  }
  return key;
}

const secretsKey = (master: string) =>
  derived(master, 'ros/access-key-secrets/v1', { name: 'AES-GCM', length: 256 }, ['encrypt', 'decrypt']);
const csrfKey = (master: string) =>
  derived(master, 'ros/csrf/v1', { name: 'HMAC', hash: 'SHA-256', length: 256 }, ['sign']);

/**
 * Encrypts an access-key secret: base64(12-byte IV || ciphertext+tag). The access key id is bound in as
 * additional data, so a ciphertext moved to another key's row does not decrypt.
 */
export async function sealSecret(master: string, accessKeyId: string, secret: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: utf8.encode(accessKeyId) },
    await secretsKey(master),
    utf8.encode(secret),
  );
  const out = new Uint8Array(12 + sealed.byteLength);
  out.set(iv);
  out.set(new Uint8Array(sealed), 12);
  return toBase64(out);
}

export async function openSecret(master: string, accessKeyId: string, sealed: string): Promise<string> {
  const bytes = fromBase64(sealed);
  if (!bytes) throw new Error(`the stored secret of ${accessKeyId} is not base64`);
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: bytes.subarray(0, 12), additionalData: utf8.encode(accessKeyId) },
    await secretsKey(master),
    bytes.subarray(12),
  );
  return new TextDecoder().decode(plain);
}

/** The CSRF token of a session: HMAC(session token), so it needs no storage and dies with the session. */
export async function csrfTokenFor(master: string, sessionToken: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', await csrfKey(master), utf8.encode(sessionToken));
  return toBase64Url(mac);
}
