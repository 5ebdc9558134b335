// How Redis 7.0 would serialise a sorted set, for DEBUG OBJECT's serializedlength (and,
// later, the RDB): a small set is one listpack blob (RDB_TYPE_ZSET_LISTPACK), a large one a
// length then member (RDB string) + score (8-byte binary double) from the highest score down
// (RDB_TYPE_ZSET_2). The listpack is rebuilt byte for byte — member then score entries, each
// integer-looking string in its integer encoding, a score stored as an integer when it is one
// (double2ll) and otherwise as its %.17g text — since its LZF-compressed size depends on
// the exact bytes.

import { parseInt64, formatDouble } from '../resp/numbers.js';
import { lzfCompress } from './lzf.js';

/** double2ll: a score a listpack stores as an integer (|d| <= 2^62, no fraction). */
export function scoreAsInteger(d: number): bigint | null {
  const limit = 4611686018427387903; // LLONG_MAX/2 (rounds to 2^62 as a double)
  if (d < -limit || d > limit || !Number.isInteger(d)) return null;
  return BigInt(d);
}

/** The text a listpack holds for a score: its integer digits, or %.17g. */
export function listpackScoreText(d: number): string {
  const i = scoreAsInteger(d);
  return i !== null ? i.toString() : formatDouble(d);
}

/** rdbSaveLen: the size of an RDB length prefix. */
export function rdbLenSize(n: number): number {
  if (n < 1 << 6) return 1;
  if (n < 1 << 14) return 2;
  if (n <= 0xffffffff) return 5;
  return 9;
}

/** rdbSaveRawString's size for bytes that are not tried as an integer (a listpack blob). */
export function rdbBlobSize(bytes: Buffer, compression: boolean): number {
  const len = bytes.length;
  if (compression && len > 20) {
    const packed = lzfCompress(bytes, len - 4);
    if (packed !== null) return 1 + rdbLenSize(packed.length) + rdbLenSize(len) + packed.length;
  }
  return rdbLenSize(len) + len;
}

/** rdbSaveRawString's size for a member: 32-bit integers encoded as such, LZF past 20 bytes. */
export function rdbStringSize(s: string, compression: boolean): number {
  if (s.length <= 11) {
    const v = parseInt64(s);
    if (typeof v === 'number') {
      if (v >= -128 && v <= 127) return 2;
      if (v >= -32768 && v <= 32767) return 3;
      if (v >= -2147483648 && v <= 2147483647) return 5;
    }
  }
  if (compression && s.length > 20) {
    const packed = lzfCompress(Buffer.from(s, 'latin1'), s.length - 4);
    if (packed !== null) return 1 + rdbLenSize(packed.length) + rdbLenSize(s.length) + packed.length;
  }
  return rdbLenSize(s.length) + s.length;
}

// ---- listpack ---------------------------------------------------------------------------------

/** lpEncodeBacklen's size for an entry of `l` bytes. */
function backlenSize(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

/** Writes one listpack entry (encoding, data, backlen) at `pos`; returns the new position. */
function writeEntry(out: Buffer, pos: number, s: string): number {
  const start = pos;
  const iv = parseInt64(s);
  if (iv !== null) {
    const v = BigInt(iv);
    if (v >= 0n && v <= 127n) {
      out[pos++] = Number(v);
    } else if (v >= -4096n && v <= 4095n) {
      const u = Number(v < 0n ? (1n << 13n) + v : v);
      out[pos++] = (u >> 8) | 0xc0;
      out[pos++] = u & 0xff;
    } else if (v >= -32768n && v <= 32767n) {
      out[pos++] = 0xf1;
      out.writeInt16LE(Number(v), pos);
      pos += 2;
    } else if (v >= -8388608n && v <= 8388607n) {
      out[pos++] = 0xf2;
      out.writeIntLE(Number(v), pos, 3);
      pos += 3;
    } else if (v >= -2147483648n && v <= 2147483647n) {
      out[pos++] = 0xf3;
      out.writeInt32LE(Number(v), pos);
      pos += 4;
    } else {
      out[pos++] = 0xf4;
      out.writeBigInt64LE(v, pos);
      pos += 8;
    }
  } else {
    const len = s.length;
    if (len < 64) {
      out[pos++] = 0x80 | len;
    } else if (len < 4096) {
      out[pos++] = (len >> 8) | 0xe0;
      out[pos++] = len & 0xff;
    } else {
      out[pos++] = 0xf0;
      out.writeUInt32LE(len, pos);
      pos += 4;
    }
    pos += out.write(s, pos, 'latin1');
  }
  const l = pos - start;
  const b = backlenSize(l);
  if (b === 1) out[pos++] = l;
  else {
    // Big-endian 7-bit groups, every byte but the first flagged with 128.
    for (let k = b - 1; k >= 0; k--) {
      const group = Math.floor(l / 2 ** (7 * k)) & 127;
      out[pos++] = k === b - 1 ? group : group | 128;
    }
  }
  return pos;
}

/** Upper bound of an entry's size, for the buffer. */
function entryBound(s: string): number {
  return s.length + 5 + 5 + 9;
}

/** The listpack of (member, score) pairs, in order: what Redis holds for a small sorted set. */
export function zsetListpack(pairs: Iterable<readonly [string, number]>): Buffer {
  const texts: string[] = [];
  let bound = 7;
  for (const [member, score] of pairs) {
    const st = listpackScoreText(score);
    texts.push(member, st);
    bound += entryBound(member) + entryBound(st);
  }
  const out = Buffer.alloc(bound);
  let pos = 6;
  for (const t of texts) pos = writeEntry(out, pos, t);
  out[pos++] = 0xff;
  out.writeUInt32LE(pos, 0);
  out.writeUInt16LE(Math.min(texts.length, 65535), 4);
  return out.subarray(0, pos);
}
