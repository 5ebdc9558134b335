// Bit-level algorithms on byte arrays, for the bitmap commands (no protocol, no keyspace).
// Bit 0 is the most significant bit of byte 0, as in Redis: SETBIT, BITPOS, BITFIELD and the
// BIT ranges all number bits this way.

const BITS_IN_BYTE = new Uint8Array(256);
for (let i = 1; i < 256; i++) BITS_IN_BYTE[i] = (i & 1) + BITS_IN_BYTE[i >> 1]!;

/** The number of set bits in `u[from, to)`. */
export function popcount(u: Uint8Array, from: number, to: number): number {
  let n = 0;
  let i = from;
  // Bytes up to a 4-byte boundary one at a time, then whole words (SWAR), then the tail.
  while (i < to && ((u.byteOffset + i) & 3) !== 0) n += BITS_IN_BYTE[u[i++]!]!;
  const words = (to - i) >>> 2;
  if (words > 0) {
    const w = new Int32Array(u.buffer, u.byteOffset + i, words);
    for (let k = 0; k < words; k++) {
      let x = w[k]!;
      x = x - ((x >>> 1) & 0x55555555);
      x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
      n += (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
    }
    i += words * 4;
  }
  while (i < to) n += BITS_IN_BYTE[u[i++]!]!;
  return n;
}

/** The number of set bits in one byte. */
export function popcountByte(b: number): number {
  return BITS_IN_BYTE[b & 0xff]!;
}

/**
 * Redis's redisBitpos over `u[from, from + count)`: the position (in bits, from `from`) of the
 * first bit equal to `bit`. When there is none: -1 when looking for a 1; `count * 8` when
 * looking for a 0, as if the bytes continued with zeros.
 */
export function bitposIn(u: Uint8Array, from: number, count: number, bit: 0 | 1): number {
  const skip = bit === 1 ? 0 : 0xff;
  const end = from + count;
  let i = from;
  while (i < end && u[i] === skip) i++;
  if (i === end) return bit === 1 ? -1 : count * 8;
  const b = u[i]!;
  for (let j = 0; j < 8; j++) {
    if (((b >> (7 - j)) & 1) === bit) return (i - from) * 8 + j;
  }
  throw new Error('unreachable: a byte that is not the skip value has the bit');
}

export type BitOp = 'AND' | 'OR' | 'XOR' | 'NOT';

/**
 * BITOP: combines `sources` byte by byte into a new buffer as long as the longest source;
 * shorter sources count as zero-padded. `lengths[i]` is how many bytes of sources[i] are the
 * value (a source may have spare capacity beyond it). NOT takes exactly one source.
 */
export function bitop(op: BitOp, sources: readonly Uint8Array[], lengths: readonly number[]): Buffer {
  let maxlen = 0;
  for (const l of lengths) if (l > maxlen) maxlen = l;
  const out = Buffer.alloc(maxlen);
  if (maxlen === 0) return out;
  if (op === 'NOT') {
    const s = sources[0]!;
    const len = lengths[0]!;
    for (let j = 0; j < len; j++) out[j] = ~s[j]! & 0xff;
    out.fill(0xff, len);
    return out;
  }
  const first = sources[0]!;
  const firstLen = lengths[0]!;
  out.set(firstLen === first.length ? first : first.subarray(0, firstLen), 0);
  for (let k = 1; k < sources.length; k++) {
    const s = sources[k]!;
    const len = lengths[k]!;
    if (op === 'AND') {
      for (let j = 0; j < len; j++) out[j]! &= s[j]!;
      // Past its end a source is zeros.
      out.fill(0, len);
    } else if (op === 'OR') {
      for (let j = 0; j < len; j++) out[j]! |= s[j]!;
    } else {
      for (let j = 0; j < len; j++) out[j]! ^= s[j]!;
    }
  }
  return out;
}

// ---- BITFIELD integers ---------------------------------------------------------------------

/** A bitfield type: i1..i64 or u1..u63. */
export interface BitfieldType {
  readonly signed: boolean;
  readonly bits: number;
}

/** A byte source for reads: byte `i`, 0 past the end. */
export type ByteReader = (i: number) => number;

/** The `bits` bits at bit `offset`, as an unsigned integer (Redis's getUnsignedBitfield). */
export function getUnsigned(read: ByteReader, offset: number, bits: number): bigint {
  // Two 32-bit halves in plain numbers, then one BigInt: far fewer BigInt operations than a
  // bit-by-bit BigInt loop.
  let hi = 0;
  let lo = 0;
  const hiBits = bits > 32 ? bits - 32 : 0;
  let byteIndex = -1;
  let byte = 0;
  for (let j = 0; j < bits; j++) {
    const pos = offset + j;
    const bi = Math.floor(pos / 8);
    if (bi !== byteIndex) {
      byteIndex = bi;
      byte = read(bi);
    }
    const bit = (byte >> (7 - (pos % 8))) & 1;
    if (j < hiBits) hi = hi * 2 + bit;
    else lo = lo * 2 + bit;
  }
  return hiBits === 0 ? BigInt(lo) : (BigInt(hi) << 32n) | BigInt(lo);
}

/** The `bits` bits at bit `offset` as a signed (two's complement) integer. */
export function getSigned(read: ByteReader, offset: number, bits: number): bigint {
  return BigInt.asIntN(bits, getUnsigned(read, offset, bits));
}

/** Writes the low `bits` bits of `value` (any sign: two's complement) at bit `offset` of `u`. */
export function setBits(u: Uint8Array, offset: number, bits: number, value: bigint): void {
  const v = BigInt.asUintN(64, value);
  const hi = Number((v >> 32n) & 0xffffffffn);
  const lo = Number(v & 0xffffffffn);
  for (let j = 0; j < bits; j++) {
    // Bit j counted from the most significant of the field.
    const k = bits - 1 - j;
    const bit = k >= 32 ? (hi >>> (k - 32)) & 1 : (lo >>> k) & 1;
    const pos = offset + j;
    const bi = Math.floor(pos / 8);
    const mask = 1 << (7 - (pos % 8));
    u[bi] = bit ? u[bi]! | mask : u[bi]! & ~mask;
  }
}

export type Overflow = 'WRAP' | 'SAT' | 'FAIL';

/** The outcome of an overflow check: 0 none, 1 above the maximum, -1 below the minimum. */
export interface OverflowResult {
  readonly direction: -1 | 0 | 1;
  /** The value to store on overflow for WRAP and SAT (undefined for FAIL). */
  readonly limit?: bigint;
}

const U64 = (x: bigint) => BigInt.asUintN(64, x);
const I64 = (x: bigint) => BigInt.asIntN(64, x);
const INT64_MAX = (1n << 63n) - 1n;

/**
 * Redis's checkUnsignedBitfieldOverflow, with C's 64-bit wrap-around reproduced: `value` is a
 * uint64 (a SET value is the int64 argument reinterpreted), `incr` an int64.
 */
export function checkUnsignedOverflow(value: bigint, incr: bigint, bits: number, ow: Overflow): OverflowResult {
  // Unsigned fields are at most 63 bits wide (u64 is refused).
  const max = (1n << BigInt(bits)) - 1n;
  const maxincr = I64(max - value);
  const minincr = I64(-value);
  const wrap = (): bigint => U64(value + incr) & max;
  if (value > max || (incr > 0n && incr > maxincr)) {
    return { direction: 1, limit: ow === 'WRAP' ? wrap() : ow === 'SAT' ? max : undefined };
  }
  if (incr < 0n && incr < minincr) {
    return { direction: -1, limit: ow === 'WRAP' ? wrap() : ow === 'SAT' ? 0n : undefined };
  }
  return NO_OVERFLOW;
}

/**
 * Redis's checkSignedBitfieldOverflow, C wrap-around included: maxincr is computed as
 * (uint64)max - value, so a SET of a very negative value (down to INT64_MIN + max) counts as
 * an overflow *above* the maximum, which SAT then stores as the maximum. Redis does exactly this.
 */
export function checkSignedOverflow(value: bigint, incr: bigint, bits: number, ow: Overflow): OverflowResult {
  const max = bits === 64 ? INT64_MAX : (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const maxincr = I64(U64(max) - U64(value));
  const minincr = I64(min - value);
  const wrap = (): bigint => {
    let c = U64(value + incr);
    if (bits < 64) {
      const msb = 1n << BigInt(bits - 1);
      const mask = U64(-1n << BigInt(bits));
      c = (c & msb) !== 0n ? c | mask : c & ((1n << BigInt(bits)) - 1n);
    }
    return I64(c);
  };
  if (value > max || (bits !== 64 && incr > maxincr) || (value >= 0n && incr > 0n && incr > maxincr)) {
    return { direction: 1, limit: ow === 'WRAP' ? wrap() : ow === 'SAT' ? max : undefined };
  }
  if (value < min || (bits !== 64 && incr < minincr) || (value < 0n && incr < 0n && incr < minincr)) {
    return { direction: -1, limit: ow === 'WRAP' ? wrap() : ow === 'SAT' ? min : undefined };
  }
  return NO_OVERFLOW;
}

const NO_OVERFLOW: OverflowResult = { direction: 0 };
