/**
 * CRC-32 (IEEE 802.3, as zlib) and CRC-32C (Castagnoli), incremental: CRC-32 by zlib (node:zlib, native), CRC-32C
 * table-driven slice-by-16 (workerd has no native CRC-32C).
 *
 * Both are "reflected" CRCs with init 0xFFFFFFFF and xorout 0xFFFFFFFF (RevEng catalogue: CRC-32/ISO-HDLC,
 * check("123456789") = 0xCBF43926; CRC-32/ISCSI, check = 0xE3069283); only the reflected polynomial
 * differs. S3 sends them as base64 of the 4 big-endian bytes:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
 *
 * Why slice-by-16: byte-at-a-time table CRC costs a dependent load per byte (~300 MiB/s in V8); reading 16
 * bytes per step with 16 independent table lookups lets the CPU overlap them (~1.5-2 GiB/s here).
 */

import { crc32 as zlibCrc32 } from 'node:zlib';

/** Reflected polynomials (bit-reversed forms of 0x04C11DB7 and 0x1EDC6F41). */
export const CRC32_POLY = 0xedb88320;
export const CRC32C_POLY = 0x82f63b78;

/** 16 tables of 256 entries, concatenated: T[k*256 + b] = CRC of byte b followed by k zero bytes. */
function buildTables(poly: number): Uint32Array {
  const t = new Uint32Array(16 * 256);
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[b] = c >>> 0;
  }
  for (let b = 0; b < 256; b++) {
    let c = t[b];
    for (let k = 1; k < 16; k++) {
      c = t[c & 0xff] ^ (c >>> 8);
      t[k * 256 + b] = c;
    }
  }
  return t;
}

// Built at module load (16 KiB, microseconds).
const CASTAGNOLI = buildTables(CRC32C_POLY);

type Update = (crc: number, data: Uint8Array) => number;

/** Slice-by-16 update over one polynomial's tables: advances a raw (pre-inverted) CRC-32 state over `data`. */
function sliceBy16(t: Uint32Array): Update {
  return (crc, data) => {
    let i = 0;
    const n = data.length;
    // Byte-wise until 4-byte aligned, so the word view below is legal.
    while (i < n && ((data.byteOffset + i) & 3) !== 0) crc = t[(crc ^ data[i++]) & 0xff] ^ (crc >>> 8);
    const blocks = (n - i) >>> 4;
    if (blocks > 0) {
      // Little-endian words (workerd runs on x86-64 and arm64, both little-endian).
      const w = new Uint32Array(data.buffer, data.byteOffset + i, blocks * 4);
      for (let j = 0; j < w.length; j += 4) {
        const a = crc ^ w[j];
        const b = w[j + 1];
        const c = w[j + 2];
        const d = w[j + 3];
        crc =
          t[0x0f00 | (a & 0xff)] ^
          t[0x0e00 | ((a >>> 8) & 0xff)] ^
          t[0x0d00 | ((a >>> 16) & 0xff)] ^
          t[0x0c00 | (a >>> 24)] ^
          t[0x0b00 | (b & 0xff)] ^
          t[0x0a00 | ((b >>> 8) & 0xff)] ^
          t[0x0900 | ((b >>> 16) & 0xff)] ^
          t[0x0800 | (b >>> 24)] ^
          t[0x0700 | (c & 0xff)] ^
          t[0x0600 | ((c >>> 8) & 0xff)] ^
          t[0x0500 | ((c >>> 16) & 0xff)] ^
          t[0x0400 | (c >>> 24)] ^
          t[0x0300 | (d & 0xff)] ^
          t[0x0200 | ((d >>> 8) & 0xff)] ^
          t[0x0100 | ((d >>> 16) & 0xff)] ^
          t[d >>> 24];
      }
      i += blocks * 16;
    }
    while (i < n) crc = t[(crc ^ data[i++]) & 0xff] ^ (crc >>> 8);
    return crc >>> 0;
  };
}

/**
 * CRC-32 through workerd's node:zlib (zlib's own, native: 16 MiB in ~3.5 ms against ~9 ms for slice-by-16 over
 * the IEEE tables, measured in workerd). zlib takes and answers finished values; the state here is raw.
 */
const updateIeee: Update = (crc, data) => (zlibCrc32(data, (crc ^ 0xffffffff) >>> 0) ^ 0xffffffff) >>> 0;
const updateCastagnoli = sliceBy16(CASTAGNOLI);

/** An incremental CRC-32 (default) or CRC-32C (`new Crc32State(CRC32C_POLY)`). */
export class Crc32State {
  private readonly step: Update;
  private crc = 0xffffffff;

  constructor(readonly poly: typeof CRC32_POLY | typeof CRC32C_POLY = CRC32_POLY) {
    if (poly !== CRC32_POLY && poly !== CRC32C_POLY) throw new RangeError('only CRC-32 and CRC-32C are built in');
    this.step = poly === CRC32_POLY ? updateIeee : updateCastagnoli;
  }

  update(data: Uint8Array): void {
    this.crc = this.step(this.crc, data);
  }

  /** The finished CRC as an unsigned 32-bit number. */
  value(): number {
    return (this.crc ^ 0xffffffff) >>> 0;
  }

  /** The 4 big-endian bytes S3 base64-encodes. */
  digestBytes(): Uint8Array {
    const v = this.value();
    return new Uint8Array([v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]);
  }
}

/** One-shot CRC-32 (or CRC-32C with `poly`), as an unsigned number. */
export function crc32(data: Uint8Array, poly: typeof CRC32_POLY | typeof CRC32C_POLY = CRC32_POLY): number {
  const s = new Crc32State(poly);
  s.update(data);
  return s.value();
}
