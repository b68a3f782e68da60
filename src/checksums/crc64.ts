/**
 * CRC-64/NVME, the CRC64NVME of S3's flexible checksums, incremental, table-driven slice-by-16.
 *
 * Parameters (RevEng catalogue "CRC-64/NVME", also NVM Express Command Set spec §5.2.1.3.3): width 64,
 * poly 0xAD93D23594C93659, reflected in and out, init 0xFFFFFFFFFFFFFFFF, xorout 0xFFFFFFFFFFFFFFFF,
 * check("123456789") = 0xAE8B14860A799888. The reflected polynomial is 0x9A6C9329AC4BC9B5.
 * S3 sends it as base64 of the 8 big-endian bytes:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
 *
 * JavaScript has no fast 64-bit integers (BigInt allocates), so the state is two unsigned 32-bit halves
 * and every table has a low-half and a high-half array.
 */

export const CRC64NVME_POLY_HI = 0x9a6c9329;
export const CRC64NVME_POLY_LO = 0xac4bc9b5;

/**
 * 16 tables × 256 entries, low and high halves in two arrays: entry k*256+b = CRC of byte b followed by k
 * zero bytes. (Two plain arrays measured ~1.6× faster in V8 than one array of interleaved (lo, hi) pairs.)
 */
function buildTables(): { lo: Uint32Array; hi: Uint32Array } {
  const tl = new Uint32Array(16 * 256);
  const th = new Uint32Array(16 * 256);
  for (let b = 0; b < 256; b++) {
    let lo = b;
    let hi = 0;
    for (let k = 0; k < 8; k++) {
      const bit = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (bit) {
        lo = (lo ^ CRC64NVME_POLY_LO) >>> 0;
        hi = (hi ^ CRC64NVME_POLY_HI) >>> 0;
      }
    }
    tl[b] = lo;
    th[b] = hi;
  }
  for (let b = 0; b < 256; b++) {
    let lo = tl[b];
    let hi = th[b];
    for (let k = 1; k < 16; k++) {
      // One more zero byte: crc = T0[crc & 0xff] ^ (crc >>> 8).
      const idx = lo & 0xff;
      lo = (tl[idx] ^ ((lo >>> 8) | (hi << 24))) >>> 0;
      hi = (th[idx] ^ (hi >>> 8)) >>> 0;
      tl[k * 256 + b] = lo;
      th[k * 256 + b] = hi;
    }
  }
  return { lo: tl, hi: th };
}

// Built at module load (~4k entries, microseconds) into module constants: V8 optimizes loads from a
// constant typed array better than from object fields (measured ~1.4× on this loop).
const { lo: TL, hi: TH } = buildTables();

export function crc64Tables(): { lo: Uint32Array; hi: Uint32Array } {
  return { lo: TL, hi: TH };
}

/** An incremental CRC-64/NVME. */
export class Crc64State {
  // Raw (pre-inverted) state.
  private lo = 0xffffffff;
  private hi = 0xffffffff;

  update(data: Uint8Array): void {
    const tl = TL;
    const th = TH;
    let lo = this.lo;
    let hi = this.hi;
    let i = 0;
    const n = data.length;
    while (i < n && ((data.byteOffset + i) & 3) !== 0) {
      const idx = (lo ^ data[i++]) & 0xff;
      lo = tl[idx] ^ ((lo >>> 8) | (hi << 24));
      hi = th[idx] ^ (hi >>> 8);
    }
    const blocks = (n - i) >>> 4;
    if (blocks > 0) {
      // Four little-endian words per 16 bytes; the first two absorb the CRC (64 bits are shifted out whole).
      const w = new Uint32Array(data.buffer, data.byteOffset + i, blocks * 4);
      for (let j = 0; j < w.length; j += 4) {
        const a = lo ^ w[j];
        const b = hi ^ w[j + 1];
        const c = w[j + 2];
        const d = w[j + 3];
        const i0 = 0xf00 | (a & 0xff);
        const i1 = 0xe00 | ((a >>> 8) & 0xff);
        const i2 = 0xd00 | ((a >>> 16) & 0xff);
        const i3 = 0xc00 | (a >>> 24);
        const i4 = 0xb00 | (b & 0xff);
        const i5 = 0xa00 | ((b >>> 8) & 0xff);
        const i6 = 0x900 | ((b >>> 16) & 0xff);
        const i7 = 0x800 | (b >>> 24);
        const i8 = 0x700 | (c & 0xff);
        const i9 = 0x600 | ((c >>> 8) & 0xff);
        const i10 = 0x500 | ((c >>> 16) & 0xff);
        const i11 = 0x400 | (c >>> 24);
        const i12 = 0x300 | (d & 0xff);
        const i13 = 0x200 | ((d >>> 8) & 0xff);
        const i14 = 0x100 | ((d >>> 16) & 0xff);
        const i15 = d >>> 24;
        lo =
          tl[i0] ^
          tl[i1] ^
          tl[i2] ^
          tl[i3] ^
          tl[i4] ^
          tl[i5] ^
          tl[i6] ^
          tl[i7] ^
          tl[i8] ^
          tl[i9] ^
          tl[i10] ^
          tl[i11] ^
          tl[i12] ^
          tl[i13] ^
          tl[i14] ^
          tl[i15];
        hi =
          th[i0] ^
          th[i1] ^
          th[i2] ^
          th[i3] ^
          th[i4] ^
          th[i5] ^
          th[i6] ^
          th[i7] ^
          th[i8] ^
          th[i9] ^
          th[i10] ^
          th[i11] ^
          th[i12] ^
          th[i13] ^
          th[i14] ^
          th[i15];
      }
      i += blocks * 16;
    }
    while (i < n) {
      const idx = (lo ^ data[i++]) & 0xff;
      lo = tl[idx] ^ ((lo >>> 8) | (hi << 24));
      hi = th[idx] ^ (hi >>> 8);
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }

  /** The finished CRC as [hi, lo] unsigned 32-bit halves. */
  value(): [number, number] {
    return [(this.hi ^ 0xffffffff) >>> 0, (this.lo ^ 0xffffffff) >>> 0];
  }

  /** The 8 big-endian bytes S3 base64-encodes. */
  digestBytes(): Uint8Array {
    const [hi, lo] = this.value();
    return new Uint8Array([
      hi >>> 24,
      (hi >>> 16) & 0xff,
      (hi >>> 8) & 0xff,
      hi & 0xff,
      lo >>> 24,
      (lo >>> 16) & 0xff,
      (lo >>> 8) & 0xff,
      lo & 0xff,
    ]);
  }
}

export function crc64nvme(data: Uint8Array): bigint {
  const s = new Crc64State();
  s.update(data);
  const [hi, lo] = s.value();
  return (BigInt(hi) << 32n) | BigInt(lo);
}
