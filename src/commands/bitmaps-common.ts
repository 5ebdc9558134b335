// What the bitmap commands (bitmaps.ts, bitfield.ts) share: bit offset parsing with Redis's
// limits, and access to a string value that may be held as bytes (a ByteString, see
// src/keyspace/byte-string.ts) without turning it back into a JS string.

import type { Client } from '../server/client.js';
import { ByteString, MAX_VALUE_LENGTH } from '../keyspace/byte-string.js';
import type { StoredValue } from '../keyspace/entry.js';
import { parseInt64 } from '../resp/numbers.js';
import { ERR_WRONGTYPE } from './errors.js';

export const ERR_BIT_OFFSET = 'ERR bit offset is not an integer or out of range';

/** A string value as the bit commands see it: a JS string, or the same bytes in a ByteString. */
export type BitString = string | ByteString;

/**
 * Redis's getBitOffsetFromArgument: a non-negative integer whose byte (offset / 8) is below
 * proto-max-bulk-len (the AOF loading client is exempt, as Redis exempts its AOF and master
 * clients). With `hashBits` (BITFIELD), "#n" means n * hashBits, multiplied as C does, with
 * 64-bit wrap-around. Replies the error and returns null when invalid. An offset beyond 2^53
 * (only possible past any storable length) comes back rounded: it addresses nothing.
 */
export function bitOffsetArg(c: Client, s: string, hashBits = 0): number | null {
  const hash = hashBits > 0 && s.charCodeAt(0) === 35; // '#'
  const v = parseInt64(hash ? s.slice(1) : s);
  if (v === null) {
    c.reply.error(ERR_BIT_OFFSET);
    return null;
  }
  let offset: number | bigint = v;
  if (hash) {
    const n = typeof v === 'number' ? v * hashBits : Infinity;
    offset = Number.isSafeInteger(n) ? n : BigInt.asIntN(64, BigInt(v) * BigInt(hashBits));
  }
  const exempt = c.socket === null && c.server.keyspace.loading;
  const byte = typeof offset === 'bigint' ? offset >> 3n : Math.floor(offset / 8);
  if (offset < 0 || (!exempt && byte >= c.server.config.num('proto-max-bulk-len'))) {
    c.reply.error(ERR_BIT_OFFSET);
    return null;
  }
  return Number(offset);
}

/**
 * Whether a write reaching bit `lastBit` keeps the value within what nodis can hold (a JS
 * string's maximum length, 24 bytes short of 512 MB). Past it, replies the offset error, as
 * if proto-max-bulk-len were that much lower.
 */
export function writableUpTo(c: Client, lastBit: number): boolean {
  if (Math.floor(lastBit / 8) < MAX_VALUE_LENGTH) return true;
  c.reply.error(ERR_BIT_OFFSET);
  return false;
}

/**
 * The string at `key` for a read (hits/misses counted), in whichever form it is held; null
 * when the key does not exist, false after replying WRONGTYPE.
 */
export function readBits(c: Client, key: string): BitString | null | false {
  return checkBits(c, c.db.lookupReadStored(key));
}

/**
 * The string at `key` for a write: a ByteString may be edited in place (then c.db.modified),
 * a JS string must be replaced through c.db.set. Null / false as readBits.
 */
export function writeBits(c: Client, key: string): BitString | null | false {
  return checkBits(c, c.db.lookupWriteStored(key));
}

function checkBits(c: Client, v: StoredValue | undefined): BitString | null | false {
  if (v === undefined) return null;
  if (typeof v === 'string' || v instanceof ByteString) return v;
  c.reply.error(ERR_WRONGTYPE);
  return false;
}

/** Byte `i` of a value, 0 past its end. */
export function byteAt(v: BitString, i: number): number {
  if (typeof v === 'string') return i < v.length ? v.charCodeAt(i) : 0;
  return v.byteAt(i);
}

/**
 * Bytes [from, to) of a value (within its length) as an array plus the index where they
 * start in it: a ByteString's own buffer, or a copy of that part of a JS string.
 */
export function bytesOf(v: BitString, from: number, to: number): [Uint8Array, number] {
  if (typeof v !== 'string') return [v.buf, from];
  return [Buffer.from(from === 0 && to === v.length ? v : v.slice(from, to), 'latin1'), 0];
}
