// Sizes of values in Redis 7.0's RDB format, for DEBUG OBJECT's serializedlength (and the
// compact blobs Redis would write: a listpack for a small hash, an intset for a small integer
// set). The blobs are built byte for byte as Redis lays them out, since LZF compression of
// them decides the size.
//
//   rdbSaveLen:        1, 2, 5 or 9 bytes
//   rdbSaveRawString:  an integer of up to 32 bits that prints back identically: 2, 3 or 5
//                      bytes; else, with rdbcompression and more than 20 bytes, LZF when it
//                      saves at least 4 bytes (type byte + compressed and original lengths +
//                      data); else length + bytes
//   listpack (listpack.c): u32 total bytes, u16 count, entries (encoding + data + backlen),
//                      0xFF. Integers by string2ll get 1..9-byte encodings.
//   intset (intset.c): u32 width (2/4/8), u32 count, the sorted values little-endian.

import { lzfCompress } from './lzf.js';
import { parseInt64 } from '../resp/numbers.js';

/** rdbSaveLen: the size of an RDB length prefix. */
export function rdbLenSize(n: number): number {
  if (n < 1 << 6) return 1;
  if (n < 1 << 14) return 2;
  if (n <= 0xffffffff) return 5;
  return 9;
}

/** rdbEncodeInteger: 2, 3 or 5 bytes for integers fitting 8, 16 or 32 bits, else 0. */
function rdbIntegerSize(v: number | bigint): number {
  if (typeof v !== 'number') return 0;
  if (v >= -128 && v <= 127) return 2;
  if (v >= -32768 && v <= 32767) return 3;
  if (v >= -2147483648 && v <= 2147483647) return 5;
  return 0;
}

/** rdbSaveRawString's size for a latin1 string. */
export function rdbStringSize(s: string, compression: boolean): number {
  if (s.length <= 11) {
    const v = parseInt64(s);
    if (v !== null) {
      const n = rdbIntegerSize(v);
      if (n > 0) return n;
    }
  }
  return rdbBlobSize(Buffer.from(s, 'latin1'), compression);
}

/** rdbSaveRawString's size for a binary blob (no integer encoding applies to a listpack or intset). */
export function rdbBlobSize(b: Buffer, compression: boolean): number {
  if (compression && b.length > 20) {
    const packed = lzfCompress(b, b.length - 4);
    if (packed !== null) return 1 + rdbLenSize(packed.length) + rdbLenSize(b.length) + packed.length;
  }
  return rdbLenSize(b.length) + b.length;
}

// ---- listpack --------------------------------------------------------------------------------

/** lpEncodeBacklen: the entry length written backwards after each entry. */
function backlenSize(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

function writeBacklen(out: number[], l: number): void {
  const n = backlenSize(l);
  // Most significant 7-bit group first; all but the first carry the 128 flag.
  for (let i = n - 1; i >= 0; i--) {
    const group = Math.floor(l / 2 ** (7 * i)) & 127;
    out.push(i === n - 1 ? group : group | 128);
  }
}

function pushLE(out: number[], v: bigint, bytes: number): void {
  for (let i = 0; i < bytes; i++) out.push(Number((v >> BigInt(8 * i)) & 0xffn));
}

/** One listpack entry (encoding, data, backlen) appended to `out`. */
function writeEntry(out: number[], s: string): void {
  const start = out.length;
  const iv = parseInt64(s);
  if (iv !== null) {
    const v = BigInt(iv);
    if (v >= 0n && v <= 127n) out.push(Number(v));
    else if (v >= -4096n && v <= 4095n) {
      const u = v < 0n ? (1n << 13n) + v : v;
      out.push(Number(u >> 8n) | 0xc0, Number(u & 0xffn));
    } else if (v >= -32768n && v <= 32767n) {
      out.push(0xf1);
      pushLE(out, v < 0n ? (1n << 16n) + v : v, 2);
    } else if (v >= -8388608n && v <= 8388607n) {
      out.push(0xf2);
      pushLE(out, v < 0n ? (1n << 24n) + v : v, 3);
    } else if (v >= -2147483648n && v <= 2147483647n) {
      out.push(0xf3);
      pushLE(out, v < 0n ? (1n << 32n) + v : v, 4);
    } else {
      out.push(0xf4);
      pushLE(out, v < 0n ? (1n << 64n) + v : v, 8);
    }
  } else {
    const len = s.length;
    if (len < 64) out.push(0x80 | len);
    else if (len < 4096) out.push(0xe0 | (len >> 8), len & 0xff);
    else {
      out.push(0xf0);
      pushLE(out, BigInt(len), 4);
    }
    for (let i = 0; i < len; i++) out.push(s.charCodeAt(i));
  }
  writeBacklen(out, out.length - start);
}

/** The listpack Redis would hold for these elements, in order. */
export function listpackBlob(elements: Iterable<string>): Buffer {
  const out: number[] = [0, 0, 0, 0, 0, 0];
  let count = 0;
  for (const e of elements) {
    writeEntry(out, e);
    count++;
  }
  out.push(0xff);
  const b = Buffer.from(out);
  b.writeUInt32LE(b.length, 0);
  b.writeUInt16LE(Math.min(count, 65535), 4);
  return b;
}

// ---- intset ----------------------------------------------------------------------------------

/** The intset blob for sorted values stored `width` bytes each. */
export function intsetBlob(sorted: readonly bigint[], width: number): Buffer {
  const b = Buffer.alloc(8 + sorted.length * width);
  b.writeUInt32LE(width, 0);
  b.writeUInt32LE(sorted.length, 4);
  let at = 8;
  for (const v of sorted) {
    if (width === 2) b.writeInt16LE(Number(v), at);
    else if (width === 4) b.writeInt32LE(Number(v), at);
    else b.writeBigInt64LE(v, at);
    at += width;
  }
  return b;
}
